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

    [Fact]
    public void ExpectedCalibrationError_HandComputedExample()
    {
        // Two frames in the 0.9-1.0 bin (one right: accuracy 0.5, mean confidence 0.95) and two in
        // the 0.6-0.7 bin (both right: accuracy 1, confidence 0.65): ECE = 0.5 * 0.45 + 0.5 * 0.35 = 0.40.
        float[][] p =
        [
            [0.95f, 0.01f, 0.01f, 0.01f, 0.01f, 0.01f],
            [0.95f, 0.01f, 0.01f, 0.01f, 0.01f, 0.01f],
            [0.05f, 0.65f, 0.10f, 0.10f, 0.05f, 0.05f],
            [0.05f, 0.65f, 0.10f, 0.10f, 0.05f, 0.05f],
        ];
        AuroraClass[] labels = [AuroraClass.Arc, AuroraClass.Moon, AuroraClass.Diffuse, AuroraClass.Diffuse];

        Assert.Equal(0.40, TemperatureScaling.ExpectedCalibrationError(p, labels), 6);
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
    public void Fit_MismatchedInputs_Throws() =>
        Assert.Throws<ArgumentException>(() => TemperatureScaling.Fit([new float[6]], []));
}
