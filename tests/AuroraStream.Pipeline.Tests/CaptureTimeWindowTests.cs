using AuroraStream.Core;
using AuroraStream.Core.Stream;
using AuroraStream.Formats.Detection;
using AuroraStream.Formats.Stream0;
using AuroraStream.Kafka;
using AuroraStream.TestUtilities;

namespace AuroraStream.Pipeline.Tests;

/// <summary>
/// Capture times outside the plausible window (Pipeline:EarliestCaptureTime .. now +
/// Pipeline:MaxCaptureTimeAhead) are dead-lettered with the reason; times without a 64-bit
/// nanosecond form are refused by the publisher, never wrapped round.
/// </summary>
public sealed class CaptureTimeWindowTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Run_Stream0FramesWithImplausibleCaptureTimes_AreDeadLetteredWithTheWindowNeverWrittenOrWrapped()
    {
        using var temp = new TempFolder();
        var now = new DateTimeOffset(2020, 1, 2, 0, 0, 0, TimeSpan.Zero);
        DateTime[] times = [new(2003, 12, 31, 23, 59, 57, DateTimeKind.Utc), new(2020, 1, 1, 6, 0, 0, DateTimeKind.Utc), new(2020, 1, 1, 6, 0, 3, DateTimeKind.Utc), new(2020, 1, 3, 12, 0, 0, DateTimeKind.Utc), new(2600, 1, 1, 0, 0, 0, DateTimeKind.Utc)];
        var template = AsiFiles.ReadFrames(RepoPaths.Data("field-cases", "poison-site", "20200101_0600_gill_themis99_full.pgm.gz")).First();
        var path = temp.File("20200101_0600_gill_themis99_full.pgm.gz");
        Stream0PgmWriter.WriteFile(path, [.. times.Select((t, i) => new AllSkyFrame("gill", "themis99", t, template.Width, template.Height, template.Pixels, 1000, new FrameOrigin("w", i)))]);
        var frames = Stream0PgmReader.ReadFile(path).ToList();

        // 2600 has no 64-bit nanosecond form: the publisher refuses it (naming it) instead of sending 2015-06-13.
        var refused = Assert.Throws<FrameNotPublishableException>(() => FrameMessageCodec.Encode(frames[4]));
        Assert.Contains("#4: capture time 2600-01-01T00:00:00.000000Z cannot be sent", refused.Message, StringComparison.Ordinal);

        var messages = frames.Take(4).Select((f, i) => new InboundMessage(0, i, f.Site, FrameMessageCodec.Encode(f))).ToList();
        var source = new MemoryMessageSource(messages);
        var sink = new RecordingSink();
        var letters = new RecordingDeadLetters();
        var pipeline = new StreamPipeline(source, new FrameMessageCodec(), new FixedClassifier(), sink, letters, new PipelineOptions { BatchTimeout = TimeSpan.FromMilliseconds(50) }, new PipelineMetrics(), new FixedNow(now));

        await RunUntil(pipeline, () => pipeline.Metrics.Written + pipeline.Metrics.DeadLettered == 4);

        Assert.Equal([times[1], times[2]], sink.Frames.Select(f => f.CaptureTime).Order());
        Assert.Equal(
            [
                $"{Path.GetFileName(path)}#0: capture time 2003-12-31T23:59:57.000000Z is outside the plausible window 2004-01-01T00:00:00Z (Pipeline:EarliestCaptureTime) to 2020-01-03T00:00:00Z (now + Pipeline:MaxCaptureTimeAhead)",
                $"{Path.GetFileName(path)}#3: capture time 2020-01-03T12:00:00.000000Z is outside the plausible window 2004-01-01T00:00:00Z (Pipeline:EarliestCaptureTime) to 2020-01-03T00:00:00Z (now + Pipeline:MaxCaptureTimeAhead)",
            ],
            letters.Letters.Select(l => l.Reason).Order(StringComparer.Ordinal));
        Assert.All(letters.Letters, l => Assert.Equal("validate", l.Stage));
        Assert.Equal(4, source.Marked[0]);
    }

    [Theory]
    [InlineData("1900-01-01", "00:00:00", "Pipeline:EarliestCaptureTime")]
    [InlineData("2004-01-01", "-01:00:00", "Pipeline:MaxCaptureTimeAhead")]
    [InlineData("2004-01-01", "400.00:00:00", "Pipeline:MaxCaptureTimeAhead")]
    public void Options_WindowOutOfRange_RefusedNamingTheSetting(string earliest, string ahead, string setting)
    {
        var options = new PipelineOptions { EarliestCaptureTime = DateTime.Parse(earliest, System.Globalization.CultureInfo.InvariantCulture), MaxCaptureTimeAhead = TimeSpan.Parse(ahead, System.Globalization.CultureInfo.InvariantCulture) };

        Assert.StartsWith(setting, Assert.Throws<ArgumentOutOfRangeException>(options.Validate).Message, StringComparison.Ordinal);
    }

    private static async Task RunUntil(StreamPipeline pipeline, Func<bool> condition)
    {
        using var stop = new CancellationTokenSource();
        var run = pipeline.RunAsync(stop.Token);
        await Poll.UntilAsync(condition, Deadline, "the test's condition", run, () => $"written {pipeline.Metrics.Written}, dead-lettered {pipeline.Metrics.DeadLettered}");
        await stop.CancelAsync();
        await run;
    }

    /// <summary>A clock standing at one instant (timers still run on the system's).</summary>
    private sealed class FixedNow(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
