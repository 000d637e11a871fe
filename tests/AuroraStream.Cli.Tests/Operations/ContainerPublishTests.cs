using System.Text.RegularExpressions;
using AuroraStream.TestUtilities;

namespace AuroraStream.Cli.Tests.Operations;

/// <summary>
/// The image's build without a Docker engine: the Dockerfile's build stage (its COPY lines, minus what
/// .dockerignore leaves out, and its own <c>dotnet publish</c> line) run on a copy of the repository,
/// and the runtime stage's layout (the published folder plus onnx-models/ as the working directory).
/// </summary>
public sealed class ContainerPublishTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(10);

    [Fact]
    public void DockerfileBuild_LeavesLibtorchOut_StreamsTheSamplesAndRefusesTrainingInOneLine()
    {
        using var temp = new TempFolder();
        var dockerfile = File.ReadAllLines(Path.Combine(RepoPaths.Root, "Dockerfile")).Where(l => !l.TrimStart().StartsWith('#')).ToList();
        var runtimeStage = dockerfile.FindLastIndex(l => l.StartsWith("FROM ", StringComparison.Ordinal));
        var ignoredFolders = File.ReadAllLines(Path.Combine(RepoPaths.Root, ".dockerignore"))
            .Select(l => Regex.Match(l, @"^\*\*/([^/*]+)/$")).Where(m => m.Success).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        Assert.Contains("obj", ignoredFolders);

        // Build stage: every COPY from the context into the work folder, then the publish line as written, into app/.
        var context = Directory.CreateDirectory(temp.File("src")).FullName;
        foreach (var copy in dockerfile.Take(runtimeStage).Where(l => l.StartsWith("COPY ", StringComparison.Ordinal)))
        {
            var parts = copy.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            foreach (var source in parts[1..^1])
            {
                CopyFromContext(source, parts[^1] == "./" ? Path.Combine(context, Path.GetFileName(source.TrimEnd('/'))) : Path.Combine(context, parts[^1]), ignoredFolders);
            }
        }

        var publish = Assert.Single(dockerfile, l => l.StartsWith("RUN dotnet publish ", StringComparison.Ordinal));
        Assert.Contains(" -o /app ", publish + " ", StringComparison.Ordinal);
        var app = temp.File("app");
        var arguments = publish["RUN dotnet ".Length..].Replace(" -o /app", $" -o {app}", StringComparison.Ordinal).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var (published, publishOutput, publishError) = Dotnet(context, arguments);
        Assert.True(published == 0, $"dotnet {string.Join(' ', arguments)} failed:\n{publishOutput}\n{publishError}");

        // Runtime stage: the published folder with the default model, run from there (WORKDIR /app).
        CopyFromContext("onnx-models/", Path.Combine(app, "onnx-models"), ignoredFolders);
        var megabytes = Directory.EnumerateFiles(app, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length) / 1e6;
        Assert.Empty(Directory.EnumerateFiles(app, "libtorch*.so", SearchOption.AllDirectories));
        Assert.True(megabytes < 200, $"the image's application folder holds {megabytes:0} MB");

        var (demo, demoOutput, demoError) = Dotnet(app, "aurorastream.dll", "demo", "--input", RepoPaths.Samples);
        Assert.True(demo == 0, $"demo failed in the image layout:\n{demoOutput}\n{demoError}");
        Assert.Contains("demo: 143 frames written", demoOutput, StringComparison.Ordinal);

        var (train, trainOutput, trainError) = Dotnet(app, "aurorastream.dll", "train", "simclr", RepoPaths.Samples, "--synthetic", "10", "--size", "64", "--steps", "1", "--out", temp.File("simclr"));
        Assert.Equal(AuroraStreamCli.InputFailed, train);
        Assert.Equal("", trainOutput);
        Assert.Equal(["error: this build of aurorastream has no libtorch (it was published with -p:TrainingRuntime=false, as the container image is): training, the OATH evaluation and export need the full build (make build)"], trainError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.False(Directory.Exists(temp.File("simclr")), "train created its output folder before refusing");
    }

    private static void CopyFromContext(string source, string destination, HashSet<string> ignoredFolders)
    {
        var from = Path.Combine(RepoPaths.Root, source.TrimEnd('/'));
        if (File.Exists(from))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(from, destination);
            return;
        }

        Assert.True(Directory.Exists(from), $"COPY {source}: not in the repository");
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(from, file);
            if (relative.Split(Path.DirectorySeparatorChar)[..^1].Any(ignoredFolders.Contains))
            {
                continue;
            }

            var target = Path.Combine(destination, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private static CommandResult Dotnet(string workingDirectory, params string[] args) => ExternalCommand.Run("dotnet", args, Deadline, workingDirectory);
}
