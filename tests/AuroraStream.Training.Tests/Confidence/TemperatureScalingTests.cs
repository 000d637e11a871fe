using AuroraStream.Core;
using AuroraStream.Training.Confidence;

namespace AuroraStream.Training.Tests.Confidence;

public sealed class TemperatureScalingTests
{
    [Theory]
    [InlineData(0.5)]
    [InlineData(2.0)]
    [InlineData(4.0)]
    public void Fit_LabelsDrawnFromSoftmaxOverT_RecoversT(double truth)
    {
        // Labels drawn from softmax(z / T): the NLL-optimal temperature is T itself (in the limit).
        var random = new Random(7);
        var logits = new List<float[]>();
        var labels = new List<AuroraClass>();
        for (var i = 0; i < 6000; i++)
        {
            var z = Enumerable.Range(0, 6).Select(_ => (float)(random.NextDouble() * 8)).ToArray();
            var p = TemperatureScaling.Softmax(z, truth);
            var u = random.NextDouble();
            var c = 0;
            for (var acc = p[0]; acc < u && c < 5; acc += p[++c])
            {
            }

            logits.Add(z);
            labels.Add((AuroraClass)c);
        }

        var fitted = TemperatureScaling.Fit(logits, labels);

        Assert.InRange(fitted, truth * 0.9, truth * 1.1);
        Assert.True(TemperatureScaling.NegativeLogLikelihood(logits, labels, fitted) <= TemperatureScaling.NegativeLogLikelihood(logits, labels, truth * 1.5));
    }

    // Two frames in the 0.9-1.0 bin (one right: accuracy 0.5, mean confidence 0.95) and two in the
    // 0.6-0.7 bin (both right: accuracy 1, confidence 0.65): ECE = 0.5 * 0.45 + 0.5 * 0.35 = 0.40.
    private static readonly float[][] HandExample =
    [
        [0.95f, 0.01f, 0.01f, 0.01f, 0.01f, 0.01f],
        [0.95f, 0.01f, 0.01f, 0.01f, 0.01f, 0.01f],
        [0.05f, 0.65f, 0.10f, 0.10f, 0.05f, 0.05f],
        [0.05f, 0.65f, 0.10f, 0.10f, 0.05f, 0.05f],
    ];

    private static readonly AuroraClass[] HandExampleLabels = [AuroraClass.Arc, AuroraClass.Moon, AuroraClass.Diffuse, AuroraClass.Diffuse];

    [Fact]
    public void ExpectedCalibrationError_HandComputedExample() =>
        Assert.Equal(0.40, TemperatureScaling.ExpectedCalibrationError(HandExample, HandExampleLabels), 6);

    [Fact]
    public void ExpectedCalibrationError_Weighted_EqualsTheErrorOnCopies()
    {
        // The hand-computed example with the wrong 0.95 frame counted three times: bin 0.9-1.0 holds
        // 1 right and 3 wrong (accuracy 0.25, confidence 0.95), bin 0.6-0.7 two right (1 against
        // 0.65): (4 * 0.70 + 2 * 0.35) / 6.
        Assert.Equal(((4 * 0.70) + (2 * 0.35)) / 6, TemperatureScaling.ExpectedCalibrationError(HandExample, HandExampleLabels, weights: [1, 3, 1, 1]), 6);
        Assert.Equal(0.40, TemperatureScaling.ExpectedCalibrationError(HandExample, HandExampleLabels, weights: [2, 2, 2, 2]), 6);
    }

    [Fact]
    public void Softmax_HigherTemperature_FlattensButKeepsTheOrder()
    {
        float[] z = [3, 1, 0, -1, 2, 0.5f];
        var sharp = TemperatureScaling.Softmax(z, 1);
        var flat = TemperatureScaling.Softmax(z, 4);

        Assert.Equal(1.0, flat.Sum(), 5);
        Assert.True(flat[0] < sharp[0]);
        Assert.Equal(new FramePrediction(sharp).Label, new FramePrediction(flat).Label);
    }

    [Fact]
    public void Fit_IntegerWeights_EqualTheFitOnCopies()
    {
        // Three frames right at a margin of 4 and one wrong at 6; weights 3, 1, 1, 2 mean 3 + 1 + 1
        // copies of the right ones and 2 of the wrong one.
        float[] Confident(AuroraClass c, float margin) => [.. AuroraClasses.All.Select(k => k == c ? margin : 0f)];
        float[][] logits = [Confident(AuroraClass.Arc, 4), Confident(AuroraClass.Moon, 4), Confident(AuroraClass.Clear, 4), Confident(AuroraClass.Diffuse, 6)];
        AuroraClass[] labels = [AuroraClass.Arc, AuroraClass.Moon, AuroraClass.Clear, AuroraClass.Cloudy];
        double[] weights = [3, 1, 1, 2];
        var copies = logits.Zip(labels, weights).SelectMany(x => Enumerable.Repeat((x.First, x.Second), (int)x.Third)).ToList();

        var weighted = TemperatureScaling.Fit(logits, labels, weights);

        Assert.Equal(TemperatureScaling.Fit([.. copies.Select(c => c.First)], [.. copies.Select(c => c.Second)]), weighted, 3);
        Assert.NotEqual(TemperatureScaling.Fit(logits, labels), weighted, 1);
        Assert.Equal(
            TemperatureScaling.NegativeLogLikelihood([.. copies.Select(c => c.First)], [.. copies.Select(c => c.Second)], 2.0),
            TemperatureScaling.NegativeLogLikelihood(logits, labels, 2.0, [6, 2, 2, 4]),
            9);
    }

    [Theory]
    [InlineData(new[] { 1.0 }, "one weight per frame")]
    [InlineData(new[] { 1.0, -1.0 }, "Weight -1 of frame 1")]
    [InlineData(new[] { 1.0, double.NaN }, "Weight NaN of frame 1")]
    [InlineData(new[] { 0.0, 0.0 }, "Every weight is 0")]
    public void Fit_BadWeights_ThrowNamingWhatIsWrong(double[] weights, string message)
    {
        float[][] logits = [new float[6], new float[6]];
        var error = Assert.Throws<ArgumentException>(() => TemperatureScaling.Fit(logits, [AuroraClass.Arc, AuroraClass.Moon], weights));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fit_MismatchedInputs_Throws() =>
        Assert.Throws<ArgumentException>(() => TemperatureScaling.Fit([new float[6]], []));
}
