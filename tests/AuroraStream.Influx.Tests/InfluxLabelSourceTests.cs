using System.Globalization;
using System.Text;
using AuroraStream.Core;
using AuroraStream.TestUtilities;

namespace AuroraStream.Influx.Tests;

public sealed class InfluxLabelSourceTests : IClassFixture<InfluxLabelSourceTests.Server>
{
    private static readonly DateTime T0 = new(2020, 2, 18, 6, 0, 0, DateTimeKind.Utc);
    private readonly Server _server;

    public InfluxLabelSourceTests(Server server) => _server = server;

    [Fact]
    public async Task ReadLabels_AuroraFramePoints_ComeBackPerSiteAndLabelWithinTheWindow()
    {
        using var client = new InfluxQueryClient(_server.Options);
        var source = new InfluxLabelSource(client, _server.Options);

        var all = await ToListAsync(source.ReadLabelsAsync(new LabelQuery()));
        var window = await ToListAsync(source.ReadLabelsAsync(new LabelQuery(T0.AddSeconds(30), T0.AddSeconds(60), new HashSet<string> { "gill" })));

        Assert.Equal(40, all.Count);
        Assert.Equal(20, all.Count(f => f.Site == "gill"));
        Assert.Contains(new LabelledFrame("rank", T0.AddSeconds(3), "arc", 0.75), all);
        Assert.Equal(10, window.Count);
        Assert.All(window, f => Assert.True(f.Site == "gill" && f.Time >= T0.AddSeconds(30) && f.Time < T0.AddSeconds(60)));
        Assert.Equal(Enumerable.Range(10, 10).Select(i => T0.AddSeconds(3 * i)), window.Select(f => f.Time).Order());
    }

    [Fact]
    public async Task ReadLabels_ModelFilter_KeepsThatModelOnly()
    {
        using var client = new InfluxQueryClient(_server.Options);
        var source = new InfluxLabelSource(client, _server.Options, model: "other");

        var frames = await ToListAsync(source.ReadLabelsAsync(new LabelQuery()));

        Assert.Empty(frames);
    }

    [Fact]
    public async Task Query_BadInfluxQl_ThrowsWithTheServersMessage()
    {
        using var client = new InfluxQueryClient(_server.Options);

        var e = await Assert.ThrowsAsync<InfluxException>(async () => await client.ExecuteAsync("SELEKT nothing"));

        Assert.Contains("error parsing query", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_NothingListening_SaysUnreachable()
    {
        using var client = new InfluxQueryClient(new InfluxConnectionOptions { Url = new Uri("http://127.0.0.1:9/"), Timeout = TimeSpan.FromSeconds(5) });

        var e = await Assert.ThrowsAsync<InfluxException>(async () => await client.ExecuteAsync("SHOW DATABASES"));

        Assert.Contains("unreachable", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_SecretsAreNeverPrinted_AndBadSettingsAreNamed()
    {
        var options = new InfluxConnectionOptions { Url = new Uri("http://127.0.0.1:8086"), User = "aurora", Password = "s3cret!" };

        Assert.DoesNotContain("s3cret", options.ToString(), StringComparison.Ordinal);
        Assert.Contains("password=***", options.ToString(), StringComparison.Ordinal);
        Assert.Contains("InfluxConnectionOptions.Url", Assert.Throws<ArgumentException>(() => new InfluxConnectionOptions { Url = new Uri("ftp://x") }.Validate()).Message, StringComparison.Ordinal);
        Assert.Contains("User and Password", Assert.Throws<ArgumentException>(() => new InfluxConnectionOptions { Url = new Uri("http://x"), User = "a" }.Validate()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Literal_EscapesQuotesAndBackslashes() =>
        Assert.Equal(@"'o\'brien\\x'", InfluxQueryClient.Literal(@"o'brien\x"));

    private static async Task<List<LabelledFrame>> ToListAsync(IAsyncEnumerable<LabelledFrame> frames)
    {
        var list = new List<LabelledFrame>();
        await foreach (var f in frames)
        {
            list.Add(f);
        }

        return list;
    }

    /// <summary>One influxd for the class, filled with 20 frames at each of two sites.</summary>
    public sealed class Server : IDisposable
    {
        private readonly InfluxServer _influx = new();

        public Server()
        {
            _influx.Execute("CREATE DATABASE aurorastream");
            var lines = new StringBuilder();
            foreach (var (site, label, confidence) in new[] { ("gill", "diffuse", 0.5), ("rank", "arc", 0.75) })
            {
                for (var i = 0; i < 20; i++)
                {
                    var ns = (T0.AddSeconds(3 * i) - DateTime.UnixEpoch).Ticks * 100;
                    lines.Append(CultureInfo.InvariantCulture, $"aurora_frame,site={site},imager=themis19,label={label},model=compact-v1 confidence={confidence},p_aurora={confidence} {ns}\n");
                }
            }

            _influx.Write("aurorastream", lines.ToString());
            Options = new InfluxConnectionOptions { Url = _influx.Url, Database = "aurorastream" };
        }

        public InfluxConnectionOptions Options { get; }

        public void Dispose() => _influx.Dispose();
    }
}
