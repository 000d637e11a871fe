using System.Globalization;
using System.Text;
using AuroraStream.Cli;
using AuroraStream.TestUtilities;
using static AuroraStream.Cli.Tests.Commands.CliRunner;

namespace AuroraStream.Cli.Tests.Commands;

public sealed class AnalyzeCommandTests
{
    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G'];

    /// <summary>A day of 3-s labels at two sites: arc when OMNI Bz (from the real January 2020 file) is below 0, else clear.</summary>
    private static string WriteLabels(TempFolder temp)
    {
        var omni = File.ReadAllLines(RepoPaths.Data("omni", "OMNI_HIGH_RES_1min_202001.csv")).Skip(1).Take(1440).Select(l => l.Split(','));
        var csv = new StringBuilder("time,site,label,confidence\n");
        foreach (var row in omni)
        {
            var time = DateTime.ParseExact(row[0], "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
            var label = double.TryParse(row[4], CultureInfo.InvariantCulture, out var bz) && bz < 0 ? "arc" : "clear";
            foreach (var site in new[] { "gill", "rank" })
            {
                for (var s = 0; s < 60; s += 3)
                {
                    csv.Append(CultureInfo.InvariantCulture, $"{time.AddSeconds(s):yyyy-MM-dd'T'HH:mm:ss'Z'},{site},{label},0.9\n");
                }
            }
        }

        return temp.Write("labels.csv", Encoding.ASCII.GetBytes(csv.ToString()));
    }

    [Fact]
    public async Task Occurrence_RealOmniAndKp_WritesTidyCsvPlotsAndReport()
    {
        using var temp = new TempFolder();
        var labels = WriteLabels(temp);
        var outDir = temp.File("out");

        var (code, output, error) = await RunAsync("analyze", "occurrence", "--labels", labels, "--omni", RepoPaths.Data("omni", "OMNI_HIGH_RES_1min_202001.csv"),
            "--kp", RepoPaths.Data("indices", "Kp_ap_Ap_SN_F107_since_1932.csv"), "--stations", RepoPaths.Data("stations", "gmag_station_cgm_2020.txt"), "--out", outDir, "--sites", "gill", "--include-twilight");

        Assert.True(code == 0, error);
        Assert.Contains("occurrence: 28,800 labelled frames", output, StringComparison.Ordinal);
        var csv = File.ReadAllLines(Path.Combine(outDir, "occurrence.csv"));
        Assert.Equal("parameter,bin_low,bin_high,label,n_label,n_valid,rate,ci_low,ci_high", csv[0]);

        // The labels follow the sign of Bz, so every valid frame in a southward bin is an arc.
        var southArc = csv.Single(l => l.StartsWith("bz,-4,-2,arc,", StringComparison.Ordinal)).Split(',');
        Assert.Equal(southArc[4], southArc[5]);
        Assert.Equal("1", southArc[6]);
        var northArc = csv.Single(l => l.StartsWith("bz,2,4,arc,", StringComparison.Ordinal)).Split(',');
        Assert.Equal("0", northArc[4]);
        foreach (var png in new[] { "occurrence_bz.png", "occurrence_kp.png", "occurrence_mlt.png", "heatmap_mlt_bz_arc.png" })
        {
            Assert.Equal(PngSignature, File.ReadAllBytes(Path.Combine(outDir, png))[..4]);
        }

        var report = File.ReadAllText(Path.Combine(outDir, "occurrence.md"));
        Assert.Contains("![Occurrence vs IMF Bz GSM (nT)](occurrence_bz.png)", report, StringComparison.Ordinal);
        Assert.Contains("- Frames read: 28,800\n", report, StringComparison.Ordinal);
        Assert.Contains("- Kept after the dark-sky exclusion: 28,800 (none left out: --include-twilight)\n", report, StringComparison.Ordinal);
        Assert.Contains("- Analysed, after leaving out 0 labelled uncertain: 28,800 at 1 site(s): gill 28,800\n", report, StringComparison.Ordinal);
        Assert.DoesNotContain("note:", error, StringComparison.Ordinal);
        Assert.Contains("- Sites: gill", report, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GeoEffect_RealMagnetometer_WritesDistributionsAndBoxPlots()
    {
        using var temp = new TempFolder();
        var csv = new StringBuilder("time,site,label\n");
        for (var m = 0; m < 1440; m++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"2014-11-01T{m / 60:D2}:{m % 60:D2}:30Z,bou,{(m / 60 < 12 ? "diffuse" : "clear")}\n");
        }

        var labels = temp.Write("labels.csv", Encoding.ASCII.GetBytes(csv.ToString()));
        var outDir = temp.File("geo");

        var (code, output, error) = await RunAsync("analyze", "geoeffect", "--labels", labels, "--mag", RepoPaths.Data("magnetometer"), "--out", outDir, "--include-twilight");

        Assert.True(code == 0, error);
        Assert.Contains("1,440 labelled frames, 1,440 joined", output, StringComparison.Ordinal);
        Assert.DoesNotContain("joined to a magnetometer", error, StringComparison.Ordinal);
        var rows = File.ReadAllLines(Path.Combine(outDir, "geoeffect.csv"));
        Assert.Equal("label,quantity,n,q1,median,q3,p90,min,max", rows[0]);
        Assert.Contains(rows, r => r.StartsWith("diffuse,dbdt,719,", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.StartsWith("clear,delta_h,720,", StringComparison.Ordinal));
        Assert.Equal(PngSignature, File.ReadAllBytes(Path.Combine(outDir, "geoeffect_dbdt.png"))[..4]);
        var report = File.ReadAllText(Path.Combine(outDir, "geoeffect.md"));
        Assert.Contains("![|dB/dt| of H (nT/min) by label](geoeffect_dbdt.png)", report, StringComparison.Ordinal);
        Assert.Contains("- Labelled frames read: 1,440\n", report, StringComparison.Ordinal);
        Assert.Contains("- Kept after the dark-sky exclusion: 1,440 (none left out: --include-twilight)\n", report, StringComparison.Ordinal);
        Assert.Contains("- Analysed, after leaving out 0 labelled uncertain: 1,440\n", report, StringComparison.Ordinal);
    }

    /// <summary>An hour of 1-min labels at Gillam, 2014-11-01 06 UT (arc, then clear), where no OMNI file here has data.</summary>
    private static string WriteHourOfLabels(TempFolder temp)
    {
        var csv = new StringBuilder("time,site,label\n");
        for (var m = 0; m < 60; m++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"2014-11-01T06:{m:D2}:30Z,gill,{(m < 30 ? "arc" : "clear")}\n");
        }

        return temp.Write("labels.csv", Encoding.ASCII.GetBytes(csv.ToString()));
    }

    [Fact]
    public async Task Occurrence_ByDefault_ExcludesFramesNotUnderADarkSkyAndUncertainOnes_AndReportsHowMany()
    {
        // Gillam on 2020-01-01 (apparent sun elevation by astronomy-engine): 06:00 UT -56 deg (dark),
        // 18:00 UT +10.6 (daylight), 23:00 UT -7.8 (twilight); the stored sky column wins over the computed one.
        using var temp = new TempFolder();
        var csv = new StringBuilder("time,site,label,confidence,sky\n");
        void Rows(int n, string time, string site, string label, string sky)
        {
            for (var i = 0; i < n; i++)
            {
                csv.Append(CultureInfo.InvariantCulture, $"{DateTime.Parse(time, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal).AddSeconds(3 * i):yyyy-MM-dd'T'HH:mm:ss'Z'},{site},{label},0.9,{sky}\n");
            }
        }

        Rows(40, "2020-01-01T06:00:00Z", "gill", "arc", string.Empty);        // dark, computed
        Rows(7, "2020-01-01T06:10:00Z", "gill", "uncertain", string.Empty);   // dark but uncertain
        Rows(5, "2020-01-01T18:00:00Z", "gill", "clear", string.Empty);       // daylight, computed
        Rows(6, "2020-01-01T23:00:00Z", "gill", "clear", string.Empty);       // twilight, computed
        Rows(3, "2020-01-01T06:20:00Z", "gill", "clear", "twilight");         // stored: twilight
        Rows(4, "2020-01-01T18:10:00Z", "gill", "arc", "dark");               // stored: dark
        Rows(2, "2020-01-01T06:00:00Z", "zzzz", "arc", string.Empty);         // unknown site
        var labels = temp.Write("labels.csv", Encoding.ASCII.GetBytes(csv.ToString()));
        var outDir = temp.File("out");

        var (code, output, error) = await RunAsync("analyze", "occurrence", "--labels", labels, "--omni", RepoPaths.Data("omni", "OMNI_HIGH_RES_1min_202001.csv"), "--out", outDir, "--min-count", "1");

        Assert.True(code == 0, error);
        Assert.Contains("occurrence: 44 labelled frames; excluded 16 not under a dark sky (9 twilight, 5 daylight, 2 unknown) and 7 uncertain", output, StringComparison.Ordinal);
        var report = File.ReadAllText(Path.Combine(outDir, "occurrence.md"));
        Assert.Contains("Excluded, sky not dark: 16 frames (9 twilight, 5 daylight, 2 unknown: site not in the catalog); --include-twilight keeps them", report, StringComparison.Ordinal);
        Assert.Contains("Excluded, labelled uncertain (out of the model's training distribution, pixel noise, daylight, or the Moon down for a moon label): 7 frames", report, StringComparison.Ordinal);
        Assert.Contains("- Frames read: 67\n", report, StringComparison.Ordinal);
        Assert.Contains("- Kept after the dark-sky exclusion: 51 (16 left out: 9 twilight, 5 daylight, 2 unknown)\n", report, StringComparison.Ordinal);
        Assert.Contains("- Analysed, after leaving out 7 labelled uncertain: 44 at 1 site(s): gill 44\n", report, StringComparison.Ordinal);

        (code, output, error) = await RunAsync("analyze", "occurrence", "--labels", labels, "--omni", RepoPaths.Data("omni", "OMNI_HIGH_RES_1min_202001.csv"), "--out", outDir, "--min-count", "1", "--include-twilight");

        Assert.True(code == 0, error);
        Assert.Contains("occurrence: 60 labelled frames; excluded 7 uncertain", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Occurrence_MinConfidence_KeepsOnlyLabelsGivenAtOrAboveIt_AndCountsTheRest()
    {
        // Gillam 2020-01-01 06:00 UT is dark. 30 arcs at p = 0.95, 12 at 0.9 (kept: at the minimum),
        // 8 at 0.62 and 5 uncertain; a second file without a confidence column holds 4 more frames.
        using var temp = new TempFolder();
        var csv = new StringBuilder("time,site,label,confidence\n");
        var t = new DateTime(2020, 1, 1, 6, 0, 0, DateTimeKind.Utc);
        foreach (var (n, label, confidence) in new[] { (30, "arc", "0.95"), (12, "arc", "0.9"), (8, "diffuse", "0.62"), (5, "uncertain", "0.99") })
        {
            for (var i = 0; i < n; i++, t = t.AddSeconds(3))
            {
                csv.Append(CultureInfo.InvariantCulture, $"{t:yyyy-MM-dd'T'HH:mm:ss'Z'},gill,{label},{confidence}\n");
            }
        }

        var labels = temp.Write("labels.csv", Encoding.ASCII.GetBytes(csv.ToString()));
        var bare = new StringBuilder("time,site,label\n");
        for (var i = 0; i < 4; i++, t = t.AddSeconds(3))
        {
            bare.Append(CultureInfo.InvariantCulture, $"{t:yyyy-MM-dd'T'HH:mm:ss'Z'},gill,clear\n");
        }

        var other = temp.Write("other-model.csv", Encoding.ASCII.GetBytes(bare.ToString()));
        var outDir = temp.File("out");
        string[] run = ["analyze", "occurrence", "--labels", labels, other, "--omni", RepoPaths.Data("omni", "OMNI_HIGH_RES_1min_202001.csv"), "--out", outDir, "--min-count", "1"];

        var (code, output, error) = await RunAsync([.. run, "--min-confidence", "0.9"]);

        Assert.True(code == 0, error);
        Assert.Contains("occurrence: 42 labelled frames; excluded 0 not under a dark sky (0 twilight, 0 daylight, 0 unknown) and 5 uncertain and 12 below confidence 0.9 (4 without one)", output, StringComparison.Ordinal);
        var report = File.ReadAllText(Path.Combine(outDir, "occurrence.md"));
        Assert.Contains("Excluded, confidence below 0.9 (--min-confidence): 12 frames (8 below it, 4 without a confidence)", report, StringComparison.Ordinal);
        Assert.Contains("- Analysed, after leaving out 5 labelled uncertain and 12 below confidence 0.9 (4 without one): 42 at 1 site(s): gill 42\n", report, StringComparison.Ordinal);

        (code, output, error) = await RunAsync(run);

        Assert.True(code == 0, error);
        Assert.Contains("occurrence: 54 labelled frames; excluded 0 not under a dark sky (0 twilight, 0 daylight, 0 unknown) and 5 uncertain", output, StringComparison.Ordinal);
        Assert.DoesNotContain("below confidence", output, StringComparison.Ordinal);
        Assert.DoesNotContain("--min-confidence", File.ReadAllText(Path.Combine(outDir, "occurrence.md")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Occurrence_OverlappingLabelInputs_CountEachFrameOnce_AndConflictingLabelsAreReported()
    {
        using var temp = new TempFolder();
        using var outputs = new TempFolder();
        var labels = WriteLabels(temp);
        var omni = RepoPaths.Data("omni", "OMNI_HIGH_RES_1min_202001.csv");
        var once = outputs.File("once");
        var (code, output, error) = await RunAsync("analyze", "occurrence", "--labels", labels, "--omni", omni, "--out", once, "--min-count", "1", "--include-twilight");
        Assert.True(code == 0, error);
        Assert.DoesNotContain("Repeats", error, StringComparison.Ordinal);
        var expected = File.ReadAllText(Path.Combine(once, "occurrence.csv"));

        // The same file twice and the folder that holds it: every frame still counted once, the rates unchanged.
        var twice = outputs.File("twice");
        (code, output, error) = await RunAsync("analyze", "occurrence", "--labels", labels, labels, temp.Path, "--omni", omni, "--out", twice, "--min-count", "1", "--include-twilight");
        Assert.True(code == 0, error);
        Assert.Equal(expected, File.ReadAllText(Path.Combine(twice, "occurrence.csv")));

        // A second file labelling three of those frames again, one differently: counted once, the conflict reported.
        var first = File.ReadLines(labels).Skip(1).Take(3).ToList();
        var again = temp.Write(Path.Combine("more", "again.csv"), Encoding.ASCII.GetBytes("time,site,label,confidence\n" + first[0] + "\n" + first[1] + "\n" + first[2].Replace(",arc,", ",discrete,", StringComparison.Ordinal).Replace(",clear,", ",moon,", StringComparison.Ordinal) + "\n"));
        var conflict = outputs.File("conflict");
        (code, output, error) = await RunAsync("analyze", "occurrence", "--labels", labels, again, "--omni", omni, "--out", conflict, "--min-count", "1", "--include-twilight");
        Assert.True(code == 0, error);
        Assert.Equal(expected, File.ReadAllText(Path.Combine(conflict, "occurrence.csv")));
        Assert.Contains("warning: repeats (same site and capture time read more than once): 3 rows left out, each frame counted once with the first label read; 1 of them gave the frame a different label", error, StringComparison.Ordinal);
        Assert.Contains("(57,603 rows, 3 of them repeating a frame already read, 1 with a different label: the first label read is kept)", File.ReadAllText(Path.Combine(conflict, "occurrence.md")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Occurrence_LabelsOutsideTheOmniSpan_NoteNamesBothTimeSpans()
    {
        // Labels of November 2014 against OMNI of January 2020: every frame would be counted as
        // missing its solar-wind inputs without a word.
        using var temp = new TempFolder();
        var labels = WriteHourOfLabels(temp);
        var omni = RepoPaths.Data("omni", "OMNI_HIGH_RES_1min_202001.csv");

        var (code, _, error) = await RunAsync("analyze", "occurrence", "--labels", labels, "--omni", omni, "--out", temp.File("out"), "--min-count", "1", "--include-twilight");

        Assert.True(code == 0, error);
        var note = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("note: ", StringComparison.Ordinal));
        Assert.StartsWith("note: none of the 60 labelled frames analysed fall within the time span of the OMNI data", note, StringComparison.Ordinal);
        Assert.Contains("labels 2014-11-01T06:00:30Z to 2014-11-01T06:59:30Z", note, StringComparison.Ordinal);
        Assert.Contains($"OMNI ({omni}) 2020-01-01T00:00:00Z to 2020-02-01T00:00:00Z", note, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Occurrence_LabelsInAGapBetweenOmniFiles_NoteSaysSo_OnStderrAndInTheReport()
    {
        // OMNI of 2010 (hourly) and of January 2020: labels of 2014 lie inside the span, in the gap.
        using var temp = new TempFolder();
        var labels = WriteHourOfLabels(temp);
        var outDir = temp.File("out");

        var (code, _, error) = await RunAsync("analyze", "occurrence", "--labels", labels, "--omni", RepoPaths.Data("omni", "omni2_hourly_2010.lst"), RepoPaths.Data("omni", "OMNI_HIGH_RES_1min_202001.csv"), "--out", outDir, "--min-count", "1", "--include-twilight");

        Assert.True(code == 0, error);
        var note = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("note: ", StringComparison.Ordinal));
        Assert.StartsWith("note: 60 of the 60 labelled frames analysed (100.0%) have no OMNI Bz, though 60 fall within the time span of the OMNI data (2010-01-01T00:00:00Z to 2020-02-01T00:00:00Z): they fall in its gaps", note, StringComparison.Ordinal);
        Assert.Contains("Note: 60 of the 60 labelled frames analysed", File.ReadAllText(Path.Combine(outDir, "occurrence.md")), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]                         // an empty file
    [InlineData("time,site,label\n")]        // a header alone
    [InlineData("time,site,label\n2020-01-01T06:00:00Z,gill,uncertain\n")]   // nothing left once uncertain frames are left out
    public async Task Occurrence_NoLabelledFrames_IsAnError_NotAnEmptyReport(string content)
    {
        using var temp = new TempFolder();
        var labels = temp.Write("labels.csv", Encoding.ASCII.GetBytes(content));
        var outDir = temp.File("out");

        var (code, _, error) = await RunAsync("analyze", "occurrence", "--labels", labels, "--omni", RepoPaths.Data("omni", "OMNI_HIGH_RES_1min_202001.csv"), "--out", outDir);

        Assert.Equal(2, code);
        Assert.Contains(content.Contains("uncertain", StringComparison.Ordinal) ? $"error: 1 labelled frames read from {labels}, none left to analyse: excluded 0 not under a dark sky" : $"error: no labelled frames read from {labels}", error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(outDir, "occurrence.md")));
    }

    [Fact]
    public async Task GeoEffect_NoFrameAtAMagnetometer_Warns()
    {
        using var temp = new TempFolder();
        var labels = temp.Write("labels.csv", Encoding.ASCII.GetBytes("time,site,label\n2014-11-01T06:00:30Z,gill,arc\n2014-11-01T06:01:30Z,gill,clear\n"));

        var (code, _, error) = await RunAsync("analyze", "geoeffect", "--labels", labels, "--mag", RepoPaths.Data("magnetometer"), "--out", temp.File("geo"), "--include-twilight");

        Assert.True(code == 0, error);
        Assert.Contains("warning: none of the 2 labelled frames analysed was joined to a magnetometer: 2 at sites with no magnetometer of the same site code", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Occurrence_MissingOmni_FailsWithAOneLineErrorAndExit2()
    {
        using var temp = new TempFolder();
        var labels = temp.Write("labels.csv", Encoding.ASCII.GetBytes("time,site,label\n2020-01-01T00:00:00Z,gill,arc\n"));

        var (code, _, error) = await RunAsync("analyze", "occurrence", "--labels", labels, "--omni", temp.File("nope"), "--out", temp.File("out"));

        Assert.Equal(2, code);
        Assert.Contains($"error: {temp.File("nope")}: no such file or directory", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Occurrence_CorruptLabelFile_NamesFileAndLine()
    {
        using var temp = new TempFolder();
        var labels = temp.Write("labels.csv", Encoding.ASCII.GetBytes("time,site,label\n2020-01-01T00:00:00Z,gill,arc\nyesterday,gill,arc\n"));

        var (code, _, error) = await RunAsync("analyze", "occurrence", "--labels", labels, "--omni", RepoPaths.Data("omni", "OMNI_HIGH_RES_1min_202001.csv"), "--out", temp.File("out"));

        Assert.Equal(2, code);
        Assert.Contains($"{labels}: line 3 column time: 'yesterday' is not a time", error, StringComparison.Ordinal);
    }
}

public sealed class AnalyzeFromInfluxTests : IDisposable
{
    private readonly InfluxServer _influx = new();

    public void Dispose() => _influx.Dispose();

    [Fact]
    public async Task Occurrence_LabelsFromInfluxDb_AreAnalysed()
    {
        _influx.Execute("CREATE DATABASE aurorastream");
        var t0 = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var lines = new StringBuilder();
        for (var i = 0; i < 600; i++)
        {
            var ns = (t0.AddSeconds(3 * i) - DateTime.UnixEpoch).Ticks * 100;
            // The sky tag the stream writes wins over the sky computed from the site (dark at Gillam then).
            var sky = i < 500 ? string.Empty : ",sky=twilight";
            lines.Append(CultureInfo.InvariantCulture, $"aurora_frame,site=gill,imager=themis19,label={(i % 3 == 0 ? "arc" : "clear")},model=m1{sky} confidence=0.9 {ns}\n");
        }

        _influx.Write("aurorastream", lines.ToString());
        using var temp = new TempFolder();
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await AuroraStreamCli.RunAsync(["analyze", "occurrence", "--influx-url", _influx.Url.ToString(), "--omni", RepoPaths.Data("omni", "OMNI_HIGH_RES_1min_202001.csv"), "--out", temp.Path, "--min-count", "10"], output, error);

        Assert.True(code == 0, error.ToString());
        Assert.Contains("occurrence: 500 labelled frames; excluded 100 not under a dark sky (100 twilight, 0 daylight, 0 unknown)", output.ToString(), StringComparison.Ordinal);
        var hour0 = File.ReadAllLines(Path.Combine(temp.Path, "occurrence.csv")).Single(l => l.StartsWith("ut_hour,0,1,arc,", StringComparison.Ordinal)).Split(',');
        Assert.Equal(("167", "500"), (hour0[4], hour0[5]));
    }

    [Fact]
    public async Task Occurrence_InfluxUnreachable_FailsClearly()
    {
        using var temp = new TempFolder();
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await AuroraStreamCli.RunAsync(["analyze", "occurrence", "--influx-url", "http://127.0.0.1:9/", "--omni", RepoPaths.Data("omni", "OMNI_HIGH_RES_1min_202001.csv"), "--out", temp.Path], output, error);

        Assert.Equal(2, code);
        Assert.Contains("error: InfluxDB at http://127.0.0.1:9/ is unreachable", error.ToString(), StringComparison.Ordinal);
    }
}
