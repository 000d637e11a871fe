using System.Text.Json;
using AuroraStream.TestUtilities;
using static AuroraStream.Cli.Tests.Commands.CliRunner;

namespace AuroraStream.Cli.Tests.Commands;

public sealed class ClassifyCommandTests
{
    private static readonly string Model = Path.Combine(RepoPaths.Root, "onnx-models", "aurorastream-compact.onnx");

    [Fact]
    public async Task Classify_Json_GakonaFramesAreTwilightAndNeverMoon_GillamFramesDarkWithTheMoonHigh()
    {
        var (code, output, error) = await RunAsync("classify", RepoPaths.L1AsfCdf, RepoPaths.Stream0Gz, "--model", Model, "--json");

        Assert.True(code == 0, error);
        var rows = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        var gako = rows.Where(r => r.GetProperty("site").GetString() == "gako").ToList();
        var gill = rows.Where(r => r.GetProperty("site").GetString() == "gill").ToList();
        Assert.NotEmpty(gako);
        Assert.NotEmpty(gill);
        Assert.All(gako, r => Assert.Equal("twilight", r.GetProperty("sky").GetString()));
        Assert.All(gako, r => Assert.NotEqual("moon", r.GetProperty("label").GetString()));
        Assert.All(gako, r => Assert.Equal(0, r.GetProperty("probabilities").GetProperty("moon").GetDouble()));
        Assert.All(gako, r => Assert.InRange(r.GetProperty("moon_elevation").GetDouble(), -17.5, -15.5));
        Assert.Equal(-11.1, gako[0].GetProperty("sun_elevation").GetDouble(), 0.1);
        Assert.All(gill, r => Assert.Equal("dark", r.GetProperty("sky").GetString()));
        Assert.Equal(28.4, gill[0].GetProperty("moon_elevation").GetDouble(), 0.2);
        Assert.Equal(0.66, gill[0].GetProperty("moon_illumination").GetDouble(), 0.01);
    }

    [Fact]
    public async Task Classify_Text_KeepsTheLabelColumnAndAddsSkyFieldsAsTheLastColumn()
    {
        var (code, output, error) = await RunAsync("classify", RepoPaths.Stream0Gz, "--model", Model);

        Assert.True(code == 0, error);
        var columns = output.Split('\n', StringSplitOptions.RemoveEmptyEntries)[0].Split('\t');
        Assert.Equal(7, columns.Length);
        Assert.Equal("gill", columns[2]);
        Assert.StartsWith("arc=", columns[5], StringComparison.Ordinal);
        var extra = columns[6].Split(' ').Select(kv => kv.Split('=')).ToDictionary(kv => kv[0], kv => kv[1]);
        Assert.Equal("dark", extra["sky"]);
        Assert.Equal(28.4, double.Parse(extra["moon_elevation"], System.Globalization.CultureInfo.InvariantCulture), 0.2);
        Assert.Contains("sun_elevation", extra.Keys);
        Assert.Contains("moon_illumination", extra.Keys);
    }

    [Fact]
    public async Task Classify_FolderWithFilesThatHoldNoFrames_NotesEachOnStderr_ExitCodeUnchanged()
    {
        using var temp = new TempFolder();
        var folder = temp.File("night");
        temp.Write(Path.Combine("night", Path.GetFileName(RepoPaths.Stream0Gz)), File.ReadAllBytes(RepoPaths.Stream0Gz));
        var log = temp.Write(Path.Combine("night", "observer-log.txt"), "clear to the north at 06 UT\n"u8.ToArray());
        var skymap = temp.Write(Path.Combine("night", "skymap.sav"), File.ReadAllBytes(RepoPaths.Data("themis-asi", "skymap", "themis_skymap_atha_20230115-+_v02.sav")));

        var (code, output, error) = await RunAsync("classify", folder, "--model", Model);

        Assert.True(code == 0, error);
        Assert.Equal(20, output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        var notes = error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("note: ", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, notes.Count);
        Assert.StartsWith($"note: {log}: unrecognised file", notes[0], StringComparison.Ordinal);
        Assert.StartsWith($"note: {skymap}: skymap for atha", notes[1], StringComparison.Ordinal);
        Assert.DoesNotContain("error:", error, StringComparison.Ordinal);
        Assert.Contains("classify: 20 frames", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Classify_OverlappingInputs_ClassifiesEveryFrameOnce_AndNotesTheRepeats()
    {
        // The folder (6 files, 120 frames), a file inside it, and the folder again by another spelling:
        // 7 files reached a second time, each frame classified once.
        var again = Path.Combine(RepoPaths.Stream0Folder, "..", "stream0-pgm") + Path.DirectorySeparatorChar;

        var (code, output, error) = await RunAsync("classify", RepoPaths.Stream0Folder, RepoPaths.Stream0Gz, again, "--model", Model);

        Assert.True(code == 0, error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var frames = Directory.EnumerateFiles(RepoPaths.Stream0Folder, "*", SearchOption.AllDirectories).Sum(f => Formats.Detection.AsiFiles.ReadFrames(f).Count());
        Assert.Equal(frames, lines.Length);
        Assert.Equal(lines.Length, lines.Select(l => string.Join('\t', l.Split('\t')[2..4])).Distinct().Count());
        Assert.Contains("note: 7 file(s) reached through more than one input", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]   // an empty folder
    [InlineData(true)]    // a folder of files that hold no frames
    public async Task Classify_NoFramesInTheInputs_IsAnError(bool withOtherFiles)
    {
        using var temp = new TempFolder();
        var folder = temp.File("night");
        Directory.CreateDirectory(folder);
        if (withOtherFiles)
        {
            temp.Write(Path.Combine("night", "observer-log.txt"), "clear to the north at 06 UT\n"u8.ToArray());
        }

        var (code, output, error) = await RunAsync("classify", folder, "--model", Model);

        Assert.Equal(2, code);
        Assert.Empty(output);
        Assert.Contains($"error: {folder}: no frame files (stream0 PGM, plain or .gz, or THEMIS L1 CDF) in this folder", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Classify_AnEmptyFolderBesideGoodInputs_IsStillAnError_AndALinkToAFolderAlreadyReadAddsNothing()
    {
        using var temp = new TempFolder();
        var empty = temp.File("empty");
        Directory.CreateDirectory(empty);
        var link = temp.File("link");
        Directory.CreateSymbolicLink(link, RepoPaths.Stream0Folder);

        var (code, output, error) = await RunAsync("classify", RepoPaths.Stream0Folder, link, empty, "--model", Model);

        Assert.Equal(2, code);
        Assert.Equal(120, output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("note: 6 file(s) reached through more than one input", error, StringComparison.Ordinal);
        Assert.DoesNotContain("repeat the site and capture time", error, StringComparison.Ordinal);
        Assert.Contains($"error: {empty}: no frame files", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Classify_FrameDatedOutsideThePlausibleWindow_IsRefused_TheOthersClassified()
    {
        // The first frame's capture time moved to 2099 (the rest stay in 2014): the stream would
        // dead-letter it, so classify gives it no label and no sky either.
        using var temp = new TempFolder();
        var bytes = File.ReadAllBytes(RepoPaths.Stream0Plain);
        var text = System.Text.Encoding.Latin1.GetString(bytes);
        var at = text.IndexOf("\"Image request start\" 2014", StringComparison.Ordinal) + "\"Image request start\" ".Length;
        System.Text.Encoding.ASCII.GetBytes("2099").CopyTo(bytes, at);
        var file = temp.Write(Path.GetFileName(RepoPaths.Stream0Plain), bytes);
        var total = Formats.Detection.AsiFiles.ReadFrames(RepoPaths.Stream0Plain).Count();

        var (code, output, error) = await RunAsync("classify", file, "--model", Model);

        Assert.Equal(2, code);
        Assert.Equal(total - 1, output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains($"error: {file}: frame 0: capture time 2099-03-10T", error, StringComparison.Ordinal);
        Assert.Contains("is outside the plausible window 2004-01-01T00:00:00Z", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Classify_AFileConcatenatedWithItself_LabelsEachFrameOnce_AndWarns()
    {
        // Two gzip members of the same 20 frames: a valid .gz whose frames all come twice.
        using var temp = new TempFolder();
        var bytes = File.ReadAllBytes(RepoPaths.Stream0Gz);
        var file = temp.Write(Path.GetFileName(RepoPaths.Stream0Gz), [.. bytes, .. bytes]);

        var (code, output, error) = await RunAsync("classify", file, "--model", Model);

        Assert.True(code == 0, error);
        Assert.Equal(20, output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains($"warning: 20 frame(s) repeat the site and capture time of a frame already classified and were skipped (one label per frame, as the stream keeps); first: {file} frame 20 repeats {file} frame 0 (gill 2014-03-10T06:00:00", error, StringComparison.Ordinal);
    }
}
