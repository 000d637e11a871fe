using System.Net;
using System.Text;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace AuroraStream.Influx;

/// <summary>How the writer retries.</summary>
public sealed class InfluxRetryOptions
{
    /// <summary>Retries after the first attempt before giving up with an exception.</summary>
    /// <value>Default <see cref="int.MaxValue"/>: an unavailable InfluxDB holds the stream back (backpressure) rather than losing data.</value>
    public int MaxRetries { get; init; } = int.MaxValue;

    /// <summary>First delay; doubled per retry, with jitter.</summary>
    /// <value>Default 200 ms.</value>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Longest delay between retries.</summary>
    /// <value>Default 5 s.</value>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Called before each retry with the attempt number and why (for logs and metrics).</summary>
    public Action<int, string>? OnRetry { get; init; }

    internal void Validate()
    {
        if (MaxRetries < 0 || BaseDelay <= TimeSpan.Zero || MaxDelay < BaseDelay)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxRetries), "InfluxRetryOptions: MaxRetries >= 0 and 0 < BaseDelay <= MaxDelay are required.");
        }
    }
}

/// <summary>The outcome of a write.</summary>
/// <param name="Rejected">Null when written; else the server's refusal (HTTP 4xx) with its message.</param>
public sealed record InfluxWriteOutcome(string? Rejected);

/// <summary>
/// Writes line protocol over HTTP to InfluxDB 1.x (<c>/write?db=&amp;rp=&amp;precision=ns</c>, user and
/// password) or 2.x/3.x (<c>/api/v2/write?org=&amp;bucket=&amp;precision=ns</c>, token). Server errors
/// (5xx), 408/429, timeouts and refused connections are retried with exponential backoff and jitter
/// (Polly); any other 4xx is a rejection returned with the server's message, not retried.
/// </summary>
public sealed class InfluxWriter : IDisposable
{
    private readonly InfluxConnectionOptions _options;
    private readonly HttpClient _http;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;
    private readonly Uri _endpoint;

    /// <summary>Creates a writer.</summary>
    public InfluxWriter(InfluxConnectionOptions options, InfluxRetryOptions? retry = null, HttpMessageHandler? handler = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        retry ??= new InfluxRetryOptions();
        retry.Validate();
        _options = options;
        _http = handler is null ? new HttpClient() : new HttpClient(handler);
        _http.Timeout = Timeout.InfiniteTimeSpan;
        if (options.Token is { } token)
        {
            _http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Token", token);
        }

        _endpoint = Endpoint(options);
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage>();
        if (timeProvider is not null)
        {
            builder.TimeProvider = timeProvider;
        }

        _pipeline = builder
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                    .Handle<HttpRequestException>()
                    .Handle<TimeoutRejectedException>()
                    .HandleResult(r => IsTransient(r.StatusCode)),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = retry.BaseDelay,
                MaxDelay = retry.MaxDelay,
                MaxRetryAttempts = retry.MaxRetries,
                OnRetry = args =>
                {
                    var why = args.Outcome.Exception is { } e ? e.Message : $"HTTP {(int)args.Outcome.Result!.StatusCode}";
                    args.Outcome.Result?.Dispose();
                    retry.OnRetry?.Invoke(args.AttemptNumber + 1, why);
                    return default;
                },
            })
            .AddTimeout(options.Timeout)
            .Build();
    }

    /// <summary>Writes line-protocol text; returns once InfluxDB has accepted or rejected it.</summary>
    public async Task<InfluxWriteOutcome> WriteAsync(string lines, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lines);
        if (lines.Length == 0)
        {
            return new InfluxWriteOutcome(null);
        }

        var body = Encoding.UTF8.GetBytes(lines);
        using var response = await _pipeline.ExecuteAsync(
            async token =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, _endpoint) { Content = new ByteArrayContent(body) };
                request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/plain") { CharSet = "utf-8" };
                if (_options.Token is null && _options.User is { } user)
                {
                    request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{_options.Password}")));
                }

                return await _http.SendAsync(request, token).ConfigureAwait(false);
            },
            cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
        {
            return new InfluxWriteOutcome(null);
        }

        var message = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (IsTransient(response.StatusCode))
        {
            throw new InfluxException($"InfluxDB {_options.Url} still failing after retries: HTTP {(int)response.StatusCode} {message.Trim()}");
        }

        return new InfluxWriteOutcome($"HTTP {(int)response.StatusCode}: {message.Trim()}");
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    private static bool IsTransient(HttpStatusCode status) =>
        (int)status >= 500 || status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;

    private static Uri Endpoint(InfluxConnectionOptions options)
    {
        var query = options.WriteApi == InfluxWriteApi.V2
            ? $"api/v2/write?org={Uri.EscapeDataString(options.Org!)}&bucket={Uri.EscapeDataString(options.Bucket ?? options.Database)}&precision=ns"
            : $"write?db={Uri.EscapeDataString(options.Database)}{(options.RetentionPolicy is { } rp ? $"&rp={Uri.EscapeDataString(rp)}" : string.Empty)}&precision=ns";
        var baseUrl = options.Url!.ToString();
        return new Uri(new Uri(baseUrl.EndsWith('/') ? baseUrl : baseUrl + "/"), query);
    }
}
