using AuroraStream.Core;

namespace AuroraStream.Pipeline.Tests;

public sealed class SiteTallyTests
{
    [Fact]
    public void Frame_CountsTheLabelAsWritten_UncertainUnderNoneOfTheSix()
    {
        // The demo's per-site table once showed the top class of frames written as uncertain.
        var tally = new SiteTally();
        tally.Frame(new FramePrediction([0.7f, 0.1f, 0.1f, 0.05f, 0.03f, 0.02f]));
        tally.Frame(new FramePrediction([0.7f, 0.1f, 0.1f, 0.05f, 0.03f, 0.02f], oodScore: 300, oodThreshold: 174));
        tally.Frame(new FramePrediction([0.1f, 0.1f, 0.1f, 0.6f, 0f, 0.1f], ruledOutBySky: true));

        Assert.Equal(3, tally.Frames);
        Assert.Equal(["arc", "diffuse", "discrete", "cloudy", "moon", "clear", "uncertain"], tally.Labels.Select(l => l.Key));
        Assert.Equal([1, 0, 0, 0, 0, 0, 2], tally.Labels.Select(l => l.Value));
    }
}
