using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using AuroraStream.Core;
using AuroraStream.Training.Classifier;
using AuroraStream.Training.Models;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace AuroraStream.Training.Evaluation;

/// <summary>One train/test split of a benchmark, as indices into its entries.</summary>
/// <param name="Number">Split number (1-based).</param>
/// <param name="Train">Training entries.</param>
/// <param name="Test">Test entries.</param>
public sealed record BenchmarkSplit(int Number, IReadOnlyList<int> Train, IReadOnlyList<int> Test);

/// <summary>The outcome of one split.</summary>
/// <param name="Number">Split number.</param>
/// <param name="TrainFrames">Training entries with an image.</param>
/// <param name="TestFrames">Test entries with an image.</param>
/// <param name="Missing">Entries of the split without an image.</param>
/// <param name="Accuracy">Six-class accuracy, null when skipped.</param>
/// <param name="TwoClassAccuracy">Aurora vs no aurora from the six-class confusion matrix.</param>
/// <param name="AuroraTruePositiveRate">Aurora frames predicted as aurora.</param>
/// <param name="Confusion">Rows = true class, columns = predicted, OATH order.</param>
/// <param name="Skipped">Why the split was not run, when it was not.</param>
public sealed record SplitResult(int Number, int TrainFrames, int TestFrames, int Missing, double? Accuracy, double? TwoClassAccuracy, double? AuroraTruePositiveRate, int[][] Confusion, string? Skipped);

/// <summary>A published result on the OATH benchmark, listed beside ours.</summary>
/// <param name="Source">Who.</param>
/// <param name="SixClassAccuracy">Six-class accuracy.</param>
/// <param name="AuroraFigure">The published aurora/no-aurora figure.</param>
/// <param name="Note">What the figures are.</param>
public sealed record PublishedResult(string Source, double SixClassAccuracy, double? AuroraFigure, string Note);

/// <summary>The benchmark's result: per split, mean and standard deviation, pooled confusion and per-class scores.</summary>
public sealed record BenchmarkReport
{
    /// <summary>The published figures the report lists.</summary>
    public static IReadOnlyList<PublishedResult> PublishedResults { get; } =
    [
        new("Clausen & Nickisch 2018 (pretrained Inception-v4 features + ridge classifier)", 0.82, 0.96, "6-class accuracy; aurora true-positive rate"),
        new("Sado et al. 2022", 0.73, 0.91, "6-class accuracy; two-class figure"),
        new("Johnson et al. (SimCLR-pretrained ResNet-18)", 0.92, null, "about 10 points above 82% 6-class"),
    ];

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Data set name and where it was read.</summary>
    public required string Dataset { get; init; }

    /// <summary>Labelled entries in the data set.</summary>
    public required int Entries { get; init; }

    /// <summary>Entries with an image found.</summary>
    public required int ImagesFound { get; init; }

    /// <summary>Model and training used in every split.</summary>
    public required string Method { get; init; }

    /// <summary>Per-split results.</summary>
    public required IReadOnlyList<SplitResult> Splits { get; init; }

    /// <summary>Mean six-class accuracy over the splits run.</summary>
    public double? MeanAccuracy { get; init; }

    /// <summary>Sample standard deviation of the six-class accuracy (needs two splits).</summary>
    public double? AccuracyStd { get; init; }

    /// <summary>Mean two-class accuracy.</summary>
    public double? MeanTwoClassAccuracy { get; init; }

    /// <summary>Sample standard deviation of the two-class accuracy.</summary>
    public double? TwoClassAccuracyStd { get; init; }

    /// <summary>Mean aurora true-positive rate.</summary>
    public double? MeanAuroraTruePositiveRate { get; init; }

    /// <summary>Confusion matrix pooled over the splits run.</summary>
    public required int[][] PooledConfusion { get; init; }

    /// <summary>Per-class precision, recall and F1 from the pooled matrix.</summary>
    public required IReadOnlyList<ClassScores> PerClass { get; init; }

    /// <summary>Published figures for comparison.</summary>
    public IReadOnlyList<PublishedResult> Published { get; init; } = PublishedResults;

    /// <summary>JSON form.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Markdown form, with the published figures beside ours.</summary>
    public string ToMarkdown()
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"# OATH benchmark: {Dataset}");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Method: {Method}. Labelled entries: {Entries}; images found: {ImagesFound}.");
        if (ImagesFound < Entries)
        {
            md.AppendLine();
            md.AppendLine(CultureInfo.InvariantCulture, $"Only {ImagesFound} of {Entries} images were found, so every split trains and tests on a subset; the figures below describe that subset and are not comparable with the published ones.");
        }

        md.AppendLine();
        md.AppendLine("| | 6-class accuracy | 2-class accuracy | aurora TPR |");
        md.AppendLine("|---|---|---|---|");
        md.AppendLine(CultureInfo.InvariantCulture, $"| **AuroraStream (this run)** | {MeanStd(MeanAccuracy, AccuracyStd)} | {MeanStd(MeanTwoClassAccuracy, TwoClassAccuracyStd)} | {Percent(MeanAuroraTruePositiveRate)} |");
        foreach (var p in Published)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {p.Source} | {Percent(p.SixClassAccuracy)} | {(p.AuroraFigure is { } a ? $"{Percent(a)} ({p.Note.Split("; ").Last()})" : "-")} | |");
        }

        md.AppendLine();
        md.AppendLine("## Splits");
        md.AppendLine();
        md.AppendLine("| split | train images | test images | missing | 6-class | 2-class | note |");
        md.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var s in Splits)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {s.Number} | {s.TrainFrames} | {s.TestFrames} | {s.Missing} | {Percent(s.Accuracy)} | {Percent(s.TwoClassAccuracy)} | {s.Skipped ?? string.Empty} |");
        }

        md.AppendLine();
        md.AppendLine("## Per class (pooled over the splits)");
        md.AppendLine();
        md.AppendLine("| class | support | precision | recall | F1 |");
        md.AppendLine("|---|---|---|---|---|");
        foreach (var c in PerClass)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {c.Label} | {c.Support} | {Percent(c.Precision)} | {Percent(c.Recall)} | {Percent(c.F1)} |");
        }

        md.AppendLine();
        md.AppendLine("## Confusion matrix (rows true, columns predicted)");
        md.AppendLine();
        var labels = AuroraClasses.All.Select(c => c.ToLabel()).ToList();
        md.AppendLine($"| | {string.Join(" | ", labels)} |");
        md.AppendLine($"|---|{string.Concat(labels.Select(_ => "---|"))}");
        for (var i = 0; i < labels.Count; i++)
        {
            md.AppendLine($"| {labels[i]} | {string.Join(" | ", PooledConfusion[i])} |");
        }

        return md.ToString();
    }

    private static string Percent(double? value) => value is { } v ? v.ToString("0.0%", CultureInfo.InvariantCulture) : "-";

    private static string MeanStd(double? mean, double? std) =>
        mean is null ? "-" : std is { } s ? $"{Percent(mean)} ± {(100 * s).ToString("0.0", CultureInfo.InvariantCulture)}" : Percent(mean);
}

/// <summary>
/// Runs a benchmark exactly as the OATH protocol prescribes: for each of its train/test splits a
/// fresh classifier over a fresh copy of the encoder is trained on the split's training images and
/// tested on its test images; six-class accuracy mean and standard deviation over the splits, the
/// two-class accuracy from the six-class confusion matrix, per-class scores from the pooled matrix.
/// Entries without an image (<c>null</c> frames) are counted as missing and left out.
/// </summary>
public static class BenchmarkEvaluation
{
    /// <summary>Runs every split.</summary>
    public static BenchmarkReport Run(
        string dataset,
        IReadOnlyList<float[]?> frames,
        IReadOnlyList<AuroraClass> classes,
        IReadOnlyList<BenchmarkSplit> splits,
        EncoderArchitecture architecture,
        Func<Module<Tensor, Tensor>> encoderFactory,
        ClassifierOptions options,
        string method,
        IProgress<string>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(frames);
        ArgumentNullException.ThrowIfNull(classes);
        ArgumentNullException.ThrowIfNull(splits);
        ArgumentNullException.ThrowIfNull(encoderFactory);
        if (frames.Count != classes.Count)
        {
            throw new ArgumentException($"{frames.Count} frames but {classes.Count} classes.", nameof(classes));
        }

        var results = new List<SplitResult>();
        var pooled = new ConfusionMatrix();
        foreach (var split in splits)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var train = split.Train.Where(i => frames[i] is not null).ToList();
            var test = split.Test.Where(i => frames[i] is not null).ToList();
            var missing = split.Train.Count + split.Test.Count - train.Count - test.Count;
            if (train.Count == 0 || test.Count == 0)
            {
                var why = $"no {(train.Count == 0 ? "training" : "test")} images found";
                progress?.Report($"split {split.Number}: skipped, {why}");
                results.Add(new SplitResult(split.Number, train.Count, test.Count, missing, null, null, null, new ConfusionMatrix().Rows, why));
                continue;
            }

            var labelled = new LabelledSet([.. train.Select(i => frames[i]!)], [.. train.Select(i => classes[i])]);
            var (model, _) = ClassifierTrainer.Train(architecture, encoderFactory(), labelled, null, options, cancellationToken: cancellationToken);
            using (model)
            {
                var predictions = ClassifierTrainer.Predict(model, [.. test.Select(i => frames[i]!)], options.InputSize, options.BatchSize);
                var matrix = new ConfusionMatrix();
                for (var k = 0; k < test.Count; k++)
                {
                    matrix.Add(classes[test[k]], new FramePrediction(predictions[k]).Label);
                }

                pooled.Add(matrix);
                results.Add(new SplitResult(split.Number, train.Count, test.Count, missing, matrix.Accuracy, matrix.TwoClassAccuracy, Finite(matrix.AuroraTruePositiveRate), matrix.Rows, null));
                progress?.Report(string.Create(CultureInfo.InvariantCulture, $"split {split.Number}: {train.Count} train, {test.Count} test images, 6-class {matrix.Accuracy:0.000}, 2-class {matrix.TwoClassAccuracy:0.000}"));
            }
        }

        var run = results.Where(r => r.Accuracy is not null).ToList();
        return new BenchmarkReport
        {
            Dataset = dataset,
            Entries = frames.Count,
            ImagesFound = frames.Count(f => f is not null),
            Method = method,
            Splits = results,
            MeanAccuracy = Mean(run.Select(r => r.Accuracy!.Value)),
            AccuracyStd = Std(run.Select(r => r.Accuracy!.Value)),
            MeanTwoClassAccuracy = Mean(run.Select(r => r.TwoClassAccuracy!.Value)),
            TwoClassAccuracyStd = Std(run.Select(r => r.TwoClassAccuracy!.Value)),
            MeanAuroraTruePositiveRate = Mean(run.Where(r => r.AuroraTruePositiveRate is not null).Select(r => r.AuroraTruePositiveRate!.Value)),
            PooledConfusion = pooled.Rows,
            PerClass = pooled.PerClass(),
        };
    }

    private static double? Finite(double value) => double.IsNaN(value) ? null : value;

    private static double? Mean(IEnumerable<double> values)
    {
        var list = values.ToList();
        return list.Count == 0 ? null : list.Average();
    }

    /// <summary>Sample standard deviation (n - 1 in the denominator) of <paramref name="values"/>; null for fewer than two.</summary>
    public static double? Std(IEnumerable<double> values)
    {
        var list = values.ToList();
        if (list.Count < 2)
        {
            return null;
        }

        var mean = list.Average();
        return Math.Sqrt(list.Sum(v => (v - mean) * (v - mean)) / (list.Count - 1));
    }
}
