using AuroraStream.Core;
using AuroraStream.Core.Stream;
using AuroraStream.TestUtilities;

namespace AuroraStream.Influx.Tests;

public sealed class FilePredictionSinkTests
{
    private static readonly long T0 = (new DateTime(2020, 1, 1, 6, 0, 0, DateTimeKind.Utc) - DateTime.UnixEpoch).Ticks * 100;

    [Fact]
    public async Task WriteAsync_ModelNameWithCommaAndQuotes_IsOneQuotedCsvField()
    {
        using var temp = new TempFolder();
        var folder = temp.File("store");
        var probabilities = new float[AuroraClasses.All.Count];
        probabilities[0] = 0.9f;
        probabilities[5] = 0.1f;
        var frame = new ClassifiedFrame("gill", "themis19", T0, "compact, v2 \"beta\"", new FramePrediction(probabilities), new FrameOrigin("x.pgm.gz", 0));
        var onset = new AuroraEvent("gill", "themis19", T0, "compact, v2 \"beta\"", AuroraEventKind.Onset, AuroraClass.Clear, AuroraClass.Arc, 0.9, 0.9);

        await using (var sink = new FilePredictionSink(folder))
        {
            await sink.WriteAsync([frame], [onset]);
        }

        Assert.Equal(["time,site,label,confidence", "2020-01-01T06:00:00.000000Z,gill,arc,0.9"], File.ReadAllLines(Path.Combine(folder, "labels.csv")));
        var events = File.ReadAllLines(Path.Combine(folder, "events.csv"));
        Assert.Equal("2020-01-01T06:00:00.000000Z,gill,themis19,\"compact, v2 \"\"beta\"\"\",onset,clear,arc,0.9,0.9", events[1]);
    }
}
