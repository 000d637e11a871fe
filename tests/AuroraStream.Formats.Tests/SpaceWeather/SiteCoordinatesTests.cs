using System.Text;
using AuroraStream.Formats.Labels;
using AuroraStream.Formats.SpaceWeather;
using AuroraStream.Formats.Stream0;
using AuroraStream.Formats.Themis;
using AuroraStream.TestUtilities;
using AuroraStream.Core.Sky;

namespace AuroraStream.Formats.Tests.SpaceWeather;

public sealed class SiteCoordinatesTests
{
    [Fact]
    public void AsiLocations_BuiltIn_IsTheTestDataTableByteForByte()
    {
        // The embedded copy (src/AuroraStream.Formats/Stations) must not drift from tests/data/stations.
        Assert.Equal(
            File.ReadAllBytes(RepoPaths.Data("stations", "asi_locations.csv")),
            File.ReadAllBytes(Path.Combine(RepoPaths.Root, "src", "AuroraStream.Formats", "Stations", "asi_locations.csv")));
    }

    [Theory]
    [InlineData("gako", 62.407, -145.158)]
    [InlineData("GILL", 56.376, -94.64)]
    [InlineData("fykn", 66.56, -145.214)]
    public void AsiLocations_Locate_GivesTheSitesGeodeticCoordinates(string code, double lat, double lon)
    {
        var site = StationCatalog.AsiLocations.Locate(code);

        Assert.NotNull(site);
        Assert.Equal((lat, lon), (site.GeodeticLatitude, site.GeodeticLongitude));
    }

    [Fact]
    public void AsiLocations_UnknownCode_IsNull() => Assert.Null(StationCatalog.AsiLocations.Locate("zzzz"));

    [Fact]
    public void Then_FirstCatalogWins_TheFallbackAddsMissingCodes()
    {
        var gmag = StationCatalog.Read([RepoPaths.Data("stations", "gmag_station_cgm_2014.txt")]);

        var both = gmag.Then(StationCatalog.AsiLocations);

        Assert.Equal(gmag.Find("gill")!.Latitude, both.Locate("gill")!.GeodeticLatitude);
        Assert.NotNull(both.Locate("gako"));
    }

    [Fact]
    public void Stream0_HeaderGeodeticLatitudeAndLongitude_AreOnEveryFrame()
    {
        // The Gillam fixture's header: "Geodetic latitude" 56.3539, "Geodetic Longitude" -94.6557 (note the case).
        var frames = Stream0PgmReader.ReadFile(RepoPaths.Stream0Gz).ToList();

        Assert.All(frames, f => Assert.Equal((56.3539, -94.6557), (f.GeodeticLatitude!.Value, f.GeodeticLongitude!.Value)));
    }

    [Theory]
    [InlineData("\"Geodetic latitude\" 56.3539", "\"Geodetic latitude\" 999.999", "header \"Geodetic latitude\" '999.999' is not a latitude (-90 to 90 deg)")]
    [InlineData("\"Geodetic latitude\" 56.3539", "\"Geodetic latitude\" n/a    ", "header \"Geodetic latitude\" 'n/a' is not a number")]
    [InlineData("\"Geodetic Longitude\" -94.6557", "\"Geodetic Longitude\" -594.655", "header \"Geodetic Longitude\" '-594.655' is not a longitude (-180 to 360 deg)")]
    [InlineData("\"Geodetic Longitude\" -94.6557", "\"Geodetic Altitudes\" -94.6557", "the header has a \"Geodetic latitude\" but no \"Geodetic longitude\"")]
    public void Stream0_HeaderCoordinatesThatCannotBeUsed_AreDroppedAndTheFrameSaysWhy(string from, string to, string problem)
    {
        // The same header line, same length, made unusable: the catalog is used and the frame says why.
        using var temp = new TempFolder();
        var text = Encoding.Latin1.GetString(File.ReadAllBytes(RepoPaths.Stream0Plain));
        Assert.Equal(from.Length, to.Length);
        Assert.Contains(from, text, StringComparison.Ordinal);
        var path = temp.Write("20140310_0605_gill_themis19_full.pgm", Encoding.Latin1.GetBytes(text.Replace(from, to, StringComparison.Ordinal)));

        var frame = Stream0PgmReader.ReadFile(path).First();

        Assert.Null(frame.GeodeticLatitude);
        Assert.Null(frame.GeodeticLongitude);
        Assert.Equal(problem, frame.LocationProblem);
        Assert.Null(Stream0PgmReader.ReadFile(RepoPaths.Stream0Plain).First().LocationProblem);
    }

    [Fact]
    public void Stream0_BothHeaderCoordinatesUnusable_TheFrameNamesBoth()
    {
        using var temp = new TempFolder();
        var text = Encoding.Latin1.GetString(File.ReadAllBytes(RepoPaths.Stream0Plain))
            .Replace("\"Geodetic latitude\" 56.3539", "\"Geodetic latitude\" 999.999", StringComparison.Ordinal)
            .Replace("\"Geodetic Longitude\" -94.6557", "\"Geodetic Longitude\" n/a     ", StringComparison.Ordinal);
        var path = temp.Write("20140310_0605_gill_themis19_full.pgm", Encoding.Latin1.GetBytes(text));

        var frame = Stream0PgmReader.ReadFile(path).First();

        Assert.Null(frame.GeodeticLatitude);
        Assert.Equal("header \"Geodetic latitude\" '999.999' is not a latitude (-90 to 90 deg); header \"Geodetic Longitude\" 'n/a' is not a number", frame.LocationProblem);
    }

    [Fact]
    public void ThemisL1_HasNoCoordinates_SoTheCatalogIsUsed()
    {
        Assert.All(ThemisL1AsiReader.ReadFile(RepoPaths.L1AsfCdf).Take(3), f => Assert.Null(f.GeodeticLatitude));
    }

    [Fact]
    public void LabelCsv_SkyColumn_IsReadAndUnknownIsNoSky()
    {
        using var temp = new TempFolder();
        var path = temp.Write("labels.csv", Encoding.ASCII.GetBytes("time,site,label,confidence,sky\n2020-01-01T00:00:00Z,gill,arc,0.9,dark\n2020-01-01T00:00:03Z,gill,uncertain,0.5,twilight\n2020-01-01T00:00:06Z,zzzz,arc,0.9,unknown\n"));

        var frames = LabelCsvSource.ReadFile(path).ToList();

        Assert.Equal([SkyState.Dark, SkyState.Twilight, null], frames.Select(f => f.Sky));
        Assert.Equal("uncertain", frames[1].Label);
    }
}
