using System.Diagnostics;
using System.Globalization;
using AuroraStream.Core;
using AuroraStream.Influx;
using AuroraStream.Kafka;
using AuroraStream.Synthetic;
using AuroraStream.TestUtilities;
using static AuroraStream.Cli.Tests.Commands.CliRunner;

namespace AuroraStream.Cli.Tests.Commands;

/// <summary><c>publish</c>, <c>run</c> and <c>demo</c> as a user runs them, against the Kafka-protocol broker and a real influxd.</summary>
[Collection("cli stream")]
public sealed class StreamCommandsTests : IDisposable
{
    private static readonly string Model = Path.Combine(RepoPaths.Root, "onnx-models", "aurorastream-compact.onnx");
    private readonly InfluxServer _influx = new();
    private readonly EmbeddedKafkaCluster _cluster = EmbeddedKafkaCluster.Start();

    public void Dispose()
    {
        _cluster.Dispose();
        _influx.Dispose();
    }

    [Fact]
    public async Task Publish_HeaderCoordinatesThatCannotBeUsed_WarnOncePerSite_WhereTheFileIsRead()
    {
        // Two copies of the Gillam minute with "Geodetic latitude" 999.999: the frame message carries
        // only usable coordinates, so the warning is given by publish, once for the site.
        using var temp = new TempFolder();
        var text = System.Text.Encoding.Latin1.GetString(File.ReadAllBytes(RepoPaths.Stream0Plain)).Replace("\"Geodetic latitude\" 56.3539", "\"Geodetic latitude\" 999.999", StringComparison.Ordinal);
        temp.Write("20140310_0605_gill_themis19_full.pgm", System.Text.Encoding.Latin1.GetBytes(text));
        temp.Write("20140310_0606_gill_themis19_full.pgm", System.Text.Encoding.Latin1.GetBytes(text.Replace("2014-03-10 06:05", "2014-03-10 06:06", StringComparison.Ordinal)));

        var (code, output, error) = await RunAsync("publish", temp.Path, "--bootstrap", _cluster.BootstrapServers);

        Assert.True(code == 0, error);
        Assert.Contains("publish: 40 frames delivered", output, StringComparison.Ordinal);   // 20 frames a file
        var warning = Assert.Single(error.Split('\n'), l => l.StartsWith("warning:", StringComparison.Ordinal));
        Assert.Contains("header \"Geodetic latitude\" '999.999' is not a latitude (-90 to 90 deg); the frame is published without coordinates, and the stream takes site 'gill''s from the site catalog", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_NoBroker_FailsWithinSecondsNamingKafkaAndTheAddress()
    {
        var watch = Stopwatch.StartNew();
        var (code, _, error) = await RunAsync("run", "--bootstrap", "127.0.0.1:1", "--model", Model);

        Assert.Equal(2, code);
        Assert.Contains("error: Kafka 127.0.0.1:1: not reachable", error, StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task Run_BadInfluxUrl_FailsNamingInfluxDb()
    {
        var (code, _, error) = await RunAsync("run", "--bootstrap", _cluster.BootstrapServers, "--model", Model, "--influx-url", "http://127.0.0.1:1/", "--influx-db", "x");

        Assert.Equal(2, code);
        Assert.Contains("error: InfluxDB http://127.0.0.1:1/: not reachable", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_InfluxDatabaseMissing_FailsSayingHowToCreateIt()
    {
        var (code, _, error) = await RunAsync("run", "--bootstrap", _cluster.BootstrapServers, "--model", Model, "--influx-url", _influx.Url.ToString(), "--influx-db", "nosuchdb");

        Assert.Equal(2, code);
        Assert.Contains("database 'nosuchdb' does not exist (create it, e.g. CREATE DATABASE nosuchdb", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_MissingModel_FailsNamingTheFile()
    {
        var (code, _, error) = await RunAsync("run", "--bootstrap", _cluster.BootstrapServers, "--model", "/nonexistent/m.onnx");

        Assert.Equal(2, code);
        Assert.Contains("error: /nonexistent/m.onnx: model file not found", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_BadSetting_FailsNamingTheSetting()
    {
        var (code, _, error) = await RunAsync("run", "--bootstrap", _cluster.BootstrapServers, "--model", Model, "--set", "Pipeline:BatchSize=0");

        Assert.Equal(2, code);
        Assert.Contains("Pipeline:BatchSize", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_KilledMidStreamAndRestartedWithTheSameGroup_ResumesNothingLostDuplicatesCollapse()
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        var database = "kill" + id;
        _influx.Execute($"CREATE DATABASE {database}");
        var kafka = new KafkaOptions { BootstrapServers = _cluster.BootstrapServers, FramesTopic = "frames-" + id, GroupId = "group-" + id, DeadLetterTopic = "dead-" + id };
        string[] runArgs =
        [
            "run", "--bootstrap", kafka.BootstrapServers, "--set", $"Kafka:FramesTopic={kafka.FramesTopic}", "--set", $"Kafka:GroupId={kafka.GroupId}",
            "--set", $"Kafka:DeadLetterTopic={kafka.DeadLetterTopic}", "--set", "Kafka:Properties:session.timeout.ms=6000",
            "--model", Model, "--influx-url", _influx.Url.ToString(), "--influx-db", database, "--exit-when-idle", "5",
        ];
        var skies = new[] { "gill", "fsmi", "atha", "rank" }.Select(s => new SyntheticSky(new SyntheticSkyOptions { Seed = 3, Site = s, Imager = "themis99" })).ToArray();
        var frames = Enumerable.Range(0, 100).Select(i => skies[i % 4].Draw(i / 4).Frame).ToList();

        // Frames keep arriving (about 10 per second) while the stream is killed and restarted. The last
        // 40 wait for the kill: however slowly the first run starts (a loaded CI machine), it cannot
        // have read everything before it is killed.
        using var publishing = new CancellationTokenSource();
        var killed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var publish = Task.Run(async () =>
        {
            await using var publisher = new FramePublisher(kafka);
            for (var i = 0; i < frames.Count; i++)
            {
                if (i == 60)
                {
                    await killed.Task.WaitAsync(publishing.Token);
                }

                var frame = frames[i];
                publisher.Publish(frame);
                await publisher.FlushAsync(publishing.Token);
                await Task.Delay(100, publishing.Token);
            }
        });

        using var first = Child(runArgs);
        await Poll.UntilAsync(() => Count(database) >= 40, TimeSpan.FromSeconds(120), "40 points written by the first run", first.WaitForExitAsync(), every: TimeSpan.FromMilliseconds(100));

        // Running on for longer than the 1 s auto-commit interval, as a live stream does, before the kill.
        await Task.Delay(1500);
        first.Kill(entireProcessTree: true);
        await first.WaitForExitAsync();
        killed.SetResult();
        var atKill = Count(database);
        Assert.True(atKill < 100, "the first run finished before it was killed");

        using var second = Child(runArgs);
        await publish.WaitAsync(TimeSpan.FromSeconds(120));
        await second.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(180));
        var output = await second.StandardOutput.ReadToEndAsync();
        Assert.True(second.ExitCode == 0, output + await second.StandardError.ReadToEndAsync());

        // Exactly one point per published frame, whatever was written twice.
        var points = Points(database);
        Assert.Equal(100, points.Count);
        Assert.True(frames.Select(f => (f.Site, f.CaptureTimeUnixNanoseconds)).ToHashSet().SetEquals(points));

        // The second run resumed from the committed offsets: it did not read the topic from the start.
        var consumed = long.Parse(output.Split("run: ")[1].Split(' ')[0], CultureInfo.InvariantCulture);
        Assert.True(consumed <= 100 - atKill + 25, $"the second run consumed {consumed} messages; {atKill} had been written before the kill");
    }

    [Fact]
    public async Task PublishWatch_FilesAppearingInTheTree_PublishedOnceEvenAfterARestart()
    {
        using var temp = new TempFolder();
        var hour = Directory.CreateDirectory(temp.File("2014/03/10/gill_themis19/ut06")).FullName;
        var kafka = new KafkaOptions { BootstrapServers = _cluster.BootstrapServers, FramesTopic = "watch-" + Guid.NewGuid().ToString("N")[..8] };
        var source = Directory.GetFiles(RepoPaths.Samples, "*.pgm.gz", SearchOption.AllDirectories).Order().Take(2).ToArray();
        File.Copy(source[0], Path.Combine(hour, Path.GetFileName(source[0])));

        async Task<string> WatchUntilAsync(Func<string, bool> done)
        {
            using var stop = new CancellationTokenSource();
            var output = new SynchronizedWriter();
            var run = AuroraStreamCli.RunAsync(["publish", "--watch", temp.Path, "--bootstrap", kafka.BootstrapServers, "--topic", kafka.FramesTopic], output, TextWriter.Null, stop.Token);
            await Poll.UntilAsync(() => done(output.ToString()), TimeSpan.FromSeconds(120), "the watcher published the expected files", run, output.ToString);
            await stop.CancelAsync();
            Assert.Equal(0, await run);
            return output.ToString();
        }

        var firstRun = await WatchUntilAsync(o => o.Contains(Path.GetFileName(source[0]), StringComparison.Ordinal));
        File.Copy(source[1], Path.Combine(hour, Path.GetFileName(source[1])));
        var secondRun = await WatchUntilAsync(o => o.Contains(Path.GetFileName(source[1]), StringComparison.Ordinal));

        Assert.Contains(": 20 frames", firstRun, StringComparison.Ordinal);
        Assert.DoesNotContain(Path.GetFileName(source[0]), secondRun, StringComparison.Ordinal);
        await using var consumer = new KafkaMessageSource(new KafkaOptions { BootstrapServers = kafka.BootstrapServers, FramesTopic = kafka.FramesTopic, GroupId = "check" });
        var count = 0;
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await foreach (var _ in consumer.ReadAsync(deadline.Token))
            {
                count++;
            }
        }
        catch (OperationCanceledException)
        {
            // Read everything there was for 5 s.
        }

        Assert.Equal(40, count);
    }

    private long Count(string database)
    {
        using var client = new InfluxQueryClient(new InfluxConnectionOptions { Url = _influx.Url, Database = database });
        return client.QueryAsync("SELECT count(p_aurora) FROM aurora_frame").ToBlockingEnumerable().SelectMany(s => s.Values).Select(v => v[1].GetInt64()).FirstOrDefault();
    }

    private HashSet<(string, long)> Points(string database)
    {
        using var client = new InfluxQueryClient(new InfluxConnectionOptions { Url = _influx.Url, Database = database });
        return [.. client.QueryAsync("SELECT p_aurora FROM aurora_frame GROUP BY site").ToBlockingEnumerable().SelectMany(s => s.Values.Select(v => (s.Tags["site"], v[0].GetInt64())))];
    }

    private static Process Child(string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = RepoPaths.Root };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "aurorastream.dll"));
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        return Process.Start(info) ?? throw new InvalidOperationException("aurorastream did not start");
    }

    private sealed class SynchronizedWriter : StringWriter
    {
        private readonly Lock _lock = new();

        public override void Write(char value)
        {
            lock (_lock)
            {
                base.Write(value);
            }
        }

        public override void Write(string? value)
        {
            lock (_lock)
            {
                base.Write(value);
            }
        }

        public override void WriteLine(string? value)
        {
            lock (_lock)
            {
                base.WriteLine(value);
            }
        }

        public override string ToString()
        {
            lock (_lock)
            {
                return base.ToString();
            }
        }
    }
}
