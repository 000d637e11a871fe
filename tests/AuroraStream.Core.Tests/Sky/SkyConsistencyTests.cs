using AuroraStream.Core.Sky;

namespace AuroraStream.Core.Tests.Sky;

public sealed class SkyConsistencyTests
{
    private static readonly float[] MostlyMoon = [0.05f, 0.05f, 0.1f, 0.1f, 0.6f, 0.1f];

    [Fact]
    public void Apply_MoonLabelWithTheMoonBelowMinus2Deg_IsRelabelledToTheMostProbableAllowedClass()
    {
        var sky = new SkyConditions(-30, 0, -5, 90, 0.5);

        var p = SkyConsistency.Apply(new FramePrediction(MostlyMoon), sky);

        Assert.Equal(0f, p[AuroraClass.Moon]);
        Assert.Equal(1.0, p.Probabilities.Sum(x => (double)x), 6);
        Assert.Equal(AuroraClass.Discrete, p.Label);                          // first of the tied 0.1s in OATH order
        Assert.Equal(0.25, p[AuroraClass.Discrete], 6);                       // 0.1 / (1 - 0.6)
        Assert.Equal(0.125, p[AuroraClass.Arc], 6);                           // ratios kept
        Assert.True(p.RuledOutBySky);                                         // 0.6 of the mass was moon
        Assert.Equal("uncertain", p.LabelName);
        Assert.Null(p.OodScore);
    }

    [Theory]
    [InlineData(0.5, true)]      // the Sun just up
    [InlineData(25.0, true)]
    [InlineData(-1.5, false)]    // twilight (apparent elevation, refracted, about -1.2): labelled as usual
    [InlineData(-30.0, false)]
    public void Apply_SunAboveTheHorizon_IsUncertainForDaylight_ProbabilitiesKept(double sunElevationDeg, bool daylight)
    {
        float[] arc = [0.93f, 0.02f, 0.02f, 0.01f, 0.01f, 0.01f];

        var p = SkyConsistency.Apply(new FramePrediction(arc, oodScore: 5, oodThreshold: 100, structure: 0.9), new SkyConditions(sunElevationDeg, 180, 20, 90, 0.5));

        Assert.Equal(daylight, p.InDaylight);
        Assert.Equal(daylight ? "uncertain" : "arc", p.LabelName);
        Assert.Equal(daylight ? "daylight" : null, p.UncertainReason);
        Assert.Equal(arc, p.Probabilities);
        Assert.Equal((5.0, 100.0, 0.9), (p.OodScore, p.OodThreshold, p.Structure));
    }

    [Fact]
    public void UncertainReason_NamesEveryReason_InAFixedOrder()
    {
        float[] moon = [0.01f, 0.01f, 0.01f, 0.01f, 0.95f, 0.01f];
        var sky = new SkyConditions(3, 180, -20, 90, 0.5);   // daylight, Moon down

        var p = SkyConsistency.Apply(new FramePrediction(moon, oodScore: 500, oodThreshold: 100, structure: 0.02), sky);

        Assert.Equal("daylight+no-structure+moon-below-horizon+out-of-distribution", p.UncertainReason);
        Assert.Null(new FramePrediction(moon, oodScore: 5, oodThreshold: 100, structure: 0.9).UncertainReason);
    }

    [Theory]
    [InlineData(0.49f, false)]
    [InlineData(0.5f, true)]
    [InlineData(0.96f, true)]
    public void Apply_MoonDown_IsUncertainOnlyWhenMoonHadHalfTheMass(float moon, bool uncertain)
    {
        // A model that gave moon 0.96 and cloudy 0.035 is not 85% sure of cloud.
        var rest = (1 - moon) / 5;
        var p = SkyConsistency.Apply(new FramePrediction([rest, rest, rest, rest, moon, rest]), new SkyConditions(-30, 0, -10, 90, 0.5));

        Assert.Equal(uncertain, p.IsUncertain);
        Assert.Equal(uncertain ? "uncertain" : "arc", p.LabelName);
    }

    [Theory]
    [InlineData(-1.5)]   // geometric -1.5 is apparent -0.88: above -2
    [InlineData(10.0)]
    public void Apply_MoonAboveMinus2DegApparent_LeavesThePredictionAlone(double moonGeometricDeg)
    {
        var prediction = new FramePrediction(MostlyMoon);

        Assert.Same(prediction, SkyConsistency.Apply(prediction, new SkyConditions(-30, 0, moonGeometricDeg, 90, 0.5)));
    }

    [Fact]
    public void Apply_MoonBetweenMinus2DegApparentAndMinus2DegGeometric_UsesTheApparentElevation()
    {
        // Geometric -2.4 is apparent about -1.8: the Moon's glow is still possible.
        var prediction = new FramePrediction(MostlyMoon);

        Assert.Same(prediction, SkyConsistency.Apply(prediction, new SkyConditions(-30, 0, -2.4, 90, 0.5)));
        Assert.NotSame(prediction, SkyConsistency.Apply(prediction, new SkyConditions(-30, 0, -2.8, 90, 0.5)));
    }

    [Fact]
    public void Apply_UnknownSky_LeavesThePredictionAlone()
    {
        var prediction = new FramePrediction(MostlyMoon);

        Assert.Same(prediction, SkyConsistency.Apply(prediction, null));
    }

    [Fact]
    public void Apply_UncertainFrame_StaysUncertainWithItsScore()
    {
        var p = SkyConsistency.Apply(new FramePrediction(MostlyMoon, oodScore: 12.5, oodThreshold: 4), new SkyConditions(-30, 0, -40, 90, 0.5));

        Assert.True(p.IsUncertain);
        Assert.Equal("uncertain", p.LabelName);
        Assert.Equal(12.5, p.OodScore);
        Assert.Equal(0f, p[AuroraClass.Moon]);
    }

    [Fact]
    public void Apply_NoiseFrame_KeepsItsStructureAndStaysUncertain()
    {
        var p = SkyConsistency.Apply(new FramePrediction([0.1f, 0.1f, 0.1f, 0.1f, 0.45f, 0.15f], structure: 0.01), new SkyConditions(-30, 0, -40, 90, 0.5));

        Assert.Equal(0.01, p.Structure);
        Assert.True(p.LacksStructure);
        Assert.False(p.RuledOutBySky);
        Assert.Equal("uncertain", p.LabelName);
    }

    [Fact]
    public void Apply_AllMassOnMoon_SpreadsItEvenlyOverTheOtherFive()
    {
        var p = SkyConsistency.Apply(new FramePrediction([0f, 0f, 0f, 0f, 1f, 0f]), new SkyConditions(-30, 0, -40, 90, 0.5));

        Assert.All(AuroraClasses.All.Where(c => c != AuroraClass.Moon), c => Assert.Equal(0.2f, p[c], 6));
    }

    [Fact]
    public void SiteSky_FrameHeaderCoordinates_WinOverTheCatalogAndUnknownSitesAreReportedOnce()
    {
        var reported = new List<string>();
        var sky = new SiteSky(new Catalog(new ImagerSite("gill", "Gillam", 56.376, -94.64)), reported.Add);
        var time = new DateTime(2014, 3, 10, 6, 0, 0, DateTimeKind.Utc);
        var atGakona = new AllSkyFrame("gill", "themis19", time, 1, 1, new ushort[1], null, new FrameOrigin("f", 0)) { GeodeticLatitude = 62.407, GeodeticLongitude = -145.158 };

        Assert.Equal(SkyEphemeris.At(62.407, -145.158, time), sky.Of(atGakona));
        Assert.Equal(SkyEphemeris.At(56.376, -94.64, time), sky.At("gill", time));
        Assert.Null(sky.At("zzzz", time));
        Assert.Null(sky.At("zzzz", time.AddSeconds(3)));
        Assert.Equal(["zzzz"], reported);
        Assert.Equal("unknown", SiteSky.Tag(null));
    }

    [Fact]
    public void SiteSky_HeaderCoordinatesFarFromTheCatalog_AreUsedAndReportedOncePerSite_NearOnesAreNot()
    {
        var disagreements = new List<(string Site, string Message)>();
        var sky = new SiteSky(new Catalog(new ImagerSite("gill", "Gillam", 56.376, -94.64)), onHeaderDisagrees: (site, message) => disagreements.Add((site, message)));
        var time = new DateTime(2014, 3, 10, 6, 0, 0, DateTimeKind.Utc);
        AllSkyFrame At(double lat, double lon, int index) => new("gill", "themis19", time, 1, 1, new ushort[1], null, new FrameOrigin("f.pgm", index)) { GeodeticLatitude = lat, GeodeticLongitude = lon };

        Assert.Equal(SkyEphemeris.At(56.38, -94.6, time), sky.Of(At(56.38, -94.6, 0)));    // within 1 deg: silent
        Assert.Empty(disagreements);
        Assert.Equal(SkyEphemeris.At(-56.35, -94.64, time), sky.Of(At(-56.35, -94.64, 1)));  // a sign lost: still the header's
        sky.Of(At(-56.35, -94.64, 2));

        var (site, message) = Assert.Single(disagreements);
        Assert.Equal("gill", site);
        Assert.StartsWith("the header of f.pgm frame 1 puts site 'gill' at -56.35, -94.64, 112.7 deg from the catalog's 56.376, -94.64", message, StringComparison.Ordinal);
    }

    [Fact]
    public void SiteSky_HeaderCoordinatesTheReaderCouldNotUse_AreReportedOncePerSite_AndTheCatalogIsUsed()
    {
        var reports = new List<(string Site, string Message)>();
        var sky = new SiteSky(new Catalog(new ImagerSite("gill", "Gillam", 56.376, -94.64)), onHeaderDisagrees: (site, message) => reports.Add((site, message)));
        var time = new DateTime(2014, 3, 10, 6, 0, 0, DateTimeKind.Utc);
        AllSkyFrame Frame(int index, string? problem) => new("gill", "themis19", time, 1, 1, new ushort[1], null, new FrameOrigin("f.pgm", index)) { LocationProblem = problem };

        Assert.Equal(SkyEphemeris.At(56.376, -94.64, time), sky.Of(Frame(0, null)));
        Assert.Empty(reports);
        Assert.Equal(SkyEphemeris.At(56.376, -94.64, time), sky.Of(Frame(1, "header \"Geodetic latitude\" '999.99' is not a latitude (-90 to 90 deg)")));
        sky.Of(Frame(2, "header \"Geodetic latitude\" '999.99' is not a latitude (-90 to 90 deg)"));

        var (site, message) = Assert.Single(reports);
        Assert.Equal("gill", site);
        Assert.Equal("f.pgm frame 1: header \"Geodetic latitude\" '999.99' is not a latitude (-90 to 90 deg); the site catalog's coordinates of 'gill' are used for its sun and moon", message);

        // A site the catalog does not know either: no promise of catalog coordinates (its own warning follows).
        var unknown = new AllSkyFrame("zzzz", "themis99", time, 1, 1, new ushort[1], null, new FrameOrigin("z.pgm", 0)) { LocationProblem = "header \"Geodetic latitude\" 'abc' is not a number" };
        Assert.Null(sky.Of(unknown));
        Assert.Equal(("zzzz", "z.pgm frame 0: header \"Geodetic latitude\" 'abc' is not a number, so its header gives no usable coordinates"), reports[^1]);
    }

    private sealed class Catalog(params ImagerSite[] sites) : ISiteLocator
    {
        public ImagerSite? Locate(string siteCode) => sites.FirstOrDefault(s => s.Code == siteCode.ToLowerInvariant());
    }
}
