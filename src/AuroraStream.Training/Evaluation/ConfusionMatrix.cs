using AuroraStream.Core;

namespace AuroraStream.Training.Evaluation;

/// <summary>Precision, recall and F1 of one class; null where undefined (no predictions or no examples).</summary>
/// <param name="Label">Class label.</param>
/// <param name="Support">Frames of this class.</param>
/// <param name="Precision">Correct among those predicted as this class.</param>
/// <param name="Recall">Found among those of this class.</param>
/// <param name="F1">Harmonic mean of precision and recall.</param>
public sealed record ClassScores(string Label, int Support, double? Precision, double? Recall, double? F1);

/// <summary>
/// Six-class confusion matrix, rows = true class, columns = predicted class, in OATH code order.
/// The two-class figures group classes 0-2 (aurora) against 3-5 (no aurora) from this matrix, as
/// the OATH benchmark does.
/// </summary>
public sealed class ConfusionMatrix
{
    private const int N = 6;
    private readonly int[,] _counts = new int[N, N];

    /// <summary>Counts one frame.</summary>
    public void Add(AuroraClass actual, AuroraClass predicted) => _counts[(int)actual, (int)predicted]++;

    /// <summary>Adds another matrix.</summary>
    public void Add(ConfusionMatrix other)
    {
        ArgumentNullException.ThrowIfNull(other);
        for (var i = 0; i < N; i++)
        {
            for (var j = 0; j < N; j++)
            {
                _counts[i, j] += other._counts[i, j];
            }
        }
    }

    /// <summary>Frames counted with a true class and a prediction.</summary>
    public int this[AuroraClass actual, AuroraClass predicted] => _counts[(int)actual, (int)predicted];

    /// <summary>Frames counted.</summary>
    public int Total => Sum((_, _) => true);

    /// <summary>Six-class accuracy (NaN when empty).</summary>
    public double Accuracy => Ratio(Sum((i, j) => i == j), Total);

    /// <summary>Aurora (0-2) vs no aurora (3-5) accuracy.</summary>
    public double TwoClassAccuracy => Ratio(Sum((i, j) => i < 3 == j < 3), Total);

    /// <summary>Aurora frames predicted as any aurora class, over all aurora frames (OATH's aurora true-positive rate).</summary>
    public double AuroraTruePositiveRate => Ratio(Sum((i, j) => i < 3 && j < 3), Sum((i, _) => i < 3));

    /// <summary>The counts as rows (true class) of columns (predicted class).</summary>
    public int[][] Rows => [.. Enumerable.Range(0, N).Select(i => Enumerable.Range(0, N).Select(j => _counts[i, j]).ToArray())];

    /// <summary>Per-class precision, recall and F1.</summary>
    public IReadOnlyList<ClassScores> PerClass()
    {
        var scores = new List<ClassScores>();
        for (var c = 0; c < N; c++)
        {
            var k = c;
            var truePositive = _counts[k, k];
            var support = Sum((i, _) => i == k);
            var predicted = Sum((_, j) => j == k);
            double? precision = predicted == 0 ? null : (double)truePositive / predicted;
            double? recall = support == 0 ? null : (double)truePositive / support;
            double? f1 = precision is { } p && recall is { } r ? (p + r == 0 ? 0 : 2 * p * r / (p + r)) : null;
            scores.Add(new ClassScores(((AuroraClass)k).ToLabel(), support, precision, recall, f1));
        }

        return scores;
    }

    private int Sum(Func<int, int, bool> where)
    {
        var total = 0;
        for (var i = 0; i < N; i++)
        {
            for (var j = 0; j < N; j++)
            {
                if (where(i, j))
                {
                    total += _counts[i, j];
                }
            }
        }

        return total;
    }

    private static double Ratio(int a, int b) => b == 0 ? double.NaN : (double)a / b;
}
