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

        Assert.Equal(["time,site,label,confidence,sky,sun_elevation,moon_elevation,moon_illumination,ood_score,model", "2020-01-01T06:00:00.000000Z,gill,arc,0.9,unknown,,,,,\"compact, v2 \"\"beta\"\"\""], File.ReadAllLines(Path.Combine(folder, "labels.csv")));
        var events = File.ReadAllLines(Path.Combine(folder, "events.csv"));
        Assert.Equal("2020-01-01T06:00:00.000000Z,gill,themis19,\"compact, v2 \"\"beta\"\"\",onset,clear,arc,0.9,0.9", events[1]);
    }

    [Fact]
    public async Task WriteAsync_TheSameFramesTwice_InTwoRuns_AreOneRowEach_AsInInfluxDb()
    {
        using var temp = new TempFolder();
        var folder = temp.File("store");
        var probabilities = new float[AuroraClasses.All.Count];
        probabilities[1] = 1;
        ClassifiedFrame Frame(int i, string model) => new("gill", "themis19", T0 + (i * 3_000_000_000L), model, new FramePrediction(probabilities), new FrameOrigin("x.pgm.gz", i));
        var onset = new AuroraEvent("gill", "themis19", T0, "m1", AuroraEventKind.Onset, AuroraClass.Clear, AuroraClass.Diffuse, 0.9, 0.9);

        for (var run = 0; run < 2; run++)
        {
            await using var sink = new FilePredictionSink(folder);
            await sink.WriteAsync([Frame(0, "m1"), Frame(1, "m1")], [onset]);
            await sink.WriteAsync([Frame(1, "m1"), Frame(2, "m1"), Frame(2, "m2")], [onset]);
        }

        Assert.Equal(5, File.ReadAllLines(Path.Combine(folder, "labels.csv")).Length);
        Assert.Equal(2, File.ReadAllLines(Path.Combine(folder, "events.csv")).Length);
        Assert.Equal(5, File.ReadAllLines(Path.Combine(folder, "aurora.lp")).Length);
    }

    [Fact]
    public void Open_AFolderOfAnotherVersion_IsRefusedNamingTheFile()
    {
        using var temp = new TempFolder();
        var folder = temp.File("store");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "labels.csv"), "time,site,label,confidence\n2020-01-01T06:00:00.000000Z,gill,arc,0.9\n");

        var e = Assert.Throws<InvalidDataException>(() => new FilePredictionSink(folder));

        Assert.Contains("labels.csv", e.Message, StringComparison.Ordinal);
        Assert.Contains("another version", e.Message, StringComparison.Ordinal);
    }
}
