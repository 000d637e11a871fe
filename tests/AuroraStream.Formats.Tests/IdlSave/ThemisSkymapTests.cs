using AuroraStream.Formats.IdlSave;
using AuroraStream.TestUtilities;

namespace AuroraStream.Formats.Tests.IdlSave;

public sealed class ThemisSkymapTests
{
    [Theory]
    [InlineData("themis_skymap_gako_20110305-+_vXX.sav")]
    [InlineData("themis_skymap_atha_20230115-+_v02.sav")]
    public void Read_RealSkymap_MatchesScipyReadsav(string name)
    {
        using var doc = ExpectedValues.Document("skymaps.json");
        var e = doc.RootElement.GetProperty(name);

        var s = ThemisSkymap.Read(RepoPaths.Data("themis-asi", "skymap", name));

        Assert.Equal(e.GetProperty("site").GetString(), s.Site);
        Assert.Equal(e.GetProperty("imager").GetString(), s.Imager);
        Assert.Equal(e.GetProperty("validIntervalStart").GetString(), s.ValidFrom.ToString("yyyyMMddHH", System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(e.GetProperty("siteLatitude").GetDouble(), s.SiteLatitude, 5);
        Assert.Equal(e.GetProperty("siteLongitude").GetDouble(), s.SiteLongitude, 5);
        Assert.Equal((256, 256), (s.Width, s.Height));
        Assert.Equal(e.GetProperty("nanCount").GetInt32(), s.FullElevation.Count(float.IsNaN));
        Assert.Equal(e.GetProperty("elevationSum").GetDouble(), s.FullElevation.Where(v => !float.IsNaN(v)).Sum(v => (double)v), 6);
        Assert.Equal(e.GetProperty("azimuthSum").GetDouble(), s.FullAzimuth.Where(v => !float.IsNaN(v)).Sum(v => (double)v), 6);
        Assert.Equal(e.GetProperty("elevationAt_128_128").GetDouble(), s.FullElevation[(128 * 256) + 128], 5);
        Assert.Equal(e.GetProperty("azimuthAt_128_100").GetDouble(), s.FullAzimuth[(128 * 256) + 100], 5);
        Assert.Equal([90000.0, 110000.0, 150000.0], s.MapAltitudesM);
    }

    [Fact]
    public void Read_TruncatedOrBitFlipped_ThrowsInvalidDataOnly()
    {
        var original = File.ReadAllBytes(RepoPaths.Data("themis-asi", "skymap", "themis_skymap_atha_20230115-+_v02.sav"));
        using var temp = new TempFolder();
        var random = new Random(20230115);
        for (var trial = 0; trial < 60; trial++)
        {
            var bytes = trial < 20
                ? original[..(int)(original.Length * (trial + 0.5) / 20)]
                : (byte[])original.Clone();
            if (trial >= 20)
            {
                for (var k = 0; k < 4; k++)
                {
                    var at = random.Next(Math.Min(bytes.Length, 8192));
                    bytes[at] ^= (byte)(1 << random.Next(8));
                }
            }

            var path = temp.Write($"sky{trial}.sav", bytes);
            try
            {
                var s = ThemisSkymap.Read(path);
                Assert.Equal(s.Width * s.Height, s.FullElevation.Count);
            }
            catch (InvalidDataException e)
            {
                Assert.StartsWith(path, e.Message, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void Read_NotAnIdlSaveFile_SaysSo()
    {
        using var temp = new TempFolder();
        var path = temp.Write("x.sav", [1, 2, 3, 4, 5, 6, 7, 8]);

        var e = Assert.Throws<InvalidDataException>(() => ThemisSkymap.Read(path));

        Assert.Contains("not an IDL SAVE file", e.Message, StringComparison.Ordinal);
    }
}
