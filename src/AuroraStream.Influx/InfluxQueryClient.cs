using System.Globalization;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace AuroraStream.Influx;

/// <summary>One series of an InfluxQL result: tags and rows of values (columns[0] is time, in ns).</summary>
/// <param name="Name">Measurement.</param>
/// <param name="Tags">GROUP BY tags.</param>
/// <param name="Columns">Column names.</param>
/// <param name="Values">Rows.</param>
public sealed record InfluxSeries(string Name, IReadOnlyDictionary<string, string> Tags, IReadOnlyList<string> Columns, IReadOnlyList<JsonElement[]> Values);

/// <summary>
/// Runs InfluxQL against the v1 HTTP API (<c>/query</c>), with chunked responses so large results
/// stream. Works with InfluxDB 1.x and with the v1-compatible query endpoint of 2.x/3.x (token).
/// </summary>
public sealed class InfluxQueryClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly InfluxConnectionOptions _options;

    /// <summary>Creates a client; <paramref name="handler"/> is for tests and proxies.</summary>
    public InfluxQueryClient(InfluxConnectionOptions options, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _http = handler is null ? new HttpClient() : new HttpClient(handler);
        _http.BaseAddress = options.Url;
        _http.Timeout = options.Timeout;
        if (options.Token is not null)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Token", options.Token);
        }
        else if (options.User is not null)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{options.User}:{options.Password}")));
        }
    }

    /// <summary>Quotes a string literal for InfluxQL.</summary>
    public static string Literal(string value) => $"'{value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal)}'";

    /// <summary>Quotes an identifier for InfluxQL.</summary>
    public static string Identifier(string value) => $"\"{value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\"";

    /// <summary>An RFC 3339 time literal.</summary>
    public static string Time(DateTime utc) => Literal(utc.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));

    /// <summary>Runs a query and streams the series of every chunk.</summary>
    /// <exception cref="InfluxException">The server refused the query or is unreachable.</exception>
    public async IAsyncEnumerable<InfluxSeries> QueryAsync(string influxQl, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(influxQl);
        var form = new Dictionary<string, string> { ["db"] = _options.Database, ["q"] = influxQl, ["epoch"] = "ns", ["chunked"] = "true", ["chunk_size"] = "10000" };
        if (_options.RetentionPolicy is { } rp)
        {
            form["rp"] = rp;
        }

        HttpResponseMessage response;
        try
        {
            response = await _http.PostAsync(new Uri("query", UriKind.Relative), new FormUrlEncodedContent(form), cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new InfluxException($"InfluxDB at {_options.Url} is unreachable: {e.Message}", e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new InfluxException($"InfluxDB at {_options.Url} did not answer within {_options.Timeout.TotalSeconds:0} s", e);
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                throw new InfluxException($"InfluxDB at {_options.Url} refused the query ({(int)response.StatusCode}): {body.Trim()}");
            }

            using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            using var reader = new StreamReader(stream);
            while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
            {
                if (line.Length == 0)
                {
                    continue;
                }

                foreach (var series in ParseChunk(line))
                {
                    yield return series;
                }
            }
        }
    }

    /// <summary>Longest wait for <see cref="PingAsync"/>.</summary>
    public static readonly TimeSpan PingTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Asks the server's <c>/ping</c> (InfluxDB 1.x and 2.x) whether it is there, within
    /// <see cref="PingTimeout"/>, so a server that is down or silent fails in seconds, not after
    /// the query timeout.
    /// </summary>
    /// <exception cref="InfluxException">No answer in time, a refused connection, or an HTTP error; the message names the URL.</exception>
    public async Task PingAsync(CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(PingTimeout);
        try
        {
            using var response = await _http.GetAsync(new Uri("ping", UriKind.Relative), timeout.Token).ConfigureAwait(false);
            if ((int)response.StatusCode >= 400)
            {
                throw new InfluxException($"InfluxDB at {_options.Url}: /ping answered HTTP {(int)response.StatusCode}");
            }
        }
        catch (HttpRequestException e)
        {
            throw new InfluxException($"InfluxDB at {_options.Url} is unreachable: {e.Message}", e);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new InfluxException($"InfluxDB at {_options.Url} did not answer /ping within {PingTimeout.TotalSeconds:0} s", e);
        }
    }

    /// <summary>Runs a statement (CREATE DATABASE...) and checks it succeeded.</summary>
    public async Task ExecuteAsync(string influxQl, CancellationToken cancellationToken = default)
    {
        await foreach (var _ in QueryAsync(influxQl, cancellationToken).ConfigureAwait(false))
        {
        }
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    internal static IEnumerable<InfluxSeries> ParseChunk(string json)
    {
        using var doc = JsonDocument.Parse(json);
        if (doc.RootElement.TryGetProperty("error", out var topError))
        {
            throw new InfluxException($"InfluxDB: {topError.GetString()}");
        }

        var result = new List<InfluxSeries>();
        foreach (var statement in doc.RootElement.GetProperty("results").EnumerateArray())
        {
            if (statement.TryGetProperty("error", out var error))
            {
                throw new InfluxException($"InfluxDB: {error.GetString()}");
            }

            if (!statement.TryGetProperty("series", out var series))
            {
                continue;
            }

            foreach (var s in series.EnumerateArray())
            {
                var tags = s.TryGetProperty("tags", out var t) ? t.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? string.Empty) : [];
                var columns = s.GetProperty("columns").EnumerateArray().Select(c => c.GetString() ?? string.Empty).ToList();
                var values = s.TryGetProperty("values", out var v) ? v.EnumerateArray().Select(row => row.EnumerateArray().Select(x => x.Clone()).ToArray()).ToList() : [];
                result.Add(new InfluxSeries(s.TryGetProperty("name", out var n) ? n.GetString() ?? string.Empty : string.Empty, tags, columns, values));
            }
        }

        return result;
    }
}

/// <summary>InfluxDB refused a request or could not be reached.</summary>
public sealed class InfluxException : Exception
{
    /// <summary>Creates the exception.</summary>
    public InfluxException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public InfluxException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public InfluxException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
