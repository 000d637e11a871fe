using System.Text.Json;
using AuroraStream.Cli;
using AuroraStream.TestUtilities;
using static AuroraStream.Cli.Tests.Commands.CliRunner;

namespace AuroraStream.Cli.Tests.Commands;

public sealed class InspectCommandTests
{
    private static readonly string[] JsonFields = ["file", "index", "site", "imager", "time", "width", "height", "exposureMs", "min", "max", "mean", "sum"];

    [Fact]
    public async Task Inspect_SampleArchiveAsJson_PrintsOneDocumentedLinePerFrame()
    {
        var (code, output, error) = await RunAsync("inspect", RepoPaths.Samples, "--json");

        Assert.Equal(0, code);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(143, lines.Length);
        foreach (var line in lines)
        {
            using var doc = JsonDocument.Parse(line);
            Assert.Equal(JsonFields, doc.RootElement.EnumerateObject().Select(p => p.Name));
            var name = Path.GetFileName(doc.RootElement.GetProperty("file").GetString()!);
            var expected = ExpectedValues.Frames[name][doc.RootElement.GetProperty("index").GetInt32()];
            Assert.Equal(expected.Time, doc.RootElement.GetProperty("time").GetString());
            Assert.Equal(expected.Sum, doc.RootElement.GetProperty("sum").GetInt64());
            Assert.Equal(expected.Min, doc.RootElement.GetProperty("min").GetInt32());
            Assert.Equal(expected.Max, doc.RootElement.GetProperty("max").GetInt32());
        }

        Assert.Contains("inspected 7 file(s): 143 frame(s), 1 unrecognised file(s) in folders skipped; 0 failed", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inspect_Table_ShowsEveryFrameWithMicrosecondTimes()
    {
        var (code, output, _) = await RunAsync("inspect", RepoPaths.Stream0Gz);

        Assert.Equal(0, code);
        foreach (var frame in ExpectedValues.Frames[Path.GetFileName(RepoPaths.Stream0Gz)])
        {
            Assert.Contains(frame.Time, output, StringComparison.Ordinal);
            Assert.Contains(frame.Sum.ToString(System.Globalization.CultureInfo.InvariantCulture), output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Inspect_BadInputsAmongGoodOnes_ReportsEachFailureProcessesTheRestAndExits2()
    {
        using var temp = new TempFolder();
        var plain = File.ReadAllBytes(RepoPaths.Stream0Plain);
        var frame10 = FrameStart(plain, 10);
        var truncated = temp.Write("20140310_0605_gill_themis19_full.pgm", plain[..(frame10 + 5000)]);
        var nir = RepoPaths.Data("other-imagers", "20220307_0600_gill_nir-216_8446.pgm.gz");
        var missing = temp.File("nope.pgm.gz");

        var (code, output, error) = await RunAsync("inspect", "--json", RepoPaths.Stream0Gz, truncated, nir, missing, RepoPaths.L1AsfCdf);

        Assert.Equal(2, code);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(20 + 10 + 23, lines.Length);
        Assert.Contains($"error: {truncated}: frame 10: truncated pixel data", error, StringComparison.Ordinal);
        Assert.Contains($"error: {nir}: frame 0: this is a TREx near-infrared imager", error, StringComparison.Ordinal);
        Assert.Contains($"error: {missing}: no such file or directory", error, StringComparison.Ordinal);
        Assert.Contains("53 frame(s); 3 failed", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inspect_Verbose_AddsTheStackTrace()
    {
        var nir = RepoPaths.Data("other-imagers", "20220307_0600_gill_nir-216_8446.pgm.gz");

        var (code, _, error) = await RunAsync("inspect", "--verbose", nir);

        Assert.Equal(2, code);
        Assert.Contains("   at ", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inspect_FolderWithOtherFiles_SkipsUnrecognisedAndDescribesSkymaps()
    {
        var (code, output, error) = await RunAsync("inspect", "--json", RepoPaths.Data("themis-asi", "skymap"), RepoPaths.Data("oath", "images", "00001.png"));

        Assert.Equal(0, code);
        Assert.Empty(output.Trim());
        Assert.Contains("skymap for gako themis20, valid from 2011-03-05T08Z", error, StringComparison.Ordinal);
        Assert.Contains("PNG image 256x256, 16-bit, 3 channel(s)", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inspect_UnrecognisedFileNamedExplicitly_Fails()
    {
        var (code, _, error) = await RunAsync("inspect", RepoPaths.Data("README.md"));

        Assert.Equal(2, code);
        Assert.Contains("not a recognised ASI file", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inspect_EmptyFolder_IsAnError_AndOverlappingInputsAreReadOnce()
    {
        using var temp = new TempFolder();
        var empty = temp.File("empty");
        Directory.CreateDirectory(empty);

        var (code, _, error) = await RunAsync("inspect", empty);
        Assert.Equal(2, code);
        Assert.Contains($"nothing to inspect in {empty}", error, StringComparison.Ordinal);

        (code, var output, error) = await RunAsync("inspect", "--json", RepoPaths.Stream0Gz, RepoPaths.Stream0Gz);
        Assert.True(code == 0, error);
        Assert.Equal(20, output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("note: 1 file(s) reached through more than one input", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inspect_WithoutPaths_IsAUsageError()
    {
        var (code, _, error) = await RunAsync("inspect");

        Assert.Equal(1, code);
        Assert.NotEmpty(error);
    }

    /// <summary>Start of the n-th frame: every header after the first begins with P5 and a Mode comment.</summary>
    private static int FrameStart(byte[] bytes, int n)
    {
        var marker = "P5\n#\"Mode unique ID\""u8;
        var at = 0;
        for (var i = 0; i < n; i++)
        {
            at += 1 + bytes.AsSpan(at + 1).IndexOf(marker);
        }

        return at;
    }
}
