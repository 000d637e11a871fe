using AuroraStream.TestUtilities;

namespace AuroraStream.Cli.Tests.Operations;

/// <summary>
/// <c>make install PREFIX=...</c> as a newcomer runs it: the launcher it writes starts the published
/// CLI, which finds its default model from any working directory; <c>make uninstall</c> removes both.
/// </summary>
[Collection("cli stream")]
public sealed class InstallTests
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(5);

    [Fact]
    public void MakeInstall_IntoAPrefix_TheLauncherRunsTheCliAndFindsTheDefaultModel_UninstallRemovesIt()
    {
        using var prefix = new TempFolder();
        using var elsewhere = new TempFolder();

        var install = ExternalCommand.Run("make", ["install", $"PREFIX={prefix.Path}", $"CONFIG={Configuration}"], Deadline, RepoPaths.Root);
        Assert.True(install.Code == 0, $"make install: exit {install.Code}\n{install.Output}\n{install.Error}");
        var launcher = Path.Combine(prefix.Path, "bin", "aurorastream");
        Assert.True(File.Exists(launcher), $"no {launcher}");

        var version = ExternalCommand.Run(launcher, ["--version"], TimeSpan.FromMinutes(1), elsewhere.Path);
        Assert.Equal(0, version.Code);
        Assert.Matches(@"^\d+\.\d+\.\d+", version.Output);

        // From a folder outside the repository: nothing there but what was installed.
        var inspect = ExternalCommand.Run(launcher, ["inspect", "--json", RepoPaths.Stream0Gz], TimeSpan.FromMinutes(1), elsewhere.Path);
        Assert.True(inspect.Code == 0, inspect.Error);
        Assert.Contains("\"site\":\"gill\"", inspect.Output, StringComparison.Ordinal);
        Assert.Contains("inspected 1 file(s)", inspect.Error, StringComparison.Ordinal);

        var classify = ExternalCommand.Run(launcher, ["classify", RepoPaths.Stream0Gz], TimeSpan.FromMinutes(1), elsewhere.Path);
        Assert.True(classify.Code == 0, classify.Error);
        Assert.Contains("frames with aurorastream-compact, 0 input(s) failed", classify.Error, StringComparison.Ordinal);

        var uninstall = ExternalCommand.Run("make", ["uninstall", $"PREFIX={prefix.Path}"], Deadline, RepoPaths.Root);
        Assert.Equal(0, uninstall.Code);
        Assert.False(File.Exists(launcher));
        Assert.False(Directory.Exists(Path.Combine(prefix.Path, "lib", "aurorastream")));
    }
}
