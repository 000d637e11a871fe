using AuroraStream.Core.Preprocessing;

namespace AuroraStream.Core.Tests.Preprocessing;

public sealed class SkyStructureTests
{
    private const int Side = 64;

    [Fact]
    public void Autocorrelation_SmoothSkyGradient_IsNearOne()
    {
        // A sky brightening toward the horizon, as airglow and lens do: radius squared.
        var input = Image((x, y) => (float)((((x - 31.5) * (x - 31.5)) + ((y - 31.5) * (y - 31.5))) / 2000));

        Assert.InRange(SkyStructure.Autocorrelation(input, Side, 1.0), 0.95, 1.0);
    }

    [Fact]
    public void Autocorrelation_IndependentNoise_IsNearZeroAndBelowTheMinimum()
    {
        var random = new Random(3);
        for (var trial = 0; trial < 20; trial++)
        {
            var input = Image((_, _) => (float)random.NextDouble());

            var r = SkyStructure.Autocorrelation(input, Side, 1.0);

            Assert.InRange(r, -0.08, 0.08);
            Assert.True(r < SkyStructure.MinimumAutocorrelation);
        }
    }

    [Fact]
    public void Autocorrelation_Checkerboard_IsMinusOne()
    {
        var input = Image((x, y) => (x + y) % 2);

        Assert.Equal(-1.0, SkyStructure.Autocorrelation(input, Side, 1.0), 6);
    }

    [Fact]
    public void Autocorrelation_NoiseInsideAMaskedDisc_IgnoresTheMaskStep()
    {
        // Noise inside the 0.85 mask and zeros outside: the step at the mask's edge is the
        // preprocessing's, not structure in the sky.
        var random = new Random(5);
        var input = Image((x, y) => ((x - 31.5) * (x - 31.5)) + ((y - 31.5) * (y - 31.5)) <= 0.85 * 32 * 0.85 * 32 ? 1 + (float)random.NextDouble() : 0);

        Assert.InRange(SkyStructure.Autocorrelation(input, Side, 0.85), -0.08, 0.08);
        Assert.True(SkyStructure.Autocorrelation(input, Side, 1.0) > 0.3);    // with the wrong mask the step dominates
    }

    [Fact]
    public void Autocorrelation_ConstantFrame_IsZero()
    {
        Assert.Equal(0, SkyStructure.Autocorrelation(new float[Side * Side], Side, 1.0));
    }

    [Fact]
    public void Autocorrelation_BadArguments_AreRefusedNamingWhatIsWrong()
    {
        Assert.Contains("4096 values, not 10", Assert.Throws<ArgumentException>(() => SkyStructure.Autocorrelation(new float[10], Side, 1.0)).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => SkyStructure.Autocorrelation(new float[Side * Side], Side, 1.2));
        Assert.Throws<ArgumentOutOfRangeException>(() => SkyStructure.Autocorrelation(new float[1], 1, 1.0));
    }

    [Theory]
    [InlineData(0.09, true)]
    [InlineData(0.1, false)]
    [InlineData(0.9, false)]
    public void FramePrediction_StructureBelowTheMinimum_IsUncertainWithItsProbabilitiesKept(double structure, bool uncertain)
    {
        float[] p = [0.86f, 0.02f, 0.02f, 0.05f, 0.02f, 0.03f];

        var prediction = new FramePrediction(p, oodScore: 133, oodThreshold: 174, structure: structure);

        Assert.Equal(uncertain, prediction.LacksStructure);
        Assert.Equal(uncertain, prediction.IsUncertain);
        Assert.Equal(uncertain ? "uncertain" : "arc", prediction.LabelName);
        Assert.Equal(AuroraClass.Arc, prediction.Label);
        Assert.Equal(0.86f, prediction.Confidence);
        Assert.Equal(structure, prediction.Structure);
    }

    [Fact]
    public void FramePrediction_NoStructureMeasured_IsNotUncertainForIt_AndNaNIsRefused()
    {
        float[] p = [0.86f, 0.02f, 0.02f, 0.05f, 0.02f, 0.03f];

        Assert.False(new FramePrediction(p).LacksStructure);
        Assert.Throws<ArgumentOutOfRangeException>(() => new FramePrediction(p, structure: double.NaN));
    }

    private static float[] Image(Func<int, int, float> value)
    {
        var input = new float[Side * Side];
        for (var y = 0; y < Side; y++)
        {
            for (var x = 0; x < Side; x++)
            {
                input[(y * Side) + x] = value(x, y);
            }
        }

        return input;
    }
}
