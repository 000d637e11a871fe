using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace AuroraStream.TestUtilities;

/// <summary>
/// A real InfluxDB 1.x server (Debian's <c>influxd</c>) on 127.0.0.1 with a temporary data folder,
/// started for a test class and stopped, with its data deleted, on dispose.
/// </summary>
public sealed class InfluxServer : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly Process _process;

    /// <summary>Starts the server and waits (up to 30 s) until <c>/ping</c> answers.</summary>
    public InfluxServer()
    {
        var influxd = new[] { "/usr/bin/influxd", "/usr/local/bin/influxd" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("influxd is not installed: 'make test' installs Debian's influxdb package when run as root (apt-get install influxdb).");
        Port = FreePort();
        var rpcPort = FreePort();
        var config = _folder.File("influxdb.conf");
        File.WriteAllText(config, string.Create(CultureInfo.InvariantCulture, $"""
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
              auth-enabled = false
              log-enabled = false
            [monitor]
              store-enabled = false
            [continuous_queries]
              enabled = false
            """));
        _process = Process.Start(new ProcessStartInfo(influxd, ["-config", config])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("influxd did not start.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"influxd exited with code {_process.ExitCode} at start-up.");
            }

            try
            {
                if (http.GetAsync(new Uri(Url, "ping")).GetAwaiter().GetResult().StatusCode == HttpStatusCode.NoContent)
                {
                    break;
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
                Dispose();
                throw new TimeoutException($"influxd did not answer /ping on port {Port} within 30 s.");
            }

            Thread.Sleep(100);
        }
    }

    /// <summary>HTTP port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>Base URL.</summary>
    public Uri Url => new($"http://127.0.0.1:{Port}/");

    /// <summary>Runs an InfluxQL statement (CREATE DATABASE...), failing on a non-2xx answer.</summary>
    public void Execute(string influxQl)
    {
        using var http = new HttpClient();
        var response = http.PostAsync(new Uri(Url, "query"), new FormUrlEncodedContent(new Dictionary<string, string> { ["q"] = influxQl })).GetAwaiter().GetResult();
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Writes line protocol (ns precision) to a database.</summary>
    public void Write(string database, string lineProtocol)
    {
        using var http = new HttpClient();
        var response = http.PostAsync(new Uri(Url, $"write?db={Uri.EscapeDataString(database)}&precision=ns"), new StringContent(lineProtocol)).GetAwaiter().GetResult();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"write failed ({(int)response.StatusCode}): {response.Content.ReadAsStringAsync().GetAwaiter().GetResult()}");
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
        _folder.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
