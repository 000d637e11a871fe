using System.Text.RegularExpressions;
using AuroraStream.TestUtilities;

namespace AuroraStream.Cli.Tests.Operations;

/// <summary>What the Makefile and the repository's scripts do to a newcomer's machine.</summary>
public sealed partial class SetupTests
{
    private static readonly string[] SkippedFolders = ["bin", "obj", ".git", "TestResults", "out", "node_modules"];

    [Fact]
    public void MakeRun_NeedsOnlyTheSdk_InstallsNoPackage()
    {
        var run = MakeDryRun("run");
        var test = MakeDryRun("test");

        Assert.Contains("demo", run, StringComparison.Ordinal);
        Assert.DoesNotContain("deps.sh", run, StringComparison.Ordinal);
        Assert.DoesNotContain("apt-get", run, StringComparison.Ordinal);

        // The control: the tests' dependencies are installed by make test.
        Assert.Contains("deps.sh test", test, StringComparison.Ordinal);
    }

    [Fact]
    public void Scripts_NeverEndProcessesByName()
    {
        var scripts = Files(RepoPaths.Root).Where(IsScript).ToList();
        Assert.Contains(scripts, f => f.EndsWith(Path.Combine(".ci", "deps.sh"), StringComparison.Ordinal));
        Assert.Contains(scripts, f => Path.GetFileName(f) == "Makefile");

        var offending = scripts.Where(f => ByName().IsMatch(File.ReadAllText(f))).Select(f => Path.GetRelativePath(RepoPaths.Root, f)).ToList();

        Assert.True(offending.Count == 0, $"pkill/killall in: {string.Join(", ", offending)}");
    }

    private static string MakeDryRun(string target)
    {
        var result = ExternalCommand.Run("make", ["-n", target], TimeSpan.FromMinutes(1), RepoPaths.Root);
        Assert.True(result.Code == 0, result.Error);
        return result.Output;
    }

    private static bool IsScript(string path)
    {
        var name = Path.GetFileName(path);
        var folder = Path.GetFileName(Path.GetDirectoryName(path));
        return name is "Makefile" or "Dockerfile" || folder == ".ci"
            || Path.GetExtension(path) is ".sh" or ".bash" or ".py" or ".yml" or ".yaml" or ".targets" or ".props" or ".mk";
    }

    private static IEnumerable<string> Files(string folder)
    {
        foreach (var file in Directory.EnumerateFiles(folder))
        {
            yield return file;
        }

        foreach (var sub in Directory.EnumerateDirectories(folder).Where(d => !SkippedFolders.Contains(Path.GetFileName(d))))
        {
            foreach (var file in Files(sub))
            {
                yield return file;
            }
        }
    }

    [GeneratedRegex(@"\b(pkill|killall)\b")]
    private static partial Regex ByName();
}
