using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace AuroraStream.TestUtilities;

/// <summary>
/// A real InfluxDB 1.x server (Debian's <c>influxd</c>) on 127.0.0.1 with a temporary data folder,
/// started for a test class and stopped, with its data deleted, on dispose. With authentication on,
/// as in the docker compose stack, <see cref="Execute"/> and <see cref="Write"/> act as the admin user.
/// </summary>
public sealed class InfluxServer : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly string _influxd;
    private readonly string _config;
    private readonly bool _authentication;
    private Process? _process;

    /// <summary>Starts the server and waits (up to 30 s) until <c>/ping</c> answers; with <paramref name="authentication"/>, creates the admin user.</summary>
    public InfluxServer(bool authentication = false)
    {
        _authentication = authentication;
        _influxd = new[] { "/usr/bin/influxd", "/usr/local/bin/influxd" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("influxd is not installed: 'make test' installs Debian's influxdb package when run as root (apt-get install influxdb).");
        Port = FreePort();
        var rpcPort = FreePort();
        _config = _folder.File("influxdb.conf");
        File.WriteAllText(_config, string.Create(CultureInfo.InvariantCulture, $"""
            reporting-disabled = true
            bind-address = "127.0.0.1:{rpcPort}"
            [meta]
              dir = "{_folder.File("meta")}"
            [data]
              dir = "{_folder.File("data")}"
              wal-dir = "{_folder.File("wal")}"
              query-log-enabled = false
            [http]
              enabled = true
              bind-address = "127.0.0.1:{Port}"
              auth-enabled = {(authentication ? "true" : "false")}
              log-enabled = false
            [monitor]
              store-enabled = false
            [continuous_queries]
              enabled = false
            """));
        try
        {
            Start();
            if (authentication)
            {
                // The first user may be created without credentials, and must be an admin.
                using var http = new HttpClient();
                http.PostAsync(new Uri(Url, "query"), new FormUrlEncodedContent(new Dictionary<string, string> { ["q"] = $"CREATE USER {AdminUser} WITH PASSWORD '{AdminPassword}' WITH ALL PRIVILEGES" })).GetAwaiter().GetResult().EnsureSuccessStatusCode();
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Whether the server process is running.</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>CPU time the running server has used so far (zero when it is not running).</summary>
    public TimeSpan ProcessorTime
    {
        get
        {
            var process = _process;
            if (process is not { HasExited: false })
            {
                return TimeSpan.Zero;
            }

            process.Refresh();
            return process.TotalProcessorTime;
        }
    }

    /// <summary>(Re)starts the server on the same port and data, waiting (up to 30 s) until <c>/ping</c> answers.</summary>
    public void Start()
    {
        if (IsRunning)
        {
            return;
        }

        _process?.Dispose();
        var process = Process.Start(new ProcessStartInfo(_influxd, ["-config", _config])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("influxd did not start.");
        _process = process;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"influxd exited with code {process.ExitCode} at start-up.");
            }

            try
            {
                if (http.GetAsync(new Uri(Url, "ping")).GetAwaiter().GetResult().StatusCode == HttpStatusCode.NoContent)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Not answering yet.
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"influxd did not answer /ping on port {Port} within 30 s.");
            }

            Thread.Sleep(100);
        }
    }

    /// <summary>Stops the server (SIGKILL, as a crash would), keeping its data for <see cref="Start"/>.</summary>
    public void Stop()
    {
        try
        {
            if (_process is { HasExited: false } process)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    /// <summary>The admin user when authentication is on.</summary>
    public string AdminUser => "admin";

    /// <summary>The admin password when authentication is on.</summary>
    public string AdminPassword { get; } = Guid.NewGuid().ToString("N");

    /// <summary>HTTP port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>Base URL.</summary>
    public Uri Url => new($"http://127.0.0.1:{Port}/");

    /// <summary>Runs an InfluxQL statement (CREATE DATABASE...), failing on a non-2xx answer.</summary>
    public void Execute(string influxQl)
    {
        using var http = Client();
        var response = http.PostAsync(new Uri(Url, "query"), new FormUrlEncodedContent(new Dictionary<string, string> { ["q"] = influxQl })).GetAwaiter().GetResult();
        response.EnsureSuccessStatusCode();
        var body = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
        if (body.Contains("\"error\"", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{influxQl}: {body}");
        }
    }

    /// <summary>Writes line protocol (ns precision) to a database.</summary>
    public void Write(string database, string lineProtocol)
    {
        using var http = Client();
        var response = http.PostAsync(new Uri(Url, $"write?db={Uri.EscapeDataString(database)}&precision=ns"), new StringContent(lineProtocol)).GetAwaiter().GetResult();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"write failed ({(int)response.StatusCode}): {response.Content.ReadAsStringAsync().GetAwaiter().GetResult()}");
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Stop();
        _process?.Dispose();
        _folder.Dispose();
    }

    private HttpClient Client()
    {
        var http = new HttpClient();
        if (_authentication)
        {
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{AdminUser}:{AdminPassword}")));
        }

        return http;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
