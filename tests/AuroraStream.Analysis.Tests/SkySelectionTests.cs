using AuroraStream.Analysis;
using AuroraStream.Core;
using AuroraStream.Core.Sky;

namespace AuroraStream.Analysis.Tests;

public sealed class SkySelectionTests
{
    private static readonly DateTime Night = new(2020, 1, 1, 6, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void MinConfidence_KeepsALabelAtTheMinimum_CountsThoseBelowAndThoseWithoutOneApart()
    {
        var selection = new SkySelection(null, false, 0.9);
        LabelledFrame Frame(int second, string label, double? confidence) => new("gill", Night.AddSeconds(second), label, confidence, SkyState.Dark);

        Assert.True(selection.Accept(Frame(0, "arc", 0.9)));
        Assert.True(selection.Accept(Frame(3, "arc", 1.0)));
        Assert.False(selection.Accept(Frame(6, "arc", 0.8999)));
        Assert.False(selection.Accept(Frame(9, "clear", null)));
        Assert.False(selection.Accept(Frame(12, "clear", double.NaN)));
        Assert.False(selection.Accept(Frame(15, FramePrediction.UncertainLabel, 0.99)));
        Assert.False(selection.Accept(Frame(18, "arc", 0.2) with { Sky = SkyState.Twilight }));

        Assert.Equal((2, 2, 1, 1, 1), (selection.Kept, selection.ExcludedLowConfidence, selection.ExcludedNoConfidence, selection.ExcludedUncertain, selection.ExcludedTwilight));
        Assert.Contains("Excluded, confidence below 0.9 (--min-confidence): 3 frames (2 below it, 1 without a confidence)", selection.Describe());
        Assert.Equal(" and 3 below confidence 0.9 (1 without one)", selection.ConfidenceNote);
    }

    [Fact]
    public void NoMinConfidence_KeepsEveryConfidence_AndSaysNothingOfIt()
    {
        var selection = new SkySelection(null);

        Assert.True(selection.Accept(new LabelledFrame("gill", Night, "arc", null, SkyState.Dark)));
        Assert.True(selection.Accept(new LabelledFrame("gill", Night.AddSeconds(3), "arc", 0.01, SkyState.Dark)));
        Assert.Empty(selection.ConfidenceNote);
        Assert.DoesNotContain(selection.Describe(), l => l.Contains("confidence", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void MinConfidence_NotAProbabilityAboveZero_Throws(double minimum) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new SkySelection(null, false, minimum));
}
