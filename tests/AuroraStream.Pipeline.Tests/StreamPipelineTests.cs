using AuroraStream.Core;
using AuroraStream.Core.Sky;
using AuroraStream.Core.Stream;
using AuroraStream.TestUtilities;

namespace AuroraStream.Pipeline.Tests;

/// <summary>The Dataflow graph with in-memory ports: routing, watermarks, backpressure, draining.</summary>
public sealed class StreamPipelineTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Run_GoodAndBadMessages_WritesEachGoodFrameOnceDeadLettersTheRestAndCommitsEverything()
    {
        var messages = new List<InboundMessage>();
        for (var i = 0; i < 40; i++)
        {
            var partition = i % 2;
            messages.Add(i % 10 == 3
                ? new InboundMessage(partition, i / 2, "gill", "garbage"u8.ToArray())
                : TextDecoder.Message(partition, i / 2, partition == 0 ? "gill" : "fsmi", i));
        }

        var (source, sink, letters, pipeline) = Build(messages, new PipelineOptions { BatchSize = 8, StageCapacity = 16 });
        await RunUntil(pipeline, () => pipeline.Metrics.Written + pipeline.Metrics.DeadLettered == 40);

        Assert.Equal(36, sink.Frames.Count);
        Assert.Equal(36, sink.Frames.Select(f => (f.Site, f.CaptureTimeUnixNanoseconds)).Distinct().Count());
        Assert.Equal(4, letters.Letters.Count);
        Assert.All(letters.Letters, l => Assert.Equal("decode", l.Stage));
        Assert.All(letters.Letters, l => Assert.Equal("undecodable: 'garbage'", l.Reason));
        Assert.Equal(20, source.Marked[0]);
        Assert.Equal(20, source.Marked[1]);
        Assert.True(source.Commits >= 1);
        Assert.Equal(0, pipeline.InFlight);
    }

    [Fact]
    public async Task Run_FiveMegabyteBlobAmongFrames_BlobIsDeadLetteredByTheFrameCodecAndFramesGoOn()
    {
        var blob = new byte[5_000_000];
        new Random(5).NextBytes(blob);
        var frame = new Synthetic.SyntheticSky(new Synthetic.SyntheticSkyOptions { Seed = 2 }).Draw(0).Frame;
        var messages = new List<InboundMessage>
        {
            new(0, 0, "gill", Kafka.FrameMessageCodec.Encode(frame)),
            new(0, 1, "gill", blob),
            new(0, 2, "gill", Kafka.FrameMessageCodec.Encode(new Synthetic.SyntheticSky(new Synthetic.SyntheticSkyOptions { Seed = 2 }).Draw(1).Frame)),
        };
        var source = new MemoryMessageSource(messages);
        var sink = new RecordingSink();
        var letters = new RecordingDeadLetters();
        var pipeline = new StreamPipeline(source, new Kafka.FrameMessageCodec(), new FixedClassifier(), sink, letters, new PipelineOptions { BatchSize = 2, StageCapacity = 4, BatchTimeout = TimeSpan.FromMilliseconds(50) }, new PipelineMetrics());
        await RunUntil(pipeline, () => pipeline.Metrics.Written + pipeline.Metrics.DeadLettered == 3);

        Assert.Equal(2, sink.Frames.Count);
        var letter = Assert.Single(letters.Letters);
        Assert.Equal(1, letter.Message.Offset);
        Assert.StartsWith("undecodable", letter.Reason, StringComparison.Ordinal);
        Assert.Equal(3, source.Marked[0]);
    }

    [Fact]
    public async Task Run_ManyFramesPreprocessedInParallel_EachFrameIsClassifiedOnItsOwnPixels()
    {
        // Preprocessing runs on several threads with scratch state per preprocessor, and decoded pixel
        // buffers are reused once a frame is preprocessed: a shared preprocessor or a buffer released
        // early would hand the model another frame's (or a mixed) input. The classifier echoes a
        // fingerprint of its input, which must equal that of the frame preprocessed on its own.
        var sky = new Synthetic.SyntheticSky(new Synthetic.SyntheticSkyOptions { Seed = 12 });
        var frames = Enumerable.Range(0, 240).Select(i => sky.Draw(i).Frame).ToList();
        var messages = frames.Select((f, i) => new InboundMessage(i % 3, i / 3, f.Site, Kafka.FrameMessageCodec.Encode(f))).ToList();
        var classifier = new FingerprintClassifier();
        var sink = new RecordingSink();
        var pipeline = new StreamPipeline(new MemoryMessageSource(messages), new Kafka.FrameMessageCodec(), classifier, sink, new RecordingDeadLetters(), new PipelineOptions { Parallelism = 4, BatchSize = 8, StageCapacity = 16 }, new PipelineMetrics());
        await RunUntil(pipeline, () => pipeline.Metrics.Written == frames.Count);

        var alone = new Core.Preprocessing.FramePreprocessor(classifier.Card.Preprocessing);
        var input = new float[alone.OutputLength];
        var written = sink.Frames.ToDictionary(f => f.Origin.Index);
        Assert.Equal(frames.Count, written.Count);
        foreach (var frame in frames)
        {
            alone.Process(frame.Pixels.Span, frame.Width, frame.Height, input);
            var expected = FingerprintClassifier.Fingerprint(input);
            var actual = written[frame.Origin.Index].Prediction.Probabilities;
            Assert.True(expected.AsSpan().SequenceEqual(actual.ToArray()), $"frame {frame.Origin.Index}: fingerprint {string.Join(", ", actual)}, alone {string.Join(", ", expected)}");
        }
    }

    [Fact]
    public async Task Run_SinkRefusesTheData_FramesAreDeadLetteredWithTheServersMessageAndTheStreamGoesOn()
    {
        var messages = Enumerable.Range(0, 10).Select(i => TextDecoder.Message(0, i, "gill", i)).ToList();
        var (source, sink, letters, pipeline) = Build(messages, new PipelineOptions { BatchSize = 5, StageCapacity = 8 });
        sink.Reject = "field type conflict";
        await RunUntil(pipeline, () => pipeline.Metrics.DeadLettered == 10);

        Assert.Empty(sink.Frames);
        Assert.All(letters.Letters, l => Assert.Equal("sink", l.Stage));
        Assert.All(letters.Letters, l => Assert.Equal("rejected by recording sink: field type conflict", l.Reason));
        Assert.Equal(10, source.Marked[0]);
    }

    [Fact]
    public async Task Run_SinkHeldBack_ConsumptionStopsWithinTheInFlightLimitAndNothingUnwrittenIsMarked()
    {
        var options = new PipelineOptions { BatchSize = 4, StageCapacity = 8, Parallelism = 2 };
        var messages = Enumerable.Range(0, 500).Select(i => TextDecoder.Message(0, i, "gill", i)).ToList();
        var (source, sink, _, pipeline) = Build(messages, options);
        sink.Hold();
        using var stop = new CancellationTokenSource();
        var run = pipeline.RunAsync(stop.Token);

        // The graph fills up and the feeding loop stops reading: the count of messages read settles.
        await Poll.UntilAsync(() => sink.Writes >= 1, Deadline, "a first write reached the sink", run);
        var settled = await Settle(() => source.Read);

        Assert.True(settled <= options.InFlightLimit, $"{settled} read while the sink held everything (limit {options.InFlightLimit})");
        Assert.True(settled < messages.Count);
        Assert.Empty(source.Marked);

        sink.Release();
        await Poll.UntilAsync(() => pipeline.Metrics.Written == 500, Deadline, "all 500 frames written after the release", run);
        await stop.CancelAsync();
        await run;
        Assert.Equal(500, source.Marked[0]);
    }

    [Fact]
    public async Task Run_StoppedWithFramesInFlight_DrainsWritesAndCommitsBeforeReturning()
    {
        var messages = Enumerable.Range(0, 30).Select(i => TextDecoder.Message(0, i, "gill", i)).ToList();
        var (source, sink, _, pipeline) = Build(messages, new PipelineOptions { BatchSize = 4, StageCapacity = 8 });
        sink.Hold();
        using var stop = new CancellationTokenSource();
        var run = pipeline.RunAsync(stop.Token);
        await Poll.UntilAsync(() => sink.Writes >= 1, Deadline, "a first write reached the sink", run);
        var read = await Settle(() => source.Read);

        await stop.CancelAsync();
        sink.Release();
        await run.WaitAsync(Deadline);

        Assert.Equal(read, sink.Frames.Count);
        Assert.Equal(read, source.Marked[0]);
        Assert.True(source.Commits >= 1);
    }

    [Fact]
    public async Task Run_Aborted_MarksNothingThatWasNotWritten()
    {
        var messages = Enumerable.Range(0, 30).Select(i => TextDecoder.Message(0, i, "gill", i)).ToList();
        var (source, sink, _, pipeline) = Build(messages, new PipelineOptions { BatchSize = 4, StageCapacity = 8 });
        sink.Hold();
        using var stop = new CancellationTokenSource();
        using var abort = new CancellationTokenSource();
        var run = pipeline.RunAsync(stop.Token, abort.Token);
        await Poll.UntilAsync(() => sink.Writes >= 1, Deadline, "a first write reached the sink", run);

        await abort.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(Deadline));

        Assert.Empty(sink.Frames);
        Assert.Empty(source.Marked);
    }

    [Fact]
    public async Task Run_ClearSkyThenAurora_OneOnsetEventPerSiteAtTheConfirmingFrame()
    {
        // Per site: 5 clear frames, then 7 with aurora; onset confirmed on the third aurora frame.
        var messages = Enumerable.Range(0, 24).Select(i => TextDecoder.Message(i % 2, i / 2, i % 2 == 0 ? "gill" : "fsmi", i, dark: i / 2 < 5)).ToList();
        var (_, sink, _, pipeline) = Build(messages, new PipelineOptions { BatchSize = 3, StageCapacity = 6 }, new SiteSky(new DarkSites()));
        await RunUntil(pipeline, () => pipeline.Metrics.Written == 24);

        Assert.All(sink.Frames, f => Assert.Equal("dark", f.SkyTag));
        var onsets = sink.Events.Where(e => e.Kind == AuroraEventKind.Onset).OrderBy(e => e.Site, StringComparer.Ordinal).ToList();
        Assert.Equal(["fsmi", "gill"], onsets.Select(e => e.Site));
        Assert.Equal(Nanoseconds(15), onsets[0].TimeUnixNanoseconds);
        Assert.Equal(Nanoseconds(14), onsets[1].TimeUnixNanoseconds);
        Assert.Equal(2, sink.Events.Count(e => e.Kind == AuroraEventKind.LabelChange && e.From == AuroraClass.Clear && e.To == AuroraClass.Arc));
        Assert.Equal(4, sink.Events.Count);
    }

    [Fact]
    public async Task Run_SameAuroraWithoutSiteCoordinates_IsWrittenWithSkyUnknownAndRaisesNoOnset()
    {
        var messages = Enumerable.Range(0, 24).Select(i => TextDecoder.Message(i % 2, i / 2, i % 2 == 0 ? "gill" : "fsmi", i, dark: i / 2 < 5)).ToList();
        var (_, sink, _, pipeline) = Build(messages, new PipelineOptions { BatchSize = 3, StageCapacity = 6 });
        await RunUntil(pipeline, () => pipeline.Metrics.Written == 24);

        Assert.All(sink.Frames, f => Assert.Equal("unknown", f.SkyTag));
        Assert.DoesNotContain(sink.Events, e => e.Kind == AuroraEventKind.Onset);
    }

    [Fact]
    public async Task Run_RealThemisFramesAModelCallsMoon_GakonaTwilightAndNeverMoon_GillamDarkUnderAHighMoon()
    {
        // Gakona 2011-01-06 17 UT: sun about -11 deg (twilight), moon about -16 deg: moon is impossible.
        // Gillam 2014-03-10 06 UT: sun -37 (dark), moon +28.4 and 66% lit: moon stays.
        var problems = new List<string>();
        var frames = Formats.Detection.ArchiveReplay.ReadMerged([RepoPaths.Stream0Folder, RepoPaths.L1AsfCdf], new Formats.Detection.ReplayFilter(), (p, e) => problems.Add($"{p}: {e.Message}")).ToList();
        Assert.Empty(problems);
        var messages = frames.Select((f, i) => new InboundMessage(0, i, f.Site, Kafka.FrameMessageCodec.Encode(f))).ToList();
        var sink = new RecordingSink();
        var unknown = new List<string>();
        var pipeline = new StreamPipeline(new MemoryMessageSource(messages), new Kafka.FrameMessageCodec(), new MoonClassifier(), sink, new RecordingDeadLetters(), new PipelineOptions { BatchSize = 8, StageCapacity = 16, BatchTimeout = TimeSpan.FromMilliseconds(50) }, new PipelineMetrics(), sky: new SiteSky(Formats.SpaceWeather.StationCatalog.AsiLocations, unknown.Add));
        await RunUntil(pipeline, () => pipeline.Metrics.Written == frames.Count);

        var gako = sink.Frames.Where(f => f.Site == "gako").ToList();
        var gill = sink.Frames.Where(f => f.Site == "gill").ToList();
        Assert.NotEmpty(gako);
        Assert.NotEmpty(gill);
        Assert.Empty(unknown);
        Assert.All(gako, f => Assert.Equal("twilight", f.SkyTag));
        Assert.All(gako, f => Assert.NotEqual(AuroraClass.Moon, f.Prediction.Label));
        Assert.All(gako, f => Assert.Equal(0f, f.Prediction[AuroraClass.Moon]));
        Assert.All(gako, f => Assert.Equal(AuroraClass.Discrete, f.Prediction.Label));   // first of the tied 0.1s, renormalised to 0.25
        var first = gako.MinBy(f => f.CaptureTimeUnixNanoseconds)!;
        Assert.InRange(first.CaptureTime, new DateTime(2011, 1, 6, 17, 0, 0, DateTimeKind.Utc), new DateTime(2011, 1, 6, 17, 1, 0, DateTimeKind.Utc));
        Assert.Equal(-11.1, first.Sky!.Value.SunApparentElevationDeg, 0.1);
        Assert.Equal(-16.3, first.Sky!.Value.MoonApparentElevationDeg, 0.3);
        Assert.Equal(0.05, first.Sky!.Value.MoonIlluminatedFraction, 0.01);

        Assert.All(gill, f => Assert.Equal("dark", f.SkyTag));
        Assert.All(gill, f => Assert.Equal(AuroraClass.Moon, f.Prediction.Label));
        var gill0600 = gill.MinBy(f => f.CaptureTimeUnixNanoseconds)!;
        Assert.Equal(28.4, gill0600.Sky!.Value.MoonApparentElevationDeg, 0.2);
        Assert.Equal(259, gill0600.Sky!.Value.MoonAzimuthDeg, 0.5);
        Assert.Equal(0.66, gill0600.Sky!.Value.MoonIlluminatedFraction, 0.01);
    }

    private static long Nanoseconds(int seconds) => (DateTime.UnixEpoch.AddYears(50).AddSeconds(seconds) - DateTime.UnixEpoch).Ticks * 100;

    private static (MemoryMessageSource Source, RecordingSink Sink, RecordingDeadLetters Letters, StreamPipeline Pipeline) Build(IReadOnlyList<InboundMessage> messages, PipelineOptions options, SiteSky? sky = null)
    {
        var source = new MemoryMessageSource(messages);
        var sink = new RecordingSink();
        var letters = new RecordingDeadLetters();
        options.BatchTimeout = TimeSpan.FromMilliseconds(50);
        var pipeline = new StreamPipeline(source, new TextDecoder(), new FixedClassifier(), sink, letters, options, new PipelineMetrics(), sky: sky);
        return (source, sink, letters, pipeline);
    }

    // Runs the pipeline until the condition holds, then stops it and waits for the drain.
    private static async Task RunUntil(StreamPipeline pipeline, Func<bool> condition)
    {
        using var stop = new CancellationTokenSource();
        var run = pipeline.RunAsync(stop.Token);
        await Poll.UntilAsync(condition, Deadline, "the test's condition", run, () => $"written {pipeline.Metrics.Written}, dead-lettered {pipeline.Metrics.DeadLettered}");
        await stop.CancelAsync();
        await run;
    }

    // A count that has stopped changing for 300 ms (the graph is full and waiting on the sink).
    private static async Task<int> Settle(Func<int> count)
    {
        var deadline = DateTime.UtcNow + Deadline;
        var last = count();
        var since = DateTime.UtcNow;
        while (DateTime.UtcNow - since < TimeSpan.FromMilliseconds(300))
        {
            Assert.True(DateTime.UtcNow < deadline, "the count did not settle within 30 s");
            await Task.Delay(20);
            var now = count();
            if (now != last)
            {
                last = now;
                since = DateTime.UtcNow;
            }
        }

        return last;
    }
}
