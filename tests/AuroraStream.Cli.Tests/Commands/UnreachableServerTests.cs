using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using AuroraStream.Kafka;
using AuroraStream.TestUtilities;

namespace AuroraStream.Cli.Tests.Commands;

/// <summary>
/// A Kafka broker or an InfluxDB that is not there, as a user meets it: the CLI run as its own
/// process (librdkafka prints to the process's stderr, which an in-process run would not see)
/// fails within seconds with one line naming the address, exit 2, no stack trace.
/// </summary>
[Collection("cli stream")]
public sealed class UnreachableServerTests
{
    private static readonly string Model = Path.Combine(RepoPaths.Root, "onnx-models", "aurorastream-compact.onnx");
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(15);

    [Fact]
    public void Publish_NoBroker_OneLineNamingTheAddressExitTwoWithinSeconds()
    {
        var address = $"127.0.0.1:{ClosedPort()}";

        var (result, elapsed) = Cli("publish", RepoPaths.Samples, "--bootstrap", address);

        AssertOneErrorLine(result, elapsed, $"error: Kafka {address}: not reachable");
        Assert.Contains("Connection refused", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_NoBroker_OneLineNamingTheAddressExitTwoWithinSeconds()
    {
        var address = $"127.0.0.1:{ClosedPort()}";

        var (result, elapsed) = Cli("run", "--bootstrap", address, "--model", Model);

        AssertOneErrorLine(result, elapsed, $"error: Kafka {address}: not reachable");
    }

    [Fact]
    public void Run_NoInfluxDb_OneLineNamingTheUrlExitTwoWithinSeconds()
    {
        using var cluster = EmbeddedKafkaCluster.Start();
        var url = $"http://127.0.0.1:{ClosedPort()}/";

        var (result, elapsed) = Cli("run", "--bootstrap", cluster.BootstrapServers, "--model", Model, "--influx-url", url, "--influx-db", "aurorastream");

        AssertOneErrorLine(result, elapsed, $"error: InfluxDB {url}: not reachable");
    }

    [Fact]
    public void Demo_NoInfluxDb_OneLineNamingTheUrlExitTwoWithinSeconds()
    {
        using var temp = new TempFolder();
        var url = $"http://127.0.0.1:{ClosedPort()}/";

        var (result, elapsed) = Cli("demo", "--influx-url", url, "--out", temp.Path);

        AssertOneErrorLine(result, elapsed, $"error: InfluxDB {url}: not reachable");
    }

    [Fact]
    public void Analyze_NoInfluxDb_OneLineNamingTheUrlExitTwoWithinSeconds()
    {
        using var temp = new TempFolder();
        var url = $"http://127.0.0.1:{ClosedPort()}/";

        var (result, elapsed) = Cli("analyze", "occurrence", "--influx-url", url, "--omni", RepoPaths.Data("omni", "OMNI_HIGH_RES_1min_202001.csv"), "--out", temp.Path);

        AssertOneErrorLine(result, elapsed, $"error: InfluxDB at {url} is unreachable");
    }

    private static void AssertOneErrorLine(CommandResult result, TimeSpan elapsed, string expected)
    {
        var lines = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(result.Code == 2, $"exit {result.Code}; stderr:\n{result.Error}");
        Assert.True(elapsed < Limit, $"took {elapsed.TotalSeconds:0.0} s");
        Assert.True(lines.Length <= 3, $"{lines.Length} lines on stderr:\n{result.Error}");
        var error = Assert.Single(lines, l => l.StartsWith("error: ", StringComparison.Ordinal));
        Assert.StartsWith(expected, error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("%3|", result.Error, StringComparison.Ordinal);
    }

    private static (CommandResult Result, TimeSpan Elapsed) Cli(params string[] args)
    {
        var watch = Stopwatch.StartNew();
        var result = ExternalCommand.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "aurorastream.dll"), .. args], TimeSpan.FromSeconds(90), RepoPaths.Root);
        return (result, watch.Elapsed);
    }

    /// <summary>A loopback port nothing listens on: one the system just handed out and that was closed again.</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
