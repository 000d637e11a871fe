using System.Text;
using AuroraStream.Formats.Labels;
using AuroraStream.Formats.SpaceWeather;
using AuroraStream.TestUtilities;

namespace AuroraStream.Formats.Tests.SpaceWeather;

public sealed class SpaceWeatherReaderTests
{
    private static readonly DateTime Jan1 = new(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void OmniCsv_RealMonth_ReadsValuesAndTurnsEmptyFieldsIntoMissing()
    {
        var omni = OmniReader.ReadHighResCsvFile(RepoPaths.Data("omni", "OMNI_HIGH_RES_1min_202001.csv"));

        var bz = omni["bz_gsm"]!;
        Assert.Equal(TimeSpan.FromMinutes(1), bz.Step);
        Assert.Equal(31 * 1440, bz.Count);
        Assert.Equal(-0.7, bz.ValueAt(Jan1));
        Assert.Equal(-0.77, bz.ValueAt(Jan1.AddMinutes(1).AddSeconds(59)));
        Assert.Equal(295.3, omni["speed"]!.ValueAt(Jan1));
        Assert.True(double.IsNaN(omni["speed"]!.ValueAt(Jan1.AddMinutes(2))));
        Assert.Equal(-6, omni["sym_h"]!.ValueAt(Jan1));
        Assert.Equal(31 * 1440 - 12087, omni["speed"]!.ValidCount);
        Assert.True(double.IsNaN(bz.ValueAt(Jan1.AddMinutes(-1))));
    }

    [Fact]
    public void OmniCsv_WrongHeader_IsRefusedWithTheExpectedHeader()
    {
        using var temp = new TempFolder();
        var path = temp.Write("x.csv", Encoding.ASCII.GetBytes("time,bz\n2020-01-01 00:00:00,1\n"));

        var e = Assert.Throws<InvalidDataException>(() => OmniReader.ReadHighResCsvFile(path));

        Assert.Contains(OmniReader.HighResCsvHeader, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OmniWebList_WithFmt_MapsColumnsByDescriptionAndDropsFills()
    {
        var omni = OmniReader.ReadOmniWebList(RepoPaths.Data("omni", "omni2_hourly_2010.lst"), RepoPaths.Data("omni", "omni2_hourly_2010.fmt.txt"));
        var t0 = new DateTime(2010, 1, 1, 0, 0, 0, DateTimeKind.Utc);

        Assert.Equal(8760, omni["bz_gsm"]!.Count);
        Assert.Equal(TimeSpan.FromHours(1), omni["bz_gsm"]!.Step);
        Assert.Equal((3.0, 2.5, 1.6, 283.0, 3.7, 0.51), (omni["bavg"]!.ValueAt(t0), omni["by_gsm"]!.ValueAt(t0), omni["bz_gsm"]!.ValueAt(t0), omni["speed"]!.ValueAt(t0), omni["proton_density"]!.ValueAt(t0), omni["pdyn"]!.ValueAt(t0)));
        Assert.Equal((5.0, 4.0, -2.0, 2.0, 0.0), (omni["dst"]!.ValueAt(t0), omni["ae"]!.ValueAt(t0), omni["al"]!.ValueAt(t0), omni["au"]!.ValueAt(t0), omni["kp"]!.ValueAt(t0)));
        Assert.Equal(7.7, omni["kp"]!.Values.ToArray().Where(v => !double.IsNaN(v)).Max(), 9);
        Assert.True(omni["speed"]!.ValidCount < 8760);
        Assert.DoesNotContain(omni["speed"]!.Values.ToArray(), v => v >= 9999);
    }

    [Fact]
    public void Omni2Dat_DocumentedColumns_ReadByPosition()
    {
        // 55 columns of omni2.text; hour 1 has fill speed (9999.) and fill Bz GSM (999.9).
        static string Line(int hour, string bz, string v) =>
            $"2010   1 {hour,2} 2407 51 52  59  37   3.0   3.0  17.4  89.8   0.0   2.8   0.9   2.5 {bz}   0.0   0.7   0.2   0.2   0.6   36035.   3.7 {v}   1.9  -2.2 0.010    0.51   2627.   0.2    1.   0.4   0.6 0.001 -0.45   2.81   9.1  3 18     5   4 999999.99 99999.99 99999.99 99999.99 99999.99 99999.99  0   7  72.7  0.2    -2     2  4.9";
        using var temp = new TempFolder();
        var path = temp.Write("omni2_2010.dat", Encoding.ASCII.GetBytes($"{Line(0, "  1.6", " 283.")}\n{Line(1, "999.9", "9999.")}\n"));
        var t0 = new DateTime(2010, 1, 1, 0, 0, 0, DateTimeKind.Utc);

        var omni = OmniReader.ReadOmni2Hourly(path);

        Assert.Equal((3.0, 1.6, 283.0, 3.7, 0.51), (omni["bavg"]!.ValueAt(t0), omni["bz_gsm"]!.ValueAt(t0), omni["speed"]!.ValueAt(t0), omni["proton_density"]!.ValueAt(t0), omni["pdyn"]!.ValueAt(t0)));
        Assert.Equal((0.3, 5.0, 4.0, -2.0, 2.0), (omni["kp"]!.ValueAt(t0), omni["dst"]!.ValueAt(t0), omni["ae"]!.ValueAt(t0), omni["al"]!.ValueAt(t0), omni["au"]!.ValueAt(t0)));
        Assert.True(double.IsNaN(omni["bz_gsm"]!.ValueAt(t0.AddHours(1))) && double.IsNaN(omni["speed"]!.ValueAt(t0.AddHours(1))));
    }

    [Fact]
    public void KpGfzText_CommentedForm_IsRead()
    {
        using var temp = new TempFolder();
        var path = temp.Write("Kp_ap_Ap_SN_F107_since_1932.txt", Encoding.ASCII.GetBytes(
            "#PURPOSE: This file distributes the geomagnetic planetary three-hour index Kp\n#YYY MM DD ...\n2020 01 01 32142 32142.5 2542 22 0.333 0.000 0.000 0.667 0.667 1.333 1.000 0.667    2    0    0    3    3    5    4    3    2   6  71.8  69.4 2\n2020 01 02 32143 32143.5 2542 23 -1.000 0.000 0.000 0.667 0.667 1.333 1.000 0.667    2    0    0    3    3    5    4    3    2   6  71.8  69.4 2\n"));

        var kp = KpReader.Read(path);

        Assert.Equal(0.333, kp.ValueAt(Jan1.AddMinutes(90)));
        Assert.Equal(1.333, kp.ValueAt(Jan1.AddHours(16)));
        Assert.True(double.IsNaN(kp.ValueAt(Jan1.AddDays(1))));
        Assert.Equal(16, kp.Count);
    }

    [Theory]
    [InlineData("F6.1", 999.9)]
    [InlineData("F6.0", 9999)]
    [InlineData("F9.0", 9999999)]
    [InlineData("F6.2", 99.99)]
    [InlineData("F8.2", 9999.99)]
    [InlineData("I3", 99)]
    [InlineData("I6", 99999)]
    public void FillFor_FortranFormat_IsTheLargestAllNines(string format, double fill) =>
        Assert.Equal(fill, OmniReader.FillFor(format), 9);

    [Fact]
    public void OmniHighResAscii_DocumentedLayout_ReadsColumnsAndFills()
    {
        using var temp = new TempFolder();
        string Line(int minute, string bz, string speed) =>
            $"2020   1  0 {minute,2} 71 71   10   10  100    2700      10 99.99       0     4.65    -3.30     3.20    -0.50     3.00    {bz}     0.10     0.20    {speed}  -295.0     1.0     2.0    5.22  24613.   0.91   0.21  2.50  10.0   220.00    10.00    20.00    13.00     1.00     2.00     50    -30     20      1     -6     10     15   0.50   5.0";
        var path = temp.Write("omni_min202001.asc", Encoding.ASCII.GetBytes($"{Line(0, "-0.70", "295.3")}\n{Line(1, "9999.99", "99999.9")}\n"));

        var omni = OmniReader.ReadHighResAscii(path);

        Assert.Equal(-0.7, omni["bz_gsm"]!.ValueAt(Jan1));
        Assert.Equal(295.3, omni["speed"]!.ValueAt(Jan1));
        Assert.Equal(50, omni["ae"]!.ValueAt(Jan1));
        Assert.Equal(-6, omni["sym_h"]!.ValueAt(Jan1));
        Assert.True(double.IsNaN(omni["bz_gsm"]!.ValueAt(Jan1.AddMinutes(1))));
        Assert.True(double.IsNaN(omni["speed"]!.ValueAt(Jan1.AddMinutes(1))));
    }

    [Fact]
    public void Kp_GfzAndCelesTrak_AgreeToTheirPrecision()
    {
        var gfz = KpReader.Read(RepoPaths.Data("indices", "Kp_ap_Ap_SN_F107_since_1932.csv"));
        var celestrak = KpReader.Read(RepoPaths.Data("indices", "celestrak_SW-All.txt"));

        Assert.Equal(TimeSpan.FromHours(3), gfz.Step);
        Assert.Equal(new DateTime(1932, 1, 1, 0, 0, 0, DateTimeKind.Utc), gfz.Start);
        Assert.Equal(new double[] { 0.333, 0, 0, 0.667, 0.667, 1.333, 1, 0.667 }, Enumerable.Range(0, 8).Select(k => gfz.ValueAt(Jan1.AddHours(3 * k))));
        Assert.Equal(new double[] { 0.3, 0, 0, 0.7, 0.7, 1.3, 1.0, 0.7 }, Enumerable.Range(0, 8).Select(k => celestrak.ValueAt(Jan1.AddHours(3 * k))));
        Assert.Equal(4.3, celestrak.ValueAt(new DateTime(1957, 10, 1, 0, 0, 0, DateTimeKind.Utc)));
        for (var day = 0; day < 366; day += 7)
        {
            var t = Jan1.AddDays(day).AddHours(13);
            Assert.InRange(Math.Abs(gfz.ValueAt(t) - celestrak.ValueAt(t)), 0, 0.04);
        }
    }

    [Fact]
    public void KyotoWdc_AeAndSymRecords_ReadMinuteValuesAndMissing()
    {
        static string Values(Func<int, int> value) => string.Concat(Enumerable.Range(0, 60).Select(m => value(m).ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(6))) + "    99";
        var ae = "AEALAOAU    200101E05AE PRVAE/E02 " + Values(m => m == 7 ? 99999 : 100 + m);
        var al = "AEALAOAU    200101L05AL PRVAE/E02 " + Values(m => -m);
        var sym = "ASYSYM N6E01200101H05SYMWDCC2KYOTO" + Values(m => -20 - m);
        using var temp = new TempFolder();
        var path = temp.Write("kyoto.txt", Encoding.ASCII.GetBytes($"{ae}\n{al}\n{sym}\n"));

        var set = KyotoWdcReader.Read([path]);
        var t = Jan1.AddHours(5);

        Assert.Equal(100, set["ae"]!.ValueAt(t));
        Assert.Equal(159, set["ae"]!.ValueAt(t.AddMinutes(59)));
        Assert.True(double.IsNaN(set["ae"]!.ValueAt(t.AddMinutes(7))));
        Assert.Equal(-3, set["al"]!.ValueAt(t.AddMinutes(3)));
        Assert.Equal(-25, set["sym_h"]!.ValueAt(t.AddMinutes(5)));
    }

    [Fact]
    public void KyotoWdc_OtherText_IsRefused()
    {
        using var temp = new TempFolder();
        var path = temp.Write("x.txt", Encoding.ASCII.GetBytes("DST2001*01  X219   0  -6 -10\n"));

        var e = Assert.Throws<InvalidDataException>(() => KyotoWdcReader.Read([path]));

        Assert.Contains("not a Kyoto WDC AE or ASY/SYM record", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Iaga2002_RealBoulderDay_ReadsH()
    {
        var mag = MagnetometerReader.Read(RepoPaths.Data("magnetometer", "bou20141101vmin.min"));

        Assert.Equal("bou", mag.Station);
        Assert.Equal(TimeSpan.FromMinutes(1), mag.Horizontal.Step);
        Assert.Equal(1440, mag.Horizontal.Count);
        Assert.Equal(20873.75, mag.Horizontal.ValueAt(new DateTime(2014, 11, 1, 0, 0, 0, DateTimeKind.Utc)));
        Assert.Equal(20876.76, mag.Horizontal.ValueAt(new DateTime(2014, 11, 1, 0, 15, 0, DateTimeKind.Utc)));
    }

    [Fact]
    public void ThemisGmagCdf_WrittenFile_IsReadThroughTheCdfReaderAndAveragedToMinutes()
    {
        var t0 = new DateTime(2020, 2, 18, 6, 0, 0, DateTimeKind.Utc);
        var times = Enumerable.Range(0, 240).Select(i => (Array)new[] { (t0.AddSeconds(i * 0.5) - DateTime.UnixEpoch).TotalSeconds }).ToArray();
        var hdz = Enumerable.Range(0, 240).Select(i => (Array)new[] { 12000.0 + (i < 120 ? 0 : 10), 5.0, 55000.0 }).ToArray();
        var bytes = new CdfTestWriter()
            .AddVariable("thg_mag_gill", CdfTestWriter.Real8, [3], true, hdz)
            .AddVariable("thg_mag_gill_time", CdfTestWriter.Real8, [], true, times)
            .Build();
        using var temp = new TempFolder();
        var path = temp.Write("thg_l2_mag_gill_20200218_v01.cdf", bytes);

        var mag = MagnetometerReader.Read(path);
        var minutes = mag.ToMinutes();

        Assert.Equal("gill", mag.Station);
        Assert.Equal(TimeSpan.FromMilliseconds(500), mag.Horizontal.Step);
        Assert.Equal(12000, minutes.Horizontal.ValueAt(t0));
        Assert.Equal(12010, minutes.Horizontal.ValueAt(t0.AddMinutes(1)));
    }

    [Fact]
    public void Stations_CgmTable_GivesMagneticLocalTime()
    {
        var catalog = StationCatalog.Read([RepoPaths.Data("stations", "gmag_station_cgm_2020.txt"), RepoPaths.Data("stations", "asi_locations.csv")]);

        var gill = catalog.Find("GILL")!;
        Assert.Equal(65.299, gill.CgmLatitude, 3);
        Assert.Equal(6.89568, gill.MagneticMidnightUt, 5);
        Assert.Equal(0, gill.MagneticLocalTime(new DateTime(2020, 1, 1, 6, 53, 44, 448, DateTimeKind.Utc)), 3);
        Assert.Equal(24 - 6.89568 + 1, gill.MagneticLocalTime(new DateTime(2020, 1, 1, 1, 0, 0, DateTimeKind.Utc)), 6);
        Assert.NotNull(catalog.Find("fsmi"));
    }

    [Fact]
    public void LabelCsv_TroyerAndGenericForms_AreRead()
    {
        using var temp = new TempFolder();
        var troyer = temp.Write("20200218_gill_themis_classifications.txt", Encoding.ASCII.GetBytes("# comment\n\ndate,time,prediction,prediction_str,confidence\n20200218,00:52:00,0,bad_viewing,0.7492748\n20200218,00:52:03,2,Pulsating,0.5\n"));
        var generic = temp.Write("labels.csv", Encoding.ASCII.GetBytes("time,site,label\n2020-02-18T00:52:00.063119Z,RANK,arc\n"));

        var a = LabelCsvSource.ReadFile(troyer).ToList();
        var b = LabelCsvSource.ReadFile(generic).Single();

        Assert.Equal(new Core.LabelledFrame("gill", new DateTime(2020, 2, 18, 0, 52, 0, DateTimeKind.Utc), "bad_viewing", 0.7492748), a[0]);
        Assert.Equal("pulsating", a[1].Label);
        Assert.Equal(("rank", "arc", 631190L), (b.Site, b.Label, b.Time.Ticks % TimeSpan.TicksPerSecond));
    }

    [Fact]
    public void LabelCsv_BadTime_NamesFileAndLine()
    {
        using var temp = new TempFolder();
        var path = temp.Write("labels.csv", Encoding.ASCII.GetBytes("time,site,label\nnot-a-time,gill,arc\n"));

        var e = Assert.Throws<InvalidDataException>(() => LabelCsvSource.ReadFile(path).ToList());

        Assert.Contains("line 2", e.Message, StringComparison.Ordinal);
        Assert.StartsWith(path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LabelCsv_SeveralBadRows_AreNamedTogether_UpToTen_AndNoRowAfterTheFirstBadOneIsYielded()
    {
        using var temp = new TempFolder();
        var rows = new StringBuilder("time,site,label\n2020-01-01T00:00:00Z,gill,arc\n");
        for (var i = 0; i < 12; i++)
        {
            rows.Append(i % 2 == 0 ? "yesterday,gill,arc\n" : "2020-01-01T00:00:03Z,gill,\n");
        }

        rows.Append("2020-01-01T00:00:06Z,gill,clear\n");
        var path = temp.Write("labels.csv", Encoding.ASCII.GetBytes(rows.ToString()));
        var read = new List<Core.LabelledFrame>();

        var e = Assert.Throws<InvalidDataException>(() => read.AddRange(LabelCsvSource.ReadFile(path)));

        Assert.Single(read);
        Assert.StartsWith($"12 bad rows in {path}, the first 10: {path}: line 3 column time: 'yesterday' is not a time", e.Message, StringComparison.Ordinal);
        Assert.Contains($"{path}: line 4 column label: empty label", e.Message, StringComparison.Ordinal);
        Assert.Contains("line 12", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("line 13", e.Message, StringComparison.Ordinal);
    }
}
