using System.Text.RegularExpressions;
using AuroraStream.Cli.Commands;
using AuroraStream.TestUtilities;

namespace AuroraStream.Cli.Tests.Operations;

/// <summary>
/// docker-compose.yml and the Dockerfile, checked without a Docker engine: <c>docker-compose config</c>
/// (Debian's docker-compose) validates and normalises the file, and the stream's environment is
/// bound through the real settings loader.
/// </summary>
public sealed class ComposeFileTests
{
    private static readonly string ComposeFile = Path.Combine(RepoPaths.Root, "docker-compose.yml");

    [Fact]
    public void Compose_DockerComposeConfig_ValidWithAllServicesNamedVolumesAndHealthChecks()
    {
        var (code, _, error) = DockerCompose([], "config", "-q");
        Assert.True(code == 0, $"docker-compose config rejected the file: {error}");

        Assert.Equal(["grafana", "influxdb", "kafka", "kafka-init", "pipeline", "publisher"], Lines(DockerCompose([], "config", "--services").Output).Order(StringComparer.Ordinal));
        Assert.Equal(["grafana-data", "influxdb-data", "kafka-data", "publisher-state"], Lines(DockerCompose([], "config", "--volumes").Output).Order(StringComparer.Ordinal));

        var config = DockerCompose([], "config").Output;
        foreach (var service in new[] { "kafka", "influxdb", "grafana", "pipeline", "publisher" })
        {
            Assert.Contains("    healthcheck:", Service(config, service), StringComparison.Ordinal);
        }

        Assert.Contains("image: apache/kafka:", Service(config, "kafka"), StringComparison.Ordinal);
        Assert.Contains("KAFKA_PROCESS_ROLES: broker,controller", Service(config, "kafka"), StringComparison.Ordinal);
        Assert.Contains("image: influxdb:1.8", Service(config, "influxdb"), StringComparison.Ordinal);
        Assert.Contains("condition: service_completed_successfully", Service(config, "pipeline"), StringComparison.Ordinal);
        Assert.Contains("- --watch", Service(config, "publisher"), StringComparison.Ordinal);

        // One partition per THEMIS site or more (about 20 imagers; 23 in the live-rate benchmark).
        var partitions = int.Parse(Regex.Match(Service(config, "kafka-init"), @"FRAMES_PARTITIONS: '?(\d+)'?").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(partitions, 23, 1000);

        // Every bind mount exists in the repository.
        var mounts = Regex.Matches(config, @"^    volumes:\n((?:    - .*\n)+)", RegexOptions.Multiline).SelectMany(m => Lines(m.Groups[1].Value)).Select(l => l[2..].Split(':')[0]).Where(p => p.StartsWith('/')).ToList();
        Assert.Equal(4, mounts.Count);
        foreach (var path in mounts.Where(p => !p.EndsWith("data/incoming", StringComparison.Ordinal)))
        {
            Assert.True(Directory.Exists(path) || File.Exists(path), $"bind mount source {path} does not exist");
        }
    }

    [Fact]
    public void Compose_EnvironmentOverrides_ReachTheServices()
    {
        var (code, config, error) = DockerCompose(
            new Dictionary<string, string> { ["AURORASTREAM_FRAMES_PARTITIONS"] = "40", ["AURORASTREAM_FRAMES_TOPIC"] = "site.frames", ["AURORASTREAM_INFLUX_WRITE_PASSWORD"] = "s3cret" },
            "config");

        Assert.True(code == 0, error);
        Assert.Matches(@"FRAMES_PARTITIONS: '?40'?", Service(config, "kafka-init"));
        Assert.Contains("AURORASTREAM_Kafka__FramesTopic: site.frames", Service(config, "pipeline"), StringComparison.Ordinal);
        Assert.Contains("AURORASTREAM_Kafka__FramesTopic: site.frames", Service(config, "publisher"), StringComparison.Ordinal);
        Assert.Contains("AURORASTREAM_Influx__Password: s3cret", Service(config, "pipeline"), StringComparison.Ordinal);
    }

    [Fact]
    public void Compose_PipelineEnvironment_BindsToRealSettingsOfTheStream()
    {
        var environment = Environment(Service(DockerCompose([], "config").Output, "pipeline"));

        // AURORASTREAM_Section__Key is the Microsoft.Extensions convention the stream reads; a misspelt key would be ignored silently.
        var settings = StreamSettings.Load(null, environment.Select(e => new KeyValuePair<string, string?>(e.Key["AURORASTREAM_".Length..].Replace("__", ":", StringComparison.Ordinal), e.Value)));
        var expected = new Dictionary<string, Func<string>>(StringComparer.Ordinal)
        {
            ["AURORASTREAM_Kafka__BootstrapServers"] = () => settings.Kafka.BootstrapServers,
            ["AURORASTREAM_Kafka__FramesTopic"] = () => settings.Kafka.FramesTopic,
            ["AURORASTREAM_Kafka__DeadLetterTopic"] = () => settings.Kafka.DeadLetterTopic,
            ["AURORASTREAM_Kafka__GroupId"] = () => settings.Kafka.GroupId,
            ["AURORASTREAM_Influx__Url"] = () => settings.Influx!.Url!.ToString().TrimEnd('/'),
            ["AURORASTREAM_Influx__Database"] = () => settings.Influx!.Database!,
            ["AURORASTREAM_Influx__User"] = () => settings.Influx!.User!,
            ["AURORASTREAM_Influx__Password"] = () => settings.Influx!.Password!,
            ["AURORASTREAM_Model__Path"] = () => settings.Model.Path!,
            ["AURORASTREAM_Model__IntraOpThreads"] = () => settings.Model.IntraOpThreads.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["AURORASTREAM_Output__InfluxMetricsInterval"] = () => settings.Output.InfluxMetricsInterval.ToString(),
            ["AURORASTREAM_Output__MetricsHost"] = () => settings.Output.MetricsHost,
            ["AURORASTREAM_Output__MetricsPort"] = () => settings.Output.MetricsPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["AURORASTREAM_Output__SummaryInterval"] = () => settings.Output.SummaryInterval.ToString(),
        };
        Assert.Subset(expected.Keys.ToHashSet(), environment.Keys.ToHashSet());
        foreach (var (key, value) in environment)
        {
            Assert.True(expected[key]() == value, $"{key}={value} reads back as {expected[key]()}");
        }

        Assert.Equal("/app/onnx-models/aurorastream-compact.onnx", settings.Model.Path);
        Assert.True(File.Exists(Path.Combine(RepoPaths.Root, "onnx-models", Path.GetFileName(settings.Model.Path!))), "the model the container uses is not in onnx-models/");
    }

    [Fact]
    public async Task Compose_PublisherHealthCheck_HealthyWhileTheWatcherBeatsUnhealthyWhenItsHeartbeatIsStaleOrMissing()
    {
        // The check as the container runs it (compose turns $$ into $), pointed at a folder of the test's instead of /state.
        var publisher = Service(File.ReadAllText(ComposeFile), "publisher");
        var check = Regex.Match(publisher, @"test: \[""CMD"", ""bash"", ""-c"", ""(.*)""\]").Groups[1].Value.Replace("$$", "$", StringComparison.Ordinal);
        var state = Regex.Match(publisher, @"""--state"", ""([^""]+)""").Groups[1].Value;
        Assert.Contains(FolderWatcher.HeartbeatPath(state), check, StringComparison.Ordinal);
        using var temp = new TempFolder();
        var watched = Directory.CreateDirectory(temp.File("incoming")).FullName;
        var localState = temp.File(Path.GetFileName(state));
        var localCheck = check.Replace(Path.GetDirectoryName(state) + "/", temp.Path + "/", StringComparison.Ordinal);

        Assert.NotEqual(0, Bash(localCheck));

        using var stop = new CancellationTokenSource();
        var watcher = new FolderWatcher(watched, localState, TimeProvider.System).RunAsync(_ => { }, stop.Token);
        await Poll.UntilAsync(() => File.Exists(FolderWatcher.HeartbeatPath(localState)), TimeSpan.FromSeconds(30), "the watcher's first heartbeat", watcher);
        var whileRunning = Bash(localCheck);
        await stop.CancelAsync();
        await watcher;
        File.SetLastWriteTimeUtc(FolderWatcher.HeartbeatPath(localState), DateTime.UtcNow.AddSeconds(-90));

        Assert.Equal(0, whileRunning);
        Assert.NotEqual(0, Bash(localCheck));
    }

    [Fact]
    public void Dockerfile_MultiStage_PublishesTheCliAndRunsAsNonRoot()
    {
        var dockerfile = File.ReadAllLines(Path.Combine(RepoPaths.Root, "Dockerfile")).Where(l => !l.TrimStart().StartsWith('#')).ToList();
        Assert.True(dockerfile.Count(l => l.StartsWith("FROM ", StringComparison.Ordinal)) >= 2, "not a multi-stage build");
        Assert.Equal("USER $APP_UID", dockerfile.Last(l => l.StartsWith("USER ", StringComparison.Ordinal)));
        var publish = Assert.Single(dockerfile, l => l.Contains("dotnet publish", StringComparison.Ordinal));
        var project = Regex.Match(publish, @"dotnet publish (\S+\.csproj)").Groups[1].Value;
        Assert.True(File.Exists(Path.Combine(RepoPaths.Root, project)), $"the Dockerfile publishes {project}, which does not exist");
        Assert.Contains(dockerfile, l => l.StartsWith("ENTRYPOINT [\"dotnet\", \"/app/aurorastream.dll\"]", StringComparison.Ordinal));

        // Everything the stages copy from the build context exists and is not excluded by .dockerignore.
        var ignored = File.ReadAllLines(Path.Combine(RepoPaths.Root, ".dockerignore")).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        foreach (var line in dockerfile.Where(l => l.StartsWith("COPY ", StringComparison.Ordinal) && !l.Contains("--from", StringComparison.Ordinal)))
        {
            var sources = line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..^1];
            foreach (var source in sources)
            {
                Assert.True(File.Exists(Path.Combine(RepoPaths.Root, source)) || Directory.Exists(Path.Combine(RepoPaths.Root, source)), $"COPY {source}: not in the repository");
                Assert.DoesNotContain(source.TrimEnd('/') + "/", ignored);
            }
        }
    }

    private static (int Code, string Output, string Error) DockerCompose(Dictionary<string, string> environment, params string[] args)
    {
        var result = ExternalCommand.Run("docker-compose", ["-f", ComposeFile, .. args], TimeSpan.FromSeconds(60), RepoPaths.Root, environment, "docker-compose is not installed (Debian package docker-compose; `make test` installs it when run as root)");
        return (result.Code, result.Output, result.Error);
    }

    private static int Bash(string command) => ExternalCommand.Run("bash", ["-c", command], TimeSpan.FromSeconds(30)).Code;

    private static IEnumerable<string> Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>One service's block of the normalised config (services sit at two spaces of indent).</summary>
    private static string Service(string config, string name)
    {
        var match = Regex.Match(config, $@"^  {Regex.Escape(name)}:\n((?:    .*\n|\n)*)", RegexOptions.Multiline);
        Assert.True(match.Success, $"service {name} not in the config");
        return match.Groups[1].Value;
    }

    private static Dictionary<string, string> Environment(string service)
    {
        var block = Regex.Match(service, @"^    environment:\n((?:      .*\n)*)", RegexOptions.Multiline).Groups[1].Value;
        return Regex.Matches(block, @"^      (\w+): '?(.*?)'?$", RegexOptions.Multiline).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value, StringComparer.Ordinal);
    }
}
