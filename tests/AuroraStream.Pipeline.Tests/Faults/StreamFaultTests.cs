using System.Diagnostics;
using AuroraStream.Core;
using AuroraStream.Kafka;
using AuroraStream.TestUtilities;

namespace AuroraStream.Pipeline.Tests.Faults;

/// <summary>
/// Faults with the real parts (Kafka-protocol broker over TCP, influxd, the shipped ONNX model):
/// InfluxDB down and back, poison messages, a slow InfluxDB. Run one at a time (they share the CPU).
/// </summary>
[Collection(RealStreamCollection.Name)]
public sealed class StreamFaultTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task InfluxDbDownForTenSecondsMidStream_EveryPublishedFrameEndsAsExactlyOnePoint()
    {
        using var influx = new InfluxServer();
        using var rig = new StreamRig(influx);
        var frames = StreamRig.Frames(90);
        await using var stream = rig.Start(new PipelineOptions { BatchSize = 8, StageCapacity = 16 });

        await rig.PublishAsync(frames[..30]);
        await Poll.UntilAsync(() => stream.Metrics.Written == 30, Deadline, "the first 30 frames written", stream.Run, stream.Describe);

        influx.Stop();
        var outage = Stopwatch.StartNew();
        await rig.PublishAsync(frames[30..60]);
        await Poll.UntilAsync(() => stream.Metrics.Consumed == 60 && stream.Retries > 0, Deadline, "frames consumed and writes retried while InfluxDB is down", stream.Run, stream.Describe);

        // The outage lasts at least 10 s (the scenario, not a synchronisation).
        await Task.Delay(TimeSpan.FromSeconds(10) - outage.Elapsed is { Ticks: > 0 } rest ? rest : TimeSpan.Zero);
        Assert.Equal(30, stream.Metrics.Written);
        Assert.Equal(0, stream.Metrics.DeadLettered);
        influx.Start();

        await rig.PublishAsync(frames[60..]);
        await Poll.UntilAsync(() => stream.Metrics.Written == 90, Deadline, "all 90 frames written after the restart", stream.Run, stream.Describe);
        await stream.StopAsync();

        var points = await rig.PointsAsync();
        Assert.Equal(90, points.Count);
        Assert.True(StreamRig.Keys(frames).SetEquals(points), "the points are not exactly the published frames");
        Assert.Equal(0, stream.Metrics.DeadLettered);
    }

    [Fact]
    public async Task PoisonMessagesMixedIn_AllDeadLetteredWithReasons_EveryGoodFrameWritten()
    {
        using var influx = new InfluxServer();
        using var rig = new StreamRig(influx);
        var good = StreamRig.Frames(48);
        var random = new byte[2048];
        new Random(11).NextBytes(random);
        var other = StreamRig.Frames(1, seed: 99)[0];
        var truncated = FrameMessageCodec.Encode(other)[..70_000];
        var small = new AllSkyFrame("gill", "themis19", other.CaptureTime, 100, 100, other.Pixels[..10_000], null, other.Origin);
        var rego = new AllSkyFrame("gill", "rego-654", other.CaptureTime, 256, 256, other.Pixels, null, other.Origin);
        await using var stream = rig.Start(new PipelineOptions { BatchSize = 8, StageCapacity = 16 });

        await rig.PublishAsync(good[..20]);
        await rig.PublishRawAsync("gill", random);
        await rig.PublishRawAsync("fsmi", truncated);
        await rig.PublishRawAsync("atha", FrameMessageCodec.Encode(small));
        await rig.PublishRawAsync("rank", FrameMessageCodec.Encode(rego));
        await rig.PublishAsync(good[20..40]);
        await Poll.UntilAsync(() => stream.Done == 44, Deadline, "40 good frames and 4 poison messages done", stream.Run, stream.Describe);

        // A 900 KB blob: librdkafka's mock broker does not serve a 5 MB message (its partition stalls),
        // so the 5 MB case runs against the same codec and graph in StreamPipelineTests.
        var blob = new byte[900_000];
        new Random(12).NextBytes(blob);
        await rig.PublishRawAsync("gill", blob);
        await rig.PublishAsync(good[40..]);
        await Poll.UntilAsync(() => stream.Done == 53, Deadline, "the blob and the last 8 frames done", stream.Run, stream.Describe);
        await stream.StopAsync();

        var points = await rig.PointsAsync();
        Assert.Equal(48, points.Count);
        Assert.True(StreamRig.Keys(good).SetEquals(points), "the points are not exactly the good frames");
        var letters = rig.DeadLetters(5);
        Assert.Equal(5, letters.Count);
        Assert.All(letters, l => Assert.Equal("decode", l.Stage));
        Assert.Equal(2, letters.Count(l => l.Reason.StartsWith("undecodable: not a frame message", StringComparison.Ordinal) && l.Bytes != truncated.Length));
        Assert.Single(letters, l => l.Bytes == truncated.Length && l.Reason.Length > 0);
        Assert.Single(letters, l => l.Reason == "wrong dimensions: 100x100, expected 256x256 (gill themis19)");
        Assert.Single(letters, l => l.Reason == "not a THEMIS ASI frame: imager 'rego-654' (site gill)");
        Assert.Single(letters, l => l.Bytes == blob.Length);
        Assert.Equal(5, stream.Metrics.DeadLettered);
    }

    [Fact]
    public async Task SlowInfluxDb_ConsumptionSlowsAndTheStreamHoldsAtMostItsInFlightLimit()
    {
        using var influx = new InfluxServer();
        using var rig = new StreamRig(influx);
        using var proxy = new SlowProxy(influx.Url, TimeSpan.FromMilliseconds(400));
        var options = new PipelineOptions { BatchSize = 4, StageCapacity = 8, Parallelism = 2 };
        var frames = StreamRig.Frames(120);
        GC.Collect();
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        await using var stream = rig.Start(options, proxy.Url);
        await rig.PublishAsync(frames);

        long maxInFlight = 0, maxAhead = 0, maxHeap = 0, maxLag = 0;
        await Poll.UntilAsync(
            () =>
            {
                maxInFlight = Math.Max(maxInFlight, stream.Pipeline.InFlight);
                maxAhead = Math.Max(maxAhead, stream.Metrics.Consumed - stream.Done);
                maxHeap = Math.Max(maxHeap, GC.GetTotalMemory(false));
                maxLag = Math.Max(maxLag, stream.Lag ?? 0);
                return stream.Metrics.Written == 120;
            },
            Deadline,
            "120 frames written through the slow proxy", stream.Run, stream.Describe);
        await stream.StopAsync();

        Assert.True(maxInFlight <= options.InFlightLimit, $"{maxInFlight} frames in flight, limit {options.InFlightLimit}");
        Assert.True(maxAhead <= options.InFlightLimit, $"consumption ran {maxAhead} frames ahead of the sink");
        Assert.True(maxLag >= 120 - options.InFlightLimit - 8, $"the broker held at most {maxLag} unread frames: consumption did not wait for the sink");

        // The stated ceiling: 64 MB over the baseline (the graph holds at most 49 frames here, about 15 MB).
        Assert.True(maxHeap - baseline < 64L << 20, $"managed heap grew by {(maxHeap - baseline) >> 20} MB");
        Assert.True(proxy.Requests >= 120 / options.BatchSize);
        var points = await rig.PointsAsync();
        Assert.True(StreamRig.Keys(frames).SetEquals(points));
    }
}

[CollectionDefinition(Name)]
public sealed class RealStreamCollection
{
    public const string Name = "real stream";
}
