using System.Globalization;
using System.Text;
using AuroraStream.Core;

namespace AuroraStream.Training.Evaluation;

/// <summary>How much the published OATH splits share station-nights between training and test.</summary>
/// <param name="StationNights">Station-nights among the entries.</param>
/// <param name="SingleClassStationNights">Station-nights whose images all hold one class.</param>
/// <param name="TestImages">Test images over all published splits (labelled entries, whether or not their image is present).</param>
/// <param name="TestImagesSharingANight">Of those, test images whose station-night also has training images in the same split.</param>
/// <param name="Unplaced">Entries with no known station-night.</param>
public sealed record SplitLeakage(int StationNights, int SingleClassStationNights, int TestImages, int TestImagesSharingANight, int Unplaced);

/// <summary>
/// Group k-fold by station-night for OATH (Clausen &amp; Nickisch 2018): every image of a
/// station-night falls in the same fold, so a classifier is never tested on a night it trained on.
/// Folds are stratified the way scikit-learn's <c>StratifiedGroupKFold</c> is: station-nights, largest
/// first, each go to the fold that keeps the per-class shares of the folds most even (smallest
/// mean standard deviation across folds of each class's share), ties to the smallest fold.
/// </summary>
public static class StationNightFolds
{
    /// <summary>Makes the folds over the entries that are <paramref name="available"/>.</summary>
    /// <param name="classes">Class of each entry.</param>
    /// <param name="groupOf">Station-night of each entry, or null when unknown (such entries form one group of their own).</param>
    /// <param name="available">Whether each entry takes part (e.g. its image was found).</param>
    /// <param name="folds">Number of folds, at least 2.</param>
    /// <returns>One split per fold (test = the fold, train = the rest; entry indices), and a note when a fold lacks a class or there are fewer groups than folds.</returns>
    /// <exception cref="ArgumentException">Lengths that differ, or fewer than 2 folds.</exception>
    public static (IReadOnlyList<BenchmarkSplit> Splits, string? Note) Make(IReadOnlyList<AuroraClass> classes, Func<int, string?> groupOf, IReadOnlyList<bool> available, int folds)
    {
        ArgumentNullException.ThrowIfNull(classes);
        ArgumentNullException.ThrowIfNull(groupOf);
        ArgumentNullException.ThrowIfNull(available);
        if (available.Count != classes.Count)
        {
            throw new ArgumentException($"{classes.Count} classes but {available.Count} availability flags.", nameof(available));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(folds, 2);
        var k = AuroraClasses.All.Count;
        var groups = Enumerable.Range(0, classes.Count)
            .Where(i => available[i])
            .GroupBy(i => groupOf(i) ?? "unknown", StringComparer.Ordinal)
            .Select(g => (Name: g.Key, Members: g.ToList(), Counts: Enumerable.Range(0, k).Select(c => g.Count(i => (int)classes[i] == c)).ToArray()))
            .OrderByDescending(g => g.Members.Count)
            .ThenBy(g => g.Name, StringComparer.Ordinal)
            .ToList();
        var totals = Enumerable.Range(0, k).Select(c => groups.Sum(g => g.Counts[c])).ToArray();
        var foldCounts = new int[folds][];
        for (var f = 0; f < folds; f++)
        {
            foldCounts[f] = new int[k];
        }

        var assignment = new List<int>[folds];
        for (var f = 0; f < folds; f++)
        {
            assignment[f] = [];
        }

        foreach (var group in groups)
        {
            var best = -1;
            var bestCost = double.PositiveInfinity;
            for (var f = 0; f < folds; f++)
            {
                var cost = 0.0;
                for (var c = 0; c < k; c++)
                {
                    if (totals[c] == 0)
                    {
                        continue;
                    }

                    var shares = Enumerable.Range(0, folds).Select(g => (foldCounts[g][c] + (g == f ? group.Counts[c] : 0)) / (double)totals[c]).ToArray();
                    var mean = shares.Average();
                    cost += Math.Sqrt(shares.Sum(s => (s - mean) * (s - mean)) / folds);
                }

                cost /= k;
                if (cost < bestCost - 1e-12 || (Math.Abs(cost - bestCost) <= 1e-12 && assignment[f].Count < assignment[best].Count))
                {
                    (best, bestCost) = (f, cost);
                }
            }

            assignment[best].AddRange(group.Members);
            for (var c = 0; c < k; c++)
            {
                foldCounts[best][c] += group.Counts[c];
            }
        }

        var splits = new List<BenchmarkSplit>();
        var all = assignment.SelectMany(a => a).ToHashSet();
        for (var f = 0; f < folds; f++)
        {
            var test = assignment[f].Order().ToList();
            splits.Add(new BenchmarkSplit(f + 1, [.. all.Except(test).Order()], test));
        }

        var notes = new List<string>();
        if (groups.Count < folds)
        {
            notes.Add(string.Create(CultureInfo.InvariantCulture, $"only {groups.Count} station-night(s) among the {all.Count} images found, fewer than the {folds} folds: {folds - groups.Count} fold(s) are empty"));
        }

        var lacking = Enumerable.Range(0, folds)
            .Where(f => assignment[f].Count > 0)
            .Select(f => (Fold: f + 1, Missing: Enumerable.Range(0, k).Where(c => totals[c] > 0 && foldCounts[f][c] == 0).Select(c => ((AuroraClass)c).ToLabel()).ToList()))
            .Where(x => x.Missing.Count > 0)
            .ToList();
        if (lacking.Count > 0)
        {
            notes.Add("not every class is in every fold (" + string.Join("; ", lacking.Select(x => string.Create(CultureInfo.InvariantCulture, $"fold {x.Fold} lacks {string.Join(", ", x.Missing)}"))) + ")");
        }

        return (splits, notes.Count == 0 ? null : string.Join("; ", notes));
    }

    /// <summary>How far the given splits let a test image share its station-night with training images.</summary>
    public static SplitLeakage Leakage(IReadOnlyList<AuroraClass> classes, Func<int, string?> groupOf, IReadOnlyList<BenchmarkSplit> splits)
    {
        ArgumentNullException.ThrowIfNull(classes);
        ArgumentNullException.ThrowIfNull(groupOf);
        ArgumentNullException.ThrowIfNull(splits);
        var groups = Enumerable.Range(0, classes.Count).Select(groupOf).ToArray();
        var nights = Enumerable.Range(0, classes.Count).Where(i => groups[i] is not null).GroupBy(i => groups[i]!, StringComparer.Ordinal).ToList();
        var single = nights.Count(g => g.Select(i => classes[i]).Distinct().Count() == 1);
        int tests = 0, sharing = 0;
        foreach (var split in splits)
        {
            var trained = split.Train.Where(i => groups[i] is not null).Select(i => groups[i]!).ToHashSet(StringComparer.Ordinal);
            tests += split.Test.Count;
            sharing += split.Test.Count(i => groups[i] is { } g && trained.Contains(g));
        }

        return new SplitLeakage(nights.Count, single, tests, sharing, groups.Count(g => g is null));
    }

    /// <summary>Markdown comparing the published protocol and the station-night-held-out one side by side.</summary>
    public static string CompareMarkdown(BenchmarkReport published, BenchmarkReport heldOut, SplitLeakage leakage, string? heldOutNote)
    {
        ArgumentNullException.ThrowIfNull(published);
        ArgumentNullException.ThrowIfNull(heldOut);
        ArgumentNullException.ThrowIfNull(leakage);
        static string P(double? v) => v is { } x ? x.ToString("0.0%", CultureInfo.InvariantCulture) : "-";
        var md = new StringBuilder();
        md.AppendLine("# OATH: the published protocol and station-nights held out");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Images found: {published.ImagesFound} of {published.Entries} labelled entries.");
        md.AppendLine(CultureInfo.InvariantCulture, $"In the 5 published 70/30 splits, {leakage.TestImagesSharingANight} of {leakage.TestImages} test entries share a station-night with training entries of the same split; {leakage.SingleClassStationNights} of {leakage.StationNights} station-nights hold a single class{(leakage.Unplaced > 0 ? string.Create(CultureInfo.InvariantCulture, $" ({leakage.Unplaced} entries have no known station-night)") : string.Empty)}. The published splits therefore reward recognising the night; the held-out protocol below never tests on a night it trained on.");
        md.AppendLine();
        md.AppendLine("| protocol | splits run | test images | 6-class accuracy | 2-class accuracy |");
        md.AppendLine("|---|---|---|---|---|");
        foreach (var (name, r) in new[] { ("published 70/30 splits (train_test_split.csv)", published), ("station-night held out (stratified group 5-fold)", heldOut) })
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {r.Splits.Count(s => s.Accuracy is not null)} of {r.Splits.Count} | {r.Splits.Sum(s => s.Accuracy is null ? 0 : s.TestFrames)} | {P(r.MeanAccuracy)} | {P(r.MeanTwoClassAccuracy)} |");
        }

        if (heldOutNote is not null)
        {
            md.AppendLine();
            md.AppendLine(CultureInfo.InvariantCulture, $"Station-night folds: {heldOutNote}.");
        }

        md.AppendLine();
        md.AppendLine(published.ToMarkdown().Replace("# OATH benchmark:", "## Published protocol:", StringComparison.Ordinal).Replace("\n## ", "\n### ", StringComparison.Ordinal));
        md.AppendLine(heldOut.ToMarkdown().Replace("# OATH benchmark:", "## Station-night held out:", StringComparison.Ordinal).Replace("\n## ", "\n### ", StringComparison.Ordinal));
        return md.ToString();
    }
}
