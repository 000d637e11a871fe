using AuroraStream.Core;
using AuroraStream.Core.Stream;
using AuroraStream.Formats.Detection;
using AuroraStream.Influx;
using AuroraStream.Kafka;
using AuroraStream.TestUtilities;

namespace AuroraStream.Pipeline.Tests;

/// <summary>
/// Inputs from the field (tests/data/field-cases) through the real frame codec and real sinks: a
/// frame a sink cannot store, or with an implausible capture time, is dead-lettered alone with the
/// reason, and the stream goes on and commits past it (so a restart does not meet it again).
/// </summary>
public sealed class FieldCaseTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData("file store")]
    [InlineData("influxdb")]
    public async Task Run_PoisonSiteFieldCase_WritesTenFramesDeadLettersFiveWithTheReasonAndCommitsPastThem(string sinkKind)
    {
        var frames = AsiFiles.FrameFiles([RepoPaths.Data("field-cases", "poison-site")], (p, e) => throw e).SelectMany(f => AsiFiles.ReadFrames(f.Path, f.Kind)).ToList();
        var messages = frames.Select((f, i) => new InboundMessage(i % 2, i / 2, f.Site, FrameMessageCodec.Encode(f))).ToList();
        using var temp = new TempFolder();
        using var influx = sinkKind == "influxdb" ? new InfluxServer() : null;
        influx?.Execute("CREATE DATABASE aurora");
        var connection = influx is null ? null : new InfluxConnectionOptions { Url = influx.Url, Database = "aurora" };
        var source = new MemoryMessageSource(messages);
        var letters = new RecordingDeadLetters();
        var sink = connection is null ? (IPredictionSink)new FilePredictionSink(temp.Path) : new InfluxPredictionSink(connection);
        await using (sink)
        {
            var pipeline = new StreamPipeline(source, new FrameMessageCodec(), new FixedClassifier(), sink, letters, new PipelineOptions { BatchSize = 4, StageCapacity = 8, BatchTimeout = TimeSpan.FromMilliseconds(50) }, new PipelineMetrics());

            await RunUntil(pipeline, () => pipeline.Metrics.Written + pipeline.Metrics.DeadLettered == 15);

            Assert.Equal(10, pipeline.Metrics.Written);
            Assert.Equal(5, letters.Letters.Count);
            Assert.All(letters.Letters, l =>
            {
                Assert.Equal("validate", l.Stage);
                Assert.Matches(@"^20200101_0601_gill_themis99_full\.pgm\.gz#[0-4]: site 'gill\\' is not a site code: expected 4 lower-case ASCII letters", l.Reason);
            });

            // Every offset is marked done, the poison ones too: a restart resumes after them.
            Assert.Equal(8, source.Marked[0]);
            Assert.Equal(7, source.Marked[1]);
        }

        if (connection is null)
        {
            Assert.Equal(10, File.ReadLines(Path.Combine(temp.Path, "aurora.lp")).Count(l => l.StartsWith("aurora_frame,site=gill,", StringComparison.Ordinal)));
            Assert.Equal(11, File.ReadLines(Path.Combine(temp.Path, "labels.csv")).Count());
        }
        else
        {
            using var query = new InfluxQueryClient(connection);
            var series = await query.QueryAsync("SELECT count(p_arc) FROM aurora_frame GROUP BY site").ToListAsync();
            Assert.Equal(10L, series.Single().Values[0][1].GetInt64());
        }
    }

    [Fact]
    public async Task Run_SinkCannotStoreOneFrame_OnlyThatFrameIsDeadLetteredAndTheStreamGoesOn()
    {
        var messages = Enumerable.Range(0, 12).Select(i => TextDecoder.Message(0, i, i % 3 == 0 ? "fsmi" : "gill", i)).ToList();
        var source = new MemoryMessageSource(messages);
        var sink = new RecordingSink { Refuse = f => f.Site == "fsmi" ? "no room for fsmi" : null };
        var letters = new RecordingDeadLetters();
        var pipeline = new StreamPipeline(source, new TextDecoder(), new FixedClassifier(), sink, letters, new PipelineOptions { BatchSize = 5, StageCapacity = 8, BatchTimeout = TimeSpan.FromMilliseconds(50) }, new PipelineMetrics());

        await RunUntil(pipeline, () => pipeline.Metrics.Written + pipeline.Metrics.DeadLettered == 12);

        Assert.Equal(8, sink.Frames.Count);
        Assert.All(sink.Frames, f => Assert.Equal("gill", f.Site));
        Assert.Equal(4, letters.Letters.Count);
        Assert.All(letters.Letters, l => Assert.Equal(("sink", true), (l.Stage, l.Reason.EndsWith("recording sink cannot store it: no room for fsmi", StringComparison.Ordinal))));
        Assert.Equal(12, source.Marked[0]);
    }

    private static async Task RunUntil(StreamPipeline pipeline, Func<bool> condition)
    {
        using var stop = new CancellationTokenSource();
        var run = pipeline.RunAsync(stop.Token);
        await Poll.UntilAsync(condition, Deadline, "the test's condition", run, () => $"written {pipeline.Metrics.Written}, dead-lettered {pipeline.Metrics.DeadLettered}");
        await stop.CancelAsync();
        await run;
    }
}
