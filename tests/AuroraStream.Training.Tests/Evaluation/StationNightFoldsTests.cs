using AuroraStream.Core;
using AuroraStream.Formats.Oath;
using AuroraStream.TestUtilities;
using AuroraStream.Training.Evaluation;

namespace AuroraStream.Training.Tests.Evaluation;

public sealed class StationNightFoldsTests
{
    private static readonly string OathFolder = Path.Combine(RepoPaths.TestData, "oath");

    [Fact]
    public void Make_RealOathLabels_NoStationNightInTrainAndTest_EveryClassInEveryFold()
    {
        var dataset = OathDataset.Load(OathFolder);
        var origins = OathOrigins.Read(Path.Combine(OathFolder, OathOrigins.BlocksFile));
        var classes = dataset.Entries.Select(e => e.Class).ToList();
        string? GroupOf(int i) => origins.Find(dataset.Entries[i].PictureNumber)?.StationNight;

        var (splits, note) = StationNightFolds.Make(classes, GroupOf, [.. classes.Select(_ => true)], folds: 5);

        Assert.Null(note);
        Assert.Equal(5, splits.Count);
        Assert.Equal(classes.Count, splits.Sum(s => s.Test.Count));
        foreach (var split in splits)
        {
            var trained = split.Train.Select(GroupOf).ToHashSet();
            Assert.DoesNotContain(split.Test.Select(GroupOf), g => trained.Contains(g));
            Assert.Equal(6, split.Test.Select(i => classes[i]).Distinct().Count());
            Assert.InRange(split.Test.Count, classes.Count / 10, classes.Count / 3);
        }
    }

    [Fact]
    public void Leakage_PublishedSplits_EveryTestImageSharesANight_And43Of79NightsHoldOneClass()
    {
        var dataset = OathDataset.Load(OathFolder);
        var origins = OathOrigins.Read(Path.Combine(OathFolder, OathOrigins.BlocksFile));
        var splits = dataset.Splits.Select(s => new BenchmarkSplit(s.Number, s.Train, s.Test)).ToList();

        var leakage = StationNightFolds.Leakage([.. dataset.Entries.Select(e => e.Class)], i => origins.Find(dataset.Entries[i].PictureNumber)?.StationNight, splits);

        Assert.Equal(79, leakage.StationNights);
        Assert.Equal(43, leakage.SingleClassStationNights);
        Assert.Equal(leakage.TestImages - CountUnplacedTests(splits, dataset, origins), leakage.TestImagesSharingANight);
    }

    [Fact]
    public void Make_FewerGroupsThanFolds_SaysSo()
    {
        AuroraClass[] classes = [AuroraClass.Arc, AuroraClass.Arc, AuroraClass.Clear];
        var (splits, note) = StationNightFolds.Make(classes, i => i < 2 ? "a" : "b", [true, true, true], folds: 3);

        Assert.Contains("fewer than the 3 folds", note, StringComparison.Ordinal);
        Assert.Equal(3, splits.Sum(s => s.Test.Count));
    }

    private static int CountUnplacedTests(IReadOnlyList<BenchmarkSplit> splits, OathDataset dataset, OathOrigins origins) =>
        splits.Sum(s => s.Test.Count(i => origins.Find(dataset.Entries[i].PictureNumber) is null));
}
