using System.Text;
using AuroraStream.Formats.Cdf;
using AuroraStream.Formats.Labels;
using AuroraStream.Formats.Oath;
using AuroraStream.Formats.SpaceWeather;
using AuroraStream.Formats.Stream0;
using AuroraStream.TestUtilities;

namespace AuroraStream.Formats.Tests.FieldCases;

/// <summary>
/// Inputs from the field (tests/data/field-cases and small files written here) that the readers
/// refused or read wrongly: leap seconds (B4), cadence from the first two samples (B5), OMNIWeb
/// lists of 1-min and 5-min resolution (B6), CSV quoting and time forms (B7), CDF sparse and
/// virtual records (B8). Only the readers' long-standing public surface is used,
/// so each test also runs against the code before the fix.
/// </summary>
public sealed class FieldCaseTests
{
    private static readonly DateTime LastTickOf2016 = new DateTime(2017, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddTicks(-1);

    private static string FieldCase(params string[] parts) => RepoPaths.Data(["field-cases", .. parts]);

    private static double H(double x, double y) => Math.Sqrt((x * x) + (y * y));

    [Fact]
    public void Iaga2002_LeapSecondRow_IsReadAndSharesTheLastSecondOfTheDay()
    {
        var mag = MagnetometerReader.Read(FieldCase("iaga", "tst20161231dsec.sec"));

        var h = mag.Horizontal;
        Assert.Equal("tst", mag.Station);
        Assert.Equal(TimeSpan.FromSeconds(1), h.Step);
        Assert.Equal(new DateTime(2016, 12, 31, 23, 59, 55, DateTimeKind.Utc), h.Start);
        Assert.Equal(10, h.Count);
        Assert.Equal(10, h.ValidCount);
        Assert.Equal(H(12058, 1000), h.ValueAt(LastTickOf2016.AddSeconds(-1)));

        // 23:59:60 maps to 23:59:59.9999999 (as CDF TT2000 times inside a leap second do): it lands in
        // the 23:59:59 cell, where the later sample wins; 00:00:00 stays the next day's first cell.
        Assert.Equal(H(12060, 1000), h.ValueAt(LastTickOf2016));
        Assert.Equal(H(12100, 1000), h.ValueAt(LastTickOf2016.AddTicks(1)));
        Assert.Equal(H(12104, 1000), h.ValueAt(new DateTime(2017, 1, 1, 0, 0, 4, DateTimeKind.Utc)));
    }

    [Fact]
    public void LabelCsv_LeapSecondTimes_MapToTheLastTickOfTheDay()
    {
        using var temp = new TempFolder();
        var path = temp.Write("labels.csv", Encoding.ASCII.GetBytes("time,site,label\n2016-12-31T23:59:60Z,tst,arc\n2016-12-31 23:59:60.5,tst,clear\n2017-01-01T00:59:60.25+01:00,tst,arc\n"));

        var frames = LabelCsvSource.ReadFile(path).ToList();

        Assert.Equal([LastTickOf2016, LastTickOf2016, LastTickOf2016], frames.Select(f => f.Time));
        Assert.All(frames, f => Assert.Equal(DateTimeKind.Utc, f.Time.Kind));
    }

    [Theory]
    [InlineData("2020-01-01T12:00:60Z")]
    [InlineData("2016-12-30T23:59:60Z")]
    public void LabelCsv_SecondSixtyThatIsNoLeapSecond_IsRefusedNamingTheLine(string time)
    {
        using var temp = new TempFolder();
        var path = temp.Write("labels.csv", Encoding.ASCII.GetBytes($"time,site,label\n2020-01-01T00:00:00Z,gill,arc\n{time},gill,arc\n"));

        var e = Assert.Throws<InvalidDataException>(() => LabelCsvSource.ReadFile(path).ToList());

        Assert.StartsWith(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("line 3", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("87.5")]
    [InlineData("1.5")]
    [InlineData("-0.2")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    public void LabelCsv_ConfidenceThatIsNoProbability_IsRefusedNamingTheLineAndValue(string confidence)
    {
        // A percentage (or any value outside 0..1) would pass every --min-confidence threshold unnoticed.
        using var temp = new TempFolder();
        var path = temp.Write("labels.csv", Encoding.ASCII.GetBytes($"time,site,label,confidence\n2020-01-01T00:00:00Z,gill,arc,0\n2020-01-01T00:00:03Z,gill,arc,1\n2020-01-01T00:00:06Z,gill,arc,{confidence}\n"));

        var e = Assert.Throws<InvalidDataException>(() => LabelCsvSource.ReadFile(path).ToList());

        Assert.StartsWith(path, e.Message, StringComparison.Ordinal);
        Assert.Contains($"line 4 column confidence: '{confidence}' is not a probability (0 to 1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OmniCsv_LeapSecondTimestamp_IsRead()
    {
        using var temp = new TempFolder();
        string Row(string time, double bz) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{time},4.6,-3.3,3.2,{bz},295.3,5.22,24613.0,0.91,-6\n");
        var path = temp.Write("OMNI_HIGH_RES_1min_201612.csv", Encoding.ASCII.GetBytes(
            OmniReader.HighResCsvHeader + "\n" + Row("2016-12-31 23:58:00", -1) + Row("2016-12-31 23:59:00", -2) + Row("2016-12-31 23:59:60", -3)
            + Row("2017-01-01 00:00:00", -4) + Row("2017-01-01 00:01:00", -5)));

        var bz = OmniReader.ReadHighResCsvFile(path)["bz_gsm"]!;

        Assert.Equal(TimeSpan.FromMinutes(1), bz.Step);
        Assert.Equal(-3, bz.ValueAt(LastTickOf2016.AddSeconds(-30)));
        Assert.Equal(-4, bz.ValueAt(LastTickOf2016.AddTicks(1)));
    }

    [Fact]
    public void Stream0_ImageRequestStartInALeapSecond_IsAccepted()
    {
        Assert.True(Stream0PgmReader.TryParseUcalgaryTime("2016-12-31 23:59:60.250000 UTC", out var t));
        Assert.Equal(LastTickOf2016, t);
        Assert.False(Stream0PgmReader.TryParseUcalgaryTime("2016-12-31 23:58:60.250000 UTC", out _));
    }

    [Fact]
    public void Iaga2002_MinutesMissingAtTheStart_KeepTheHeadersOneMinuteCadence()
    {
        var mag = MagnetometerReader.Read(FieldCase("iaga", "gap20141101vmin.min"));

        var h = mag.Horizontal;
        var t0 = new DateTime(2014, 11, 1, 0, 0, 0, DateTimeKind.Utc);
        Assert.Equal(TimeSpan.FromMinutes(1), h.Step);
        Assert.Equal(11, h.Count);
        Assert.Equal(7, h.ValidCount);
        Assert.Equal(12000, h.ValueAt(t0));
        Assert.All(Enumerable.Range(1, 4), m => Assert.True(double.IsNaN(h.ValueAt(t0.AddMinutes(m)))));
        Assert.Equal([12050, 12060, 12070, 12080, 12090, 12100], Enumerable.Range(5, 6).Select(m => h.ValueAt(t0.AddMinutes(m))));
    }

    [Fact]
    public void Iaga2002_NoIntervalHeader_TakesTheMostCommonSpacing()
    {
        using var temp = new TempFolder();
        var text = File.ReadAllText(FieldCase("iaga", "gap20141101vmin.min")).Replace(" Data Interval Type     1-minute                                    |\n", string.Empty, StringComparison.Ordinal);
        var path = temp.Write("gap20141101vmin.min", Encoding.ASCII.GetBytes(text));

        var h = MagnetometerReader.Read(path).Horizontal;

        Assert.Equal(TimeSpan.FromMinutes(1), h.Step);
        Assert.Equal(12060, h.ValueAt(new DateTime(2014, 11, 1, 0, 6, 0, DateTimeKind.Utc)));
    }

    [Fact]
    public void ThemisGmagCdf_SamplesMissingAfterTheFirst_KeepTheMostCommonSpacing()
    {
        // 0.5-s samples with 2.5 s missing after the first: the mean spacing (632 ms) is no cadence.
        var t0 = new DateTime(2014, 3, 10, 6, 0, 0, DateTimeKind.Utc);
        var offsets = new[] { 0.0 }.Concat(Enumerable.Range(0, 19).Select(i => 3.0 + (0.5 * i))).ToArray();
        var bytes = new CdfTestWriter()
            .AddVariable("thg_mag_tst1", CdfTestWriter.Real8, [3], true, [.. offsets.Select((_, i) => (Array)new[] { 12000.0 + i, 5.0, 55000.0 })])
            .AddVariable("thg_mag_tst1_time", CdfTestWriter.Real8, [], true, [.. offsets.Select(s => (Array)new[] { (t0 - DateTime.UnixEpoch).TotalSeconds + s })])
            .Build();
        using var temp = new TempFolder();
        var path = temp.Write("thg_l2_mag_tst1_20140310_v01.cdf", bytes);

        var h = MagnetometerReader.Read(path).Horizontal;

        Assert.Equal(TimeSpan.FromMilliseconds(500), h.Step);
        Assert.Equal(20, h.ValidCount);
        Assert.Equal([12001, 12002, 12003], new[] { 3.0, 3.5, 4.0 }.Select(s => h.ValueAt(t0.AddSeconds(s))));
    }

    [Fact]
    public void OmniCsv_FiveMinuteRows_AreAFiveMinuteSeries()
    {
        using var temp = new TempFolder();
        var path = temp.Write("OMNI_HIGH_RES_5min_202001.csv", Encoding.ASCII.GetBytes(OmniReader.HighResCsvHeader
            + "\n2020-01-01 00:00:00,4.65,-3.3,3.2,-0.7,295.3,5.22,24613.0,0.91,-6\n2020-01-01 00:05:00,4.6,-2.6,2.9,-0.5,,,,,-6\n2020-01-01 00:10:00,4.2,2.0,1.1,0.6,297.7,7.63,30000.0,1.35,-6\n"));

        var bz = OmniReader.ReadHighResCsvFile(path)["bz_gsm"]!;

        Assert.Equal(TimeSpan.FromMinutes(5), bz.Step);
        Assert.Equal(-0.5, bz.ValueAt(new DateTime(2020, 1, 1, 0, 7, 0, DateTimeKind.Utc)));
    }

    [Fact]
    public void OmniWebList_OneMinute_ReadsEveryMinuteAndTheHighResolutionItemNames()
    {
        var omni = OmniWeb("omniweb_1min_20200101");
        var t = new DateTime(2020, 1, 1, 0, 3, 0, DateTimeKind.Utc);

        Assert.Equal(TimeSpan.FromMinutes(1), omni["bz_gsm"]!.Step);
        Assert.Equal(10, omni["bz_gsm"]!.Count);
        Assert.Equal((4.64, -3.31, 3.22, -0.49), (omni["bavg"]!.ValueAt(t), omni["bx_gsm"]!.ValueAt(t), omni["by_gsm"]!.ValueAt(t), omni["bz_gsm"]!.ValueAt(t)));
        Assert.Equal((295.9, 5.41, 23408.0, 0.95), (omni["speed"]!.ValueAt(t), omni["proton_density"]!.ValueAt(t), omni["temperature"]!.ValueAt(t), omni["pdyn"]!.ValueAt(t)));
        Assert.Equal((43.0, -7.0), (omni["ae"]!.ValueAt(t), omni["sym_h"]!.ValueAt(t)));
        Assert.Equal(-0.7, omni["bz_gsm"]!.ValueAt(t.AddMinutes(-3)));
        Assert.True(double.IsNaN(omni["speed"]!.ValueAt(t.AddMinutes(-1))));
        Assert.True(double.IsNaN(omni["bz_gsm"]!.ValueAt(t.AddMinutes(1))) && double.IsNaN(omni["sym_h"]!.ValueAt(t.AddMinutes(1))));
        Assert.Equal(0.08, omni["bz_gsm"]!.ValueAt(t.AddMinutes(6)));
    }

    [Fact]
    public void OmniWebList_FiveMinute_IsAFiveMinuteSeries()
    {
        var omni = OmniWeb("omniweb_5min_20200101");
        var t0 = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);

        Assert.Equal(TimeSpan.FromMinutes(5), omni["bz_gsm"]!.Step);
        Assert.Equal(12, omni["bz_gsm"]!.Count);
        Assert.Equal((0.63, 297.7, 7.63, 1.35), (omni["bz_gsm"]!.ValueAt(t0.AddMinutes(12)), omni["speed"]!.ValueAt(t0.AddMinutes(10)), omni["proton_density"]!.ValueAt(t0.AddMinutes(14)), omni["pdyn"]!.ValueAt(t0.AddMinutes(11))));
        Assert.True(double.IsNaN(omni["speed"]!.ValueAt(t0.AddMinutes(5))));
        Assert.Equal((-65.0, -4.0), (omni["al"]!.ValueAt(t0.AddMinutes(59)), omni["sym_h"]!.ValueAt(t0.AddMinutes(35))));
    }

    [Fact]
    public void OmniWebList_Hourly_IsAnHourlySeriesWithKp()
    {
        var omni = OmniWeb("omniweb_hourly_20200101");
        var t0 = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);

        Assert.Equal(TimeSpan.FromHours(1), omni["bz_gsm"]!.Step);
        Assert.Equal(6, omni["bz_gsm"]!.Count);
        Assert.Equal((-0.8, 302.0, 12.5, 2.29, 3.9), (omni["bz_gsm"]!.ValueAt(t0.AddHours(3.5)), omni["speed"]!.ValueAt(t0.AddHours(3)), omni["proton_density"]!.ValueAt(t0.AddHours(3)), omni["pdyn"]!.ValueAt(t0.AddHours(3)), omni["bavg"]!.ValueAt(t0.AddHours(3))));
        Assert.Equal((0.3, -10.0), (omni["kp"]!.ValueAt(t0.AddHours(2)), omni["dst"]!.ValueAt(t0.AddHours(5))));
    }

    [Fact]
    public void LabelCsv_ByteOrderMarkAndQuotedFields_AreRead()
    {
        var frames = LabelCsvSource.ReadFile(FieldCase("labels", "labels_bom_quoted.csv")).ToList();

        var six = new DateTime(2020, 1, 1, 6, 0, 0, DateTimeKind.Utc);
        Assert.Equal([new Core.LabelledFrame("gill", six, "arc", 0.91), new Core.LabelledFrame("gill", six.AddSeconds(3), "clear", 0.88)], frames);
    }

    [Fact]
    public void LabelCsv_PandasDefaultTimeForm_IsUtc()
    {
        var frames = LabelCsvSource.ReadFile(FieldCase("labels", "labels_pandas_tz.csv")).ToList();

        var six = new DateTime(2020, 1, 1, 6, 0, 0, DateTimeKind.Utc);
        Assert.Equal([six, six.AddSeconds(3)], frames.Select(f => f.Time));
        Assert.Equal(["arc", "clear"], frames.Select(f => f.Label));
    }

    [Fact]
    public void LabelCsv_QuotedCommaLineBreakAndOffset_ReadWholeAndBadRowNamesLineAndColumn()
    {
        using var temp = new TempFolder();
        var path = temp.Write("labels.csv", Encoding.ASCII.GetBytes(
            "time,site,label,confidence,note\n2020-01-01T06:00:00Z,gill,\"arc, faint\",0.9,\"two\nlines, \"\"quoted\"\"\"\n2020-01-01T07:00:03.5+01:00,gill,clear,0.8,x\nnot-a-time,gill,arc,0.7,y\n"));

        var e = Assert.Throws<InvalidDataException>(() => LabelCsvSource.ReadFile(path).ToList());
        var frames = LabelCsvSource.ReadFile(path).Take(2).ToList();

        Assert.Equal(("arc, faint", 0.9), (frames[0].Label, frames[0].Confidence));
        Assert.Equal(new DateTime(2020, 1, 1, 6, 0, 3, 500, DateTimeKind.Utc), frames[1].Time);
        Assert.StartsWith(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("line 5 column time", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LabelCsv_OnlyComments_HasNoLabels()
    {
        using var temp = new TempFolder();
        var path = temp.Write("20191113_snkq_themis_classifications.txt", Encoding.ASCII.GetBytes("# File created on 2023-07-07 11:29:28\n# no frames this night\n\n"));

        Assert.Empty(LabelCsvSource.ReadFile(path));
    }

    [Fact]
    public void LabelCsv_ConfidenceNotANumber_NamesLineAndColumn()
    {
        using var temp = new TempFolder();
        var path = temp.Write("labels.csv", Encoding.ASCII.GetBytes("time,site,label,confidence\n2020-01-01T06:00:00Z,gill,arc,high\n"));

        var e = Assert.Throws<InvalidDataException>(() => LabelCsvSource.ReadFile(path).ToList());

        Assert.Contains("line 2 column confidence", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LabelCsv_UnclosedQuote_IsRefusedNamingTheLine()
    {
        using var temp = new TempFolder();
        var path = temp.Write("labels.csv", Encoding.ASCII.GetBytes("time,site,label\n2020-01-01T06:00:00Z,gill,arc\n2020-01-01T06:00:03Z,\"gill,arc\n" + string.Concat(Enumerable.Repeat("2020-01-01T06:00:06Z,gill,arc\n", 200_000))));

        var e = Assert.Throws<InvalidDataException>(() => LabelCsvSource.ReadFile(path).ToList());

        Assert.StartsWith(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("line 3", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OmniCsv_QuotedWithByteOrderMark_IsRead()
    {
        using var temp = new TempFolder();
        var header = string.Join(',', OmniReader.HighResCsvHeader.Split(',').Select(h => $"\"{h}\""));
        var path = temp.Write("OMNI_HIGH_RES_1min_202001.csv", Encoding.UTF8.GetPreamble().Concat(Encoding.ASCII.GetBytes(
            header + "\r\n\"2020-01-01 00:00:00\",\"4.65\",-3.3,3.2,-0.7,295.3,5.22,24613.0,0.91,-6\r\n\"2020-01-01 00:01:00\",4.67,-3.29,3.23,-0.77,,,,,-6\r\n")).ToArray());

        var omni = OmniReader.ReadHighResCsvFile(path);

        var t0 = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        Assert.Equal((4.65, -0.7, -0.77), (omni["bavg"]!.ValueAt(t0), omni["bz_gsm"]!.ValueAt(t0), omni["bz_gsm"]!.ValueAt(t0.AddMinutes(1))));
        Assert.True(double.IsNaN(omni["speed"]!.ValueAt(t0.AddMinutes(1))));
    }

    [Fact]
    public void KpGfzCsv_QuotedFields_AreRead()
    {
        using var temp = new TempFolder();
        var path = temp.Write("Kp_ap_Ap_SN_F107_since_1932.csv", Encoding.ASCII.GetBytes(
            "\"YYYY\",\"MM\",\"DD\",\"days\",\"days_m\",\"Bsr\",\"dB\",\"Kp1\",\"Kp2\",\"Kp3\",\"Kp4\",\"Kp5\",\"Kp6\",\"Kp7\",\"Kp8\",\"ap1\",\"ap2\",\"ap3\",\"ap4\",\"ap5\",\"ap6\",\"ap7\",\"ap8\",\"Ap\",\"SN\",\"F10.7obs\",\"F10.7adj\",\"D\"\n"
            + "\"2020\",\"1\",\"1\",32142,32142.5,2542,22,0.333,0.000,0.000,0.667,0.667,1.333,1.000,0.667,2,0,0,3,3,5,4,3,2,6,71.8,69.4,2\n"));

        var kp = KpReader.Read(path);

        var t0 = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        Assert.Equal([0.333, 0, 0, 0.667, 0.667, 1.333, 1, 0.667], Enumerable.Range(0, 8).Select(k => kp.ValueAt(t0.AddHours(3 * k))));
    }

    [Fact]
    public void Stations_QuotedNameWithAComma_KeepsItsColumns()
    {
        using var temp = new TempFolder();
        var path = temp.Write("asi_locations.csv", Encoding.ASCII.GetBytes("array,location_code,name,latitude,longitude,filter\nTHEMIS,FSMI,\"Fort Smith, NT\",60.03,-111.93,white light\n"));

        var fsmi = StationCatalog.Read([path]).Find("fsmi")!;

        Assert.Equal(("Fort Smith, NT", 60.03, -111.93), (fsmi.Name, fsmi.Latitude, fsmi.Longitude));
    }

    [Fact]
    public void OathClassifications_QuotedFieldsAfterThePreamble_AreRead()
    {
        using var temp = new TempFolder();
        var path = temp.Write("classifications.csv", Encoding.ASCII.GetBytes(
            "Licence <a href=\"https://creativecommons.org/licenses/by/4.0/\">CC BY 4.0</a>, see \"README\"\n-----\nclass2,class6,picNum,picType,rotAng\n0,2,\"00001\",\"discrete\",334\n1,5,00007,clear,12\n"));

        var entries = OathDataset.ReadClassifications(path);

        Assert.Equal([(1, Core.AuroraClass.Discrete, 334), (7, Core.AuroraClass.Clear, 12)], entries.Select(e => (e.PictureNumber, e.Class, e.RotationDegrees)));
    }

    [Fact]
    public void ThemisGmagCdf_VirtualRecords3To5_AreMissingValuesNotARefusal()
    {
        var mag = MagnetometerReader.Read(FieldCase("cdf", "thg_l2_mag_tst1_20140310_sparse.cdf"));

        var h = mag.Horizontal;
        var t0 = new DateTime(2014, 3, 10, 6, 0, 0, DateTimeKind.Utc);
        Assert.Equal("tst1", mag.Station);
        Assert.Equal((t0, TimeSpan.FromSeconds(1), 10, 7), (h.Start, h.Step, h.Count, h.ValidCount));
        Assert.Equal([12000, 12001, 12002, double.NaN, double.NaN, double.NaN, 12006, 12007, 12008, 12009], Enumerable.Range(0, 10).Select(s => h.ValueAt(t0.AddSeconds(s))));
    }

    [Fact]
    public void CdfFile_SparseFieldCase_YieldsEveryRecordUpToMaxRecWithThePadForVirtualOnes()
    {
        using var cdf = CdfFile.Open(FieldCase("cdf", "thg_l2_mag_tst1_20140310_sparse.cdf"));
        var variable = cdf.GetVariable("thg_mag_tst1");

        var records = cdf.ReadRecords<double>(variable).ToList();

        Assert.Equal(Enumerable.Range(0, 10), records.Select(r => r.Number));
        Assert.Equal([12002.0, 10, 55000], records[2].Values);
        Assert.All(records.Skip(3).Take(3), r => Assert.All(r.Values, v => Assert.True(double.IsNaN(v))));
        Assert.Equal([12006.0, 10, 55000], records[6].Values);
        Assert.Equal(30, cdf.ReadAllAsDoubles(variable).Length);
    }

    [Fact]
    public void CdfFile_PreviousSparseRecords_RepeatTheLastStoredRecord()
    {
        var bytes = new CdfTestWriter { LittleEndian = true }
            .AddSparseVariable("status", CdfTestWriter.Real8, [2], [new[] { 1.0, 2.0 }, null, null, new[] { 3.0, 4.0 }, null], sparse: 2)
            .Build();
        using var cdf = CdfFile.Open(new MemoryStream(bytes), "previous.cdf");
        var variable = cdf.GetVariable("status");

        var all = cdf.ReadRecords<double>(variable).Select(r => r.Values).ToList();
        var fromTwo = cdf.ReadRecords<double>(variable, firstRecord: 2).ToList();

        Assert.Equal(new[] { new[] { 1.0, 2.0 }, [1.0, 2.0], [1.0, 2.0], [3.0, 4.0], [3.0, 4.0] }, all);
        Assert.Equal(2, fromTwo[0].Number);
        Assert.Equal([1.0, 2.0], fromTwo[0].Values);
        Assert.Equal([1.0, 2.0, 1.0, 2.0, 1.0, 2.0, 3.0, 4.0, 3.0, 4.0], cdf.ReadAllAsDoubles(variable));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void CdfFile_PadSparseRecords_ReadAsThePadValue(bool gzip)
    {
        var bytes = new CdfTestWriter { Gzip = gzip }
            .AddSparseVariable("counts", CdfTestWriter.Uint2, [3], [new ushort[] { 1, 2, 3 }, null, new ushort[] { 4, 5, 6 }], sparse: 1, padValue: new ushort[] { 7 })
            .Build();
        using var cdf = CdfFile.Open(new MemoryStream(bytes), "pad.cdf");

        var records = cdf.ReadRecords<ushort>(cdf.GetVariable("counts")).Select(r => r.Values).ToList();

        Assert.Equal(new[] { new ushort[] { 1, 2, 3 }, [7, 7, 7], [4, 5, 6] }, records);
    }

    [Fact]
    public void CdfFile_RecordsUpToMaxRecAfterTheLastBlock_ReadAsTheTypesDefaultPad()
    {
        var bytes = new CdfTestWriter()
            .AddSparseVariable("h", CdfTestWriter.Real8, [], [new[] { 1.0 }, new[] { 2.0 }], sparse: 0, maxRecord: 3)
            .Build();
        using var cdf = CdfFile.Open(new MemoryStream(bytes), "maxrec.cdf");
        var variable = cdf.GetVariable("h");

        var records = cdf.ReadRecords<double>(variable).Select(r => r.Values[0]).ToList();

        Assert.Equal([1.0, 2.0, -1.0e30, -1.0e30], records);
        Assert.Equal([1.0, 2.0, double.NaN, double.NaN], cdf.ReadAllAsDoubles(variable));
    }

    [Fact]
    public void ThemisL1Asi_SparseImageRecord_IsNoFrame()
    {
        var t0 = new DateTime(2014, 3, 10, 6, 0, 0, DateTimeKind.Utc);
        var bytes = new CdfTestWriter()
            .AddSparseVariable("thg_asf_tst1", CdfTestWriter.Uint2, [2, 2], [new ushort[] { 1, 2, 3, 4 }, null, new ushort[] { 5, 6, 7, 8 }], sparse: 1)
            .AddVariable("thg_asf_tst1_time", CdfTestWriter.Real8, [], true, [.. Enumerable.Range(0, 3).Select(i => (Array)new[] { (t0 - DateTime.UnixEpoch).TotalSeconds + (3 * i) })])
            .Build();
        using var cdf = CdfFile.Open(new MemoryStream(bytes), "thg_l1_asf_tst1_2014031006_v01.cdf");

        var frames = Formats.Themis.ThemisL1AsiReader.Read(cdf).ToList();

        Assert.Equal([t0, t0.AddSeconds(6)], frames.Select(f => f.CaptureTime));
        Assert.Equal(new ushort[] { 5, 6, 7, 8 }, frames[1].Pixels.ToArray());
    }

    private static SeriesSet OmniWeb(string name) =>
        OmniReader.ReadOmniWebList(RepoPaths.Data("omni", "omniweb", name + ".lst"), RepoPaths.Data("omni", "omniweb", name + ".fmt"));
}
