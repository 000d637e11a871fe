using AuroraStream.Core;
using AuroraStream.Core.Sky;
using AuroraStream.Formats.Detection;
using AuroraStream.Formats.SpaceWeather;
using AuroraStream.Influx;
using AuroraStream.Kafka;
using AuroraStream.Synthetic;
using AuroraStream.TestUtilities;

namespace AuroraStream.Cli.Tests.Operations;

/// <summary>
/// A real influxd filled the way the stack fills it: <c>aurorastream run</c> (in-process, the same
/// composition as the container) consumes frames from the Kafka-protocol broker and writes labels,
/// events and its own metrics. The frames: the THEMIS fixture files (Gillam stream0, Gakona L1 CDF),
/// a synthetic archive (two sites, three days, UT hours 05 and 09, each hour clear then arc) and a
/// live feed (two sites, the last few minutes: clear, arc, clear). InfluxDB runs with authentication
/// and the users of the docker compose stack: the stream writes as a write-only user, and the
/// dashboards' queries run as Grafana's read-only user. Skies: the Gillam frames and the archive are dark,
/// the Gakona frames twilight; the live frames carry header coordinates of a place where it is night
/// at the time the test runs (a dark sky whatever the wall clock), so their onsets are raised.
/// </summary>
public sealed class PipelineFilledInflux : IAsyncLifetime
{
    public const string Database = "aurorastream";
    public const string Instance = "test-node";
    public static readonly string[] ArchiveSites = ["atha", "fsmi"];
    public static readonly string[] LiveSites = ["fykn", "inuv"];
    private readonly EmbeddedKafkaCluster _cluster = EmbeddedKafkaCluster.Start();

    // Publisher, pipeline and influxd share two cores: a generous deadline, polled at a pace InfluxDB shrugs off.
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(180);
    private static readonly TimeSpan Every = TimeSpan.FromMilliseconds(100);

    private const string WriteUser = "aurorastream";
    private const string ReadUser = "grafana";
    private readonly string _writePassword = Guid.NewGuid().ToString("N");
    private readonly string _readPassword = Guid.NewGuid().ToString("N");

    public InfluxServer Influx { get; } = new(authentication: true);

    /// <summary>Frames published per site.</summary>
    public Dictionary<string, int> Published { get; } = new(StringComparer.Ordinal);

    /// <summary>Frames published per site whose sky is dark (as the stream decides: header coordinates, else the built-in catalog).</summary>
    public Dictionary<string, int> PublishedDark { get; } = new(StringComparer.Ordinal);

    /// <summary>Capture time of the earliest frame.</summary>
    public DateTimeOffset EarliestCapture { get; private set; } = DateTimeOffset.MaxValue;

    /// <summary>Grafana's connection: the read-only user.</summary>
    public InfluxConnectionOptions Connection => new() { Url = Influx.Url, Database = Database, User = ReadUser, Password = _readPassword };

    public async Task InitializeAsync()
    {
        // As the influxdb image sets them up from INFLUXDB_DB, _WRITE_USER and _READ_USER.
        Influx.Execute($"CREATE DATABASE {Database}");
        Influx.Execute($"CREATE USER {WriteUser} WITH PASSWORD '{_writePassword}'");
        Influx.Execute($"GRANT WRITE ON {Database} TO {WriteUser}");
        Influx.Execute($"CREATE USER {ReadUser} WITH PASSWORD '{_readPassword}'");
        Influx.Execute($"GRANT READ ON {Database} TO {ReadUser}");
        var kafka = new KafkaOptions { BootstrapServers = _cluster.BootstrapServers, FramesTopic = "frames", DeadLetterTopic = "frames-dead", GroupId = "aurorastream" };
        string[] args =
        [
            "run", "--bootstrap", kafka.BootstrapServers, "--topic", kafka.FramesTopic, "--set", $"Kafka:GroupId={kafka.GroupId}", "--set", $"Kafka:DeadLetterTopic={kafka.DeadLetterTopic}",
            "--model", Path.Combine(RepoPaths.Root, "onnx-models", "aurorastream-compact.onnx"), "--influx-url", Influx.Url.ToString(), "--influx-db", Database,
            "--set", $"Influx:User={WriteUser}", "--set", $"Influx:Password={_writePassword}",
            "--set", "Output:InfluxMetricsInterval=00:00:01", "--set", $"Output:Instance={Instance}",
        ];
        using var stop = new CancellationTokenSource();
        using var output = new StringWriter();
        using var error = new StringWriter();
        var run = AuroraStreamCli.RunAsync(args, TextWriter.Synchronized(output), TextWriter.Synchronized(error), stop.Token);
        string Describe() => $"run output: {output}{error}";

        // The embedded broker keeps about 5 MB per partition (and one site's frames share a partition), so
        // publishing stays at most 16 frames (about 2 MB) ahead of InfluxDB.
        var published = 0;
        await using (var publisher = new FramePublisher(kafka))
        {
            foreach (var frame in Frames())
            {
                publisher.Publish(frame);
                Published[frame.Site] = Published.GetValueOrDefault(frame.Site) + 1;
                PublishedDark[frame.Site] = PublishedDark.GetValueOrDefault(frame.Site) + (Skies.Of(frame) is { Sky: SkyState.Dark } ? 1 : 0);
                EarliestCapture = new DateTimeOffset(frame.CaptureTime) < EarliestCapture ? new DateTimeOffset(frame.CaptureTime) : EarliestCapture;
                if (++published % 8 == 0)
                {
                    await publisher.FlushAsync();
                    await Poll.UntilAsync(() => Count("SELECT count(\"confidence\") FROM \"aurora_frame\"") >= published - 16, Deadline, "all but the last 16 published frames written", run, Describe, Every);
                }
            }

            await publisher.FlushAsync();
        }

        await Poll.UntilAsync(() => Count("SELECT count(\"confidence\") FROM \"aurora_frame\"") == published, Deadline, "every published frame written", run, Describe, Every);

        // The stream keeps writing its metrics point every second: 25 of them span more than two of the dashboards' 10 s intervals.
        await Poll.UntilAsync(() => Count("SELECT count(\"frames_written\") FROM \"aurora_pipeline\"") >= 25, Deadline, "25 pipeline metric points written", run, Describe, Every);
        await stop.CancelAsync();
        var code = await run.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(code == 0, Describe());
        Assert.DoesNotContain(_writePassword, Describe(), StringComparison.Ordinal);
    }

    public Task DisposeAsync()
    {
        _cluster.Dispose();
        Influx.Dispose();
        return Task.CompletedTask;
    }

    public long Count(string influxQl)
    {
        using var client = new InfluxQueryClient(Connection);
        return client.QueryAsync(influxQl).ToBlockingEnumerable().SelectMany(s => s.Values).Select(v => v[1].GetInt64()).FirstOrDefault();
    }

    private static readonly SiteSky Skies = new(StationCatalog.AsiLocations);

    private static IEnumerable<AllSkyFrame> Frames()
    {
        var problems = new List<string>();
        foreach (var frame in ArchiveReplay.ReadMerged([RepoPaths.Stream0Folder, RepoPaths.L1AsfCdf], new ReplayFilter(), (path, e) => problems.Add($"{path}: {e.Message}")))
        {
            yield return frame;
        }

        Assert.Empty(problems);
        var day0 = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        foreach (var site in ArchiveSites)
        {
            for (var day = 0; day < 3; day++)
            {
                foreach (var hour in new[] { 5, 9 })
                {
                    foreach (var frame in Block(site, day0.AddDays(day).AddHours(hour), AuroraClass.Clear, AuroraClass.Arc))
                    {
                        yield return frame;
                    }
                }
            }
        }

        // Live: capture times in the last few minutes, whole 3 s steps.
        var now = DateTime.UtcNow;
        var start = new DateTime(now.Ticks - (now.Ticks % TimeSpan.FromSeconds(3).Ticks), DateTimeKind.Utc).AddMinutes(-4);
        var (latitude, longitude) = NightNow(now);
        foreach (var site in LiveSites)
        {
            foreach (var frame in Block(site, start, AuroraClass.Clear, AuroraClass.Arc, AuroraClass.Clear))
            {
                yield return new AllSkyFrame(frame.Site, frame.Imager, frame.CaptureTime, frame.Width, frame.Height, frame.Pixels, frame.ExposureMs, frame.Origin)
                {
                    GeodeticLatitude = latitude,
                    GeodeticLongitude = longitude,
                };
            }
        }
    }

    /// <summary>A point on the equator where the sun is lowest now (far below -12 degrees for the next hours).</summary>
    private static (double Latitude, double Longitude) NightNow(DateTime now)
    {
        var longitude = Enumerable.Range(0, 24).Select(i => -180.0 + (15.0 * i)).MinBy(lon => SkyEphemeris.At(0, lon, now).SunApparentElevationDeg);
        Assert.True(SkyEphemeris.At(0, longitude, now.AddHours(1)).Sky == SkyState.Dark);
        return (0, longitude);
    }

    /// <summary>20 frames (one minute) of each class in turn, 3 s apart.</summary>
    private static IEnumerable<AllSkyFrame> Block(string site, DateTime start, params AuroraClass[] classes)
    {
        for (var c = 0; c < classes.Length; c++)
        {
            // Skies like those the default model learnt from, so that it labels them with confidence.
            var sky = new ProjectedSky(new SyntheticSkyOptions { Seed = 5 + c, Site = site, Imager = "themis99", Start = start.AddMinutes(c), Classes = [classes[c]] });
            for (var i = 0; i < 20; i++)
            {
                yield return sky.Draw(i).Frame;
            }
        }
    }
}
