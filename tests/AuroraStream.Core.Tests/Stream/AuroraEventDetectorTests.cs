using AuroraStream.Core;
using AuroraStream.Core.Sky;
using AuroraStream.Core.Stream;

namespace AuroraStream.Core.Tests.Stream;

public sealed class AuroraEventDetectorTests
{
    private static readonly float[] Arc = [0.9f, 0.02f, 0.02f, 0.02f, 0.02f, 0.02f];
    private static readonly float[] Clear = [0.02f, 0.02f, 0.02f, 0.02f, 0.02f, 0.9f];
    private static readonly float[] Between = [0.5f, 0f, 0f, 0f, 0f, 0.5f];
    private static readonly SkyConditions DarkSky = new(-30, 0, -30, 180, 0.5);

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
    public void Observe_AfterAGapLongerThanMaxGap_StartsAfresh_NoEventComparesTheTwoSides()
    {
        var detector = new AuroraEventDetector(new AuroraEventOptions());
        const long night = 86_400_000_000_000L;

        // Night 1 ends in aurora (no end: the imager stops); night 2 starts clear, then aurora comes.
        var first = Enumerable.Range(1, 3).SelectMany(t => detector.Observe(Frame(t, Clear)))
            .Concat(Enumerable.Range(4, 3).SelectMany(t => detector.Observe(Frame(t, Arc)))).ToList();
        Assert.Contains(first, e => e.Kind == AuroraEventKind.Onset);
        var second = Enumerable.Range(1, 3).SelectMany(t => detector.Observe(At(night + (t * 3_000_000_000L), Clear))).ToList();
        Assert.Empty(second);   // a fresh start: no end raised against the night before, no label change from arc
        var later = Enumerable.Range(4, 3).SelectMany(t => detector.Observe(At(night + (t * 3_000_000_000L), Arc))).ToList();
        var onset = Assert.Single(later, e => e.Kind == AuroraEventKind.Onset);
        Assert.Equal(night + (6 * 3_000_000_000L), onset.TimeUnixNanoseconds);
        Assert.Equal(AuroraClass.Clear, onset.From);   // from this night's label, not last night's

        // A run of votes does not carry over a gap either: two arc frames, a gap, one arc frame is no onset.
        var gapped = new AuroraEventDetector(new AuroraEventOptions { MaxGap = TimeSpan.FromSeconds(30) });
        Assert.All(Enumerable.Range(1, 3), t => Assert.Empty(gapped.Observe(Frame(t, Clear))));
        Assert.Empty(gapped.Observe(Frame(4, Arc)));
        Assert.Empty(gapped.Observe(Frame(5, Arc)));
        Assert.Empty(gapped.Observe(Frame(30, Arc)));   // 75 s later
    }

    [Fact]
    public void Options_NonPositiveMaxGap_IsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new AuroraEventDetector(new AuroraEventOptions { MaxGap = TimeSpan.Zero }));

    [Fact]
    public void Options_ThresholdsOutOfOrder_AreRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new AuroraEventDetector(new AuroraEventOptions { OnsetProbability = 0.3, EndProbability = 0.4 }));

    [Theory]
    [InlineData(-6.0)]   // twilight
    [InlineData(5.0)]    // daylight
    public void Observe_AuroraUnderANonDarkSky_RaisesNoOnset(double sunElevationDeg)
    {
        var detector = new AuroraEventDetector(new AuroraEventOptions());
        var lit = new SkyConditions(sunElevationDeg, 200, -30, 0, 0.1);
        var events = new List<AuroraEvent>();
        for (var t = 1; t <= 3; t++)
        {
            events.AddRange(detector.Observe(Frame(t, Clear)));
        }

        for (var t = 4; t <= 12; t++)
        {
            events.AddRange(detector.Observe(Frame(t, Arc, lit)));
        }

        Assert.DoesNotContain(events, e => e.Kind == AuroraEventKind.Onset);
        Assert.Contains(events, e => e.Kind == AuroraEventKind.LabelChange);   // the label itself still changes
    }

    [Fact]
    public void Observe_UnknownSky_RaisesNoOnset()
    {
        var detector = new AuroraEventDetector(new AuroraEventOptions());
        var events = Enumerable.Range(1, 3).SelectMany(t => detector.Observe(Frame(t, Clear)))
            .Concat(Enumerable.Range(4, 9).SelectMany(t => detector.Observe(Frame(t, Arc, sky: null)))).ToList();

        Assert.DoesNotContain(events, e => e.Kind == AuroraEventKind.Onset);
    }

    [Fact]
    public void Observe_TwilightFrameInARunOfDarkAuroraFrames_InterruptsTheOnsetRun()
    {
        var detector = new AuroraEventDetector(new AuroraEventOptions());
        var twilight = new SkyConditions(-6, 200, -30, 0, 0.1);
        Assert.All(Enumerable.Range(1, 3), t => Assert.Empty(detector.Observe(Frame(t, Clear))));

        Assert.Empty(detector.Observe(Frame(4, Arc)));
        Assert.Empty(detector.Observe(Frame(5, Arc)));
        Assert.DoesNotContain(detector.Observe(Frame(6, Arc, twilight)), e => e.Kind == AuroraEventKind.Onset);
        Assert.DoesNotContain(detector.Observe(Frame(7, Arc)), e => e.Kind == AuroraEventKind.Onset);
        Assert.DoesNotContain(detector.Observe(Frame(8, Arc)), e => e.Kind == AuroraEventKind.Onset);
        Assert.Contains(detector.Observe(Frame(9, Arc)), e => e.Kind == AuroraEventKind.Onset);   // three dark frames again
    }

    [Fact]
    public void Observe_UncertainAuroraFrames_RaiseNoOnsetNorLabelChange()
    {
        var detector = new AuroraEventDetector(new AuroraEventOptions());
        Assert.All(Enumerable.Range(1, 3), t => Assert.Empty(detector.Observe(Frame(t, Clear))));

        var events = Enumerable.Range(4, 9).SelectMany(t => detector.Observe(Frame(t, new FramePrediction(Arc, oodScore: 9, oodThreshold: 3)))).ToList();

        Assert.Empty(events);
    }

    [Fact]
    public void Observe_AuroraInProgressWhenTheSkyBrightens_EndsOnLowTwilightFrames()
    {
        var detector = new AuroraEventDetector(new AuroraEventOptions());
        var twilight = new SkyConditions(-6, 200, -30, 0, 0.1);
        var events = Enumerable.Range(1, 3).SelectMany(t => detector.Observe(Frame(t, Clear)))
            .Concat(Enumerable.Range(4, 3).SelectMany(t => detector.Observe(Frame(t, Arc))))
            .Concat(Enumerable.Range(7, 3).SelectMany(t => detector.Observe(Frame(t, Clear, twilight)))).ToList();

        Assert.Equal([AuroraEventKind.Onset, AuroraEventKind.End], events.Where(e => e.Kind != AuroraEventKind.LabelChange).Select(e => e.Kind));
    }

    private static ClassifiedFrame Frame(int step, float[] p) => Make(step, new FramePrediction(p), DarkSky);

    private static ClassifiedFrame Frame(int step, float[] p, SkyConditions? sky) => Make(step, new FramePrediction(p), sky);

    private static ClassifiedFrame Frame(int step, FramePrediction p) => Make(step, p, DarkSky);

    private static ClassifiedFrame At(long timeUnixNanoseconds, float[] p) =>
        new("gill", "themis19", timeUnixNanoseconds, "m", new FramePrediction(p), new FrameOrigin("f", 0), DarkSky);

    private static ClassifiedFrame Make(int step, FramePrediction p, SkyConditions? sky) =>
        new("gill", "themis19", step * 3_000_000_000L, "m", p, new FrameOrigin("f", step), sky);
}
