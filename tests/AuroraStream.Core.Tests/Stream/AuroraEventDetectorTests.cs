using AuroraStream.Core;
using AuroraStream.Core.Stream;

namespace AuroraStream.Core.Tests.Stream;

public sealed class AuroraEventDetectorTests
{
    private static readonly float[] Arc = [0.9f, 0.02f, 0.02f, 0.02f, 0.02f, 0.02f];
    private static readonly float[] Clear = [0.02f, 0.02f, 0.02f, 0.02f, 0.02f, 0.9f];
    private static readonly float[] Between = [0.5f, 0f, 0f, 0f, 0f, 0.5f];

    [Fact]
    public void Observe_SustainedChange_ReportsOnsetAndLabelChangeOnTheConfirmingFrame_AndFlickerNothing()
    {
        var detector = new AuroraEventDetector(new AuroraEventOptions());
        var t = 0;
        IReadOnlyList<AuroraEvent> Feed(float[] p) => detector.Observe(Frame(++t, p));

        Assert.All(new[] { Clear, Clear, Clear }, p => Assert.Empty(Feed(p)));   // first state, no event
        Assert.Empty(Feed(Arc));                                                 // flicker: one arc frame
        Assert.Empty(Feed(Clear));
        Assert.Empty(Feed(Arc));
        Assert.Empty(Feed(Arc));
        var events = Feed(Arc);                                                  // third consecutive arc
        Assert.Equal([AuroraEventKind.Onset, AuroraEventKind.LabelChange], events.Select(e => e.Kind));
        Assert.All(events, e => Assert.Equal(8L * 3_000_000_000, e.TimeUnixNanoseconds));
        Assert.Equal((AuroraClass.Clear, AuroraClass.Arc), (events[1].From, events[1].To));
        Assert.Equal(0.94, events[0].AuroraProbability, 5);
        Assert.Empty(Feed(Between));                                             // between thresholds: nothing
        Assert.Empty(detector.Observe(Frame(3, Clear)));                         // redelivered old frame: ignored
    }

    [Fact]
    public void Options_ThresholdsOutOfOrder_AreRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new AuroraEventDetector(new AuroraEventOptions { OnsetProbability = 0.3, EndProbability = 0.4 }));

    private static ClassifiedFrame Frame(int step, float[] p) =>
        new("gill", "themis19", step * 3_000_000_000L, "m", new FramePrediction(p), new FrameOrigin("f", step));
}
