using System.Diagnostics;
using System.Diagnostics.Metrics;
using AuroraStream.Core;
using AuroraStream.Core.Preprocessing;
using AuroraStream.Core.Stream;
using AuroraStream.Inference;
using AuroraStream.Influx;
using AuroraStream.Kafka;
using AuroraStream.Pipeline;
using AuroraStream.Synthetic;
using AuroraStream.TestUtilities;

namespace AuroraStream.Benchmarks;

/// <summary>
/// The stream end to end with its real parts (the Kafka-protocol mock broker over TCP, a real
/// influxd on 127.0.0.1, the shipped model): a replay of N synthetic frames (publish -> InfluxDB)
/// with frames/s and the process RSS sampled along the way, bare inference of the same model and
/// batch size in the same run, and capture-to-write latency at the live rate (23 sites, one frame
/// per 3 s each).
/// </summary>
internal static class StreamBenchmark
{
    private static readonly string[] Sites =
    [
        "atha", "chbg", "ekat", "fsim", "fsmi", "fykn", "gako", "gbay", "gill", "inuv", "kapu", "kian",
        "kuuj", "mcgr", "nrsq", "pgeo", "pina", "rank", "rmus", "snap", "snkq", "talo", "tpas",
    ];

    public static void Run(string root, int replayFrames, double liveSeconds)
    {
        Console.WriteLine($"Stream benchmark (embedded Kafka-protocol broker, influxd on 127.0.0.1, default model, {replayFrames:N0}-frame replay)");
        var model = Path.Combine(root, "onnx-models", "aurorastream-compact.onnx");
        var pool = Enumerable.Range(0, 64).Select(i => new SyntheticSky(new SyntheticSkyOptions { Seed = 8 }).Draw(i).Frame).ToArray();
        using var influx = new InfluxServer();
        using var cluster = EmbeddedKafkaCluster.Start();
        var options = new PipelineOptions();
        var bare = BareInference(model, pool, options.BatchSize);

        var start = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        Func<int, AllSkyFrame> archive = i => Frame(pool, i, start.AddSeconds(3 * (i / Sites.Length)));
        var replay = RunStream(influx, cluster, model, options, "replay", replayFrames, archive, pace: null);
        Console.WriteLine($"  bare inference (batch {options.BatchSize}, preprocessed input) {bare.FramesPerSecond,8:0} frames/s  [{bare.Cpu}]");
        Console.WriteLine($"  end to end (publish -> InfluxDB)           {replay.FramesPerSecond,8:0} frames/s  ({replay.FramesPerSecond / bare.FramesPerSecond:0.00} x bare inference; target >= 0.9)  [{replay.Cpu}]");

        // Where the end-to-end time goes: the two halves measured apart, in the same process and machine.
        var publishOnly = PublishOnly(cluster, Math.Min(replayFrames, 10_000), archive);
        var graphOnly = GraphFromMemory(influx, model, options, 20_000, archive);
        Console.WriteLine($"    of which: publisher alone (encode, lz4, embedded broker; nothing consuming) {publishOnly.FramesPerSecond,6:0} frames/s  [{publishOnly.Cpu}]");
        Console.WriteLine($"    of which: stream alone (pre-encoded messages in memory -> decode -> model -> InfluxDB) {graphOnly.FramesPerSecond,6:0} frames/s ({graphOnly.FramesPerSecond / bare.FramesPerSecond:0.00} x bare inference)  [{graphOnly.Cpu}]");

        // With every core busy, frames/s cannot exceed cores / CPU per frame: the ratio the machine allows.
        var cores = Environment.ProcessorCount;
        var bound = cores / replay.Cpu.MillisecondsPerFrame * 1000;
        Console.WriteLine($"    CPU bound: {cores} cores / {replay.Cpu.MillisecondsPerFrame:0.00} ms per frame = {bound:0} frames/s = {bound / bare.FramesPerSecond:0.00} x bare inference (the model itself takes {bare.Cpu.MillisecondsPerFrame:0.00} ms of it)");
        Console.WriteLine($"  RSS during the replay (MB, at each 10%):   {string.Join(" ", replay.Rss.Select(r => (r >> 20).ToString(System.Globalization.CultureInfo.InvariantCulture)))}");

        var liveFrames = (int)(liveSeconds * Sites.Length / 3.0);
        var live = RunStream(influx, cluster, model, options, "live", liveFrames, i => Frame(pool, i, DateTime.UtcNow), pace: TimeSpan.FromSeconds(3.0 / Sites.Length));
        Console.WriteLine($"  live rate ({Sites.Length} sites, 1 frame / 3 s each, {liveFrames} frames): capture-to-write latency p50 {Timing.Percentile(live.Latencies, 50):0} ms, p99 {Timing.Percentile(live.Latencies, 99):0} ms (target <= 1000 ms)");
        Console.WriteLine();
    }

    private static AllSkyFrame Frame(AllSkyFrame[] pool, int i, DateTime time)
    {
        var p = pool[i % pool.Length];
        return new AllSkyFrame(Sites[i % Sites.Length], "themis99", time, p.Width, p.Height, p.Pixels, null, new FrameOrigin("bench", i));
    }

    private static (double FramesPerSecond, CpuUse Cpu) BareInference(string model, AllSkyFrame[] pool, int batch)
    {
        using var classifier = new OnnxAuroraClassifier(new OnnxClassifierOptions { ModelPath = model });
        var preprocessor = new FramePreprocessor(classifier.Card.Preprocessing);
        var input = new float[batch * preprocessor.OutputLength];
        for (var i = 0; i < batch; i++)
        {
            preprocessor.Process(pool[i].Pixels.Span, pool[i].Width, pool[i].Height, input.AsSpan(i * preprocessor.OutputLength, preprocessor.OutputLength));
        }

        var framesPerSecond = batch / Timing.MedianSeconds(() => classifier.Classify(input, batch), 3, warmUp: 5);
        var cpu = CpuMeter.Start();
        var runs = 0;
        while (cpu.Elapsed < TimeSpan.FromSeconds(2))
        {
            classifier.Classify(input, batch);
            runs++;
        }

        return (framesPerSecond, cpu.Stop(runs * batch));
    }

    private static (double FramesPerSecond, CpuUse Cpu, List<long> Rss, List<double> Latencies) RunStream(InfluxServer influx, EmbeddedKafkaCluster cluster, string model, PipelineOptions options, string name, int count, Func<int, AllSkyFrame> frame, TimeSpan? pace)
    {
        var id = name + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        influx.Execute($"CREATE DATABASE {id}");
        // librdkafka's mock broker answers a fetch only after fetch.wait.max.ms (default 500 ms) when
        // little data is waiting, which with the 64-frame window below would measure the mock, not the stream.
        var kafka = new KafkaOptions { BootstrapServers = cluster.BootstrapServers, FramesTopic = "frames-" + id, DeadLetterTopic = "dead-" + id, GroupId = "group-" + id, ConsumerProperties = { ["fetch.wait.max.ms"] = "10" } };
        var latencies = new List<double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            // Only the paced (live) run reports latencies; the replay's RSS is measured, and a list of
            // every latency would grow it by 8 bytes a frame (plus the list's regrowth).
            if (pace is not null && instrument.Name == "aurorastream.pipeline.capture_to_write.latency")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, value, _, _) =>
        {
            lock (latencies)
            {
                latencies.Add(value);
            }
        });
        listener.Start();

        using var classifier = new OnnxAuroraClassifier(new OnnxClassifierOptions { ModelPath = model });
        var sink = new InfluxPredictionSink(new InfluxConnectionOptions { Url = influx.Url, Database = id });
        var deadLetters = new KafkaDeadLetterSink(kafka);
        var source = new KafkaMessageSource(kafka);
        using var metrics = new PipelineMetrics(source.Lag);
        var pipeline = new StreamPipeline(source, new FrameMessageCodec(), classifier, sink, deadLetters, options, metrics);
        using var stop = new CancellationTokenSource();
        var run = Task.Run(() => pipeline.RunAsync(stop.Token));

        // Measure the running stream, not the consumer group's join: a first frame waits for the assignment.
        using (var warmUp = new FramePublisherScope(kafka))
        {
            warmUp.Publisher.Publish(frame(count));
            warmUp.Publisher.FlushAsync().GetAwaiter().GetResult();
        }

        while (metrics.Written + metrics.DeadLettered < 1)
        {
            Thread.Sleep(5);
        }

        lock (latencies)
        {
            latencies.Clear();
        }

        var rss = new List<long>();
        var watch = Stopwatch.StartNew();
        var cpu = CpuMeter.Start(influx);
        using (var publisher = new FramePublisherScope(kafka))
        {
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < count; i++)
            {
                // The embedded broker keeps only the newest 5 MB per partition: stay at most 64 frames (about
                // 8 MB over 4 partitions) ahead of the consumer. What the stream has read is its own to hold.
                while (i + 1 - metrics.Consumed >= 64)
                {
                    Thread.Sleep(2);
                }

                if (pace is { } p && p * i - clock.Elapsed is { Ticks: > 0 } wait)
                {
                    Thread.Sleep(wait);
                }

                publisher.Publisher.Publish(frame(i));
                if (i % 16 == 15 || pace is not null)
                {
                    publisher.Publisher.FlushAsync().GetAwaiter().GetResult();
                }

                if (count >= 10 && i % (count / 10) == 0 && i > 0)
                {
                    rss.Add(Process.GetCurrentProcess().WorkingSet64);
                }
            }
        }

        while (metrics.Written + metrics.DeadLettered < count + 1)
        {
            Thread.Sleep(5);
        }

        var seconds = watch.Elapsed.TotalSeconds;
        var used = cpu.Stop(count);
        rss.Add(Process.GetCurrentProcess().WorkingSet64);
        stop.Cancel();
        run.GetAwaiter().GetResult();
        source.DisposeAsync().AsTask().GetAwaiter().GetResult();
        deadLetters.DisposeAsync().AsTask().GetAwaiter().GetResult();
        sink.DisposeAsync().AsTask().GetAwaiter().GetResult();
        if (metrics.DeadLettered > 0)
        {
            Console.WriteLine($"  warning: {metrics.DeadLettered} frames dead-lettered in the {name} run");
        }

        lock (latencies)
        {
            return (count / seconds, used, rss, [.. latencies]);
        }
    }

    /// <summary>The publishing half: frames to the embedded broker as fast as it takes them, with no consumer.</summary>
    private static (double FramesPerSecond, CpuUse Cpu) PublishOnly(EmbeddedKafkaCluster cluster, int count, Func<int, AllSkyFrame> frame)
    {
        var kafka = new KafkaOptions { BootstrapServers = cluster.BootstrapServers, FramesTopic = "publish-only-" + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        using var publisher = new FramePublisherScope(kafka);
        publisher.Publisher.Publish(frame(count));
        publisher.Publisher.FlushAsync().GetAwaiter().GetResult();
        var cpu = CpuMeter.Start();
        for (var i = 0; i < count; i++)
        {
            publisher.Publisher.Publish(frame(i));
        }

        publisher.Publisher.FlushAsync().GetAwaiter().GetResult();
        var used = cpu.Stop(count);
        return (count / used.Wall.TotalSeconds, used);
    }

    /// <summary>The consuming half: the Dataflow graph, the model and the InfluxDB sink fed from messages encoded beforehand.</summary>
    private static (double FramesPerSecond, CpuUse Cpu) GraphFromMemory(InfluxServer influx, string model, PipelineOptions options, int count, Func<int, AllSkyFrame> frame)
    {
        var id = "graph" + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        influx.Execute($"CREATE DATABASE {id}");
        // 512 distinct encodings (64 pictures x 23 sites) cycled with new offsets: a long run without gigabytes of messages.
        var encoded = Enumerable.Range(0, 512).Select(i => FrameMessageCodec.Encode(frame(i))).ToArray();
        var messages = Enumerable.Range(0, count).Select(i => new InboundMessage(i % 4, i / 4, Sites[i % 512 % Sites.Length], encoded[i % 512])).ToList();
        using var classifier = new OnnxAuroraClassifier(new OnnxClassifierOptions { ModelPath = model });
        var sink = new InfluxPredictionSink(new InfluxConnectionOptions { Url = influx.Url, Database = id });
        using var metrics = new PipelineMetrics();
        var pipeline = new StreamPipeline(new MemoryMessageSource(messages, endWhenRead: true), new FrameMessageCodec(), classifier, sink, new NoDeadLetters(), options, metrics);
        var cpu = CpuMeter.Start(influx);
        pipeline.RunAsync(CancellationToken.None).GetAwaiter().GetResult();
        var used = cpu.Stop(count);
        sink.DisposeAsync().AsTask().GetAwaiter().GetResult();
        if (metrics.Written != count)
        {
            Console.WriteLine($"  warning: {count - metrics.Written} frames not written in the in-memory run");
        }

        return (count / used.Wall.TotalSeconds, used);
    }

    private sealed class NoDeadLetters : IDeadLetterSink
    {
        public Task SendAsync(IReadOnlyList<DeadLetter> letters, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException($"unexpected dead letter: {letters[0].Reason}");

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private sealed class FramePublisherScope(KafkaOptions options) : IDisposable
    {
        public FramePublisher Publisher { get; } = new(options);

        public void Dispose() => Publisher.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
