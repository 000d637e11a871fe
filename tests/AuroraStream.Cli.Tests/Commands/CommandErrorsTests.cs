using System.CommandLine;
using AuroraStream.TestUtilities;
using static AuroraStream.Cli.Tests.Commands.CliRunner;

namespace AuroraStream.Cli.Tests.Commands;

/// <summary>
/// Bad command lines of every command: one <c>error:</c> line per problem in the user's words
/// (the option as typed, the value given, what is accepted), exit 1, no .NET type names, no help dump.
/// </summary>
public sealed class CommandErrorsTests
{
    public static TheoryData<string[], string> BadValues => new()
    {
        // bad enum
        { ["classify", "samples", "--device", "gpu"], "--device 'gpu': expected one of cpu, cuda" },
        { ["run", "--device", "gpu"], "--device 'gpu': expected one of cpu, cuda" },
        { ["train", "simclr", "--out", "x", "--architecture", "vgg"], "--architecture 'vgg': expected one of compact, resnet18" },
        { ["train", "classifier", "--out", "x", "--head", "deep"], "--head 'deep': expected one of linear, mlp" },
        { ["evaluate", "oath", "--oath", "x", "--report", "y", "--head", "deep"], "--head 'deep': expected one of linear, mlp" },

        // bad date
        { ["publish", "samples", "--from", "yesterday"], "--from 'yesterday': expected a UTC date or time" },
        { ["publish", "samples", "--to", "2020-13-45"], "--to '2020-13-45': expected a UTC date or time" },
        { ["analyze", "occurrence", "--labels", "l", "--omni", "o", "--out", "d", "--from", "notadate"], "--from 'notadate': expected a UTC date or time" },
        { ["analyze", "geoeffect", "--labels", "l", "--mag", "m", "--out", "d", "--to", "soon"], "--to 'soon': expected a UTC date or time" },
        { ["publish", "samples", "--from", "2014-03-11", "--to", "2014-03-10"], "--from 2014-03-11T00:00:00Z is not before --to 2014-03-10T00:00:00Z: no frame can fall in that window" },
        { ["publish", "samples", "--from", "2014-03-10T06:00:00.5Z", "--to", "2014-03-10T06:00:00.2Z"], "--from 2014-03-10T06:00:00.5Z is not before --to 2014-03-10T06:00:00.2Z" },
        { ["run", "--set", "Pipeline:BatchSize"], "--set 'Pipeline:BatchSize': expected Section:Key=value" },
        { ["analyze", "occurrence", "--labels", "l", "--omni", "o", "--out", "d", "--from", "2020-01-01", "--to", "2020-01-01"], "--from 2020-01-01T00:00:00Z is not before --to 2020-01-01T00:00:00Z" },

        // bad number
        { ["synth", "--out", "x", "--frames", "ten"], "--frames 'ten': expected a whole number" },
        { ["synth", "--out", "x", "--frames", "3", "--seed", "1.5"], "--seed '1.5': expected a whole number" },
        { ["train", "simclr", "--out", "x", "--lr", "fast"], "--lr 'fast': expected a number" },
        { ["train", "classifier", "--out", "x", "--size", "big"], "--size 'big': expected a whole number" },
        { ["evaluate", "frames", "--model", "m.onnx", "--synthetic", "many"], "--synthetic 'many': expected a whole number" },
        { ["analyze", "occurrence", "--labels", "l", "--omni", "o", "--out", "d", "--lag", "x"], "--lag 'x': expected a number" },
        { ["run", "--exit-when-idle", "soon"], "--exit-when-idle 'soon': expected a number" },
        { ["publish", "samples", "--speed", "fast"], "--speed 'fast': expected a positive number (x real time) or max" },

        // values out of range name the option given, not a component's setting
        { ["train", "simclr", "--out", "x", "--steps", "0"], "--steps '0': expected a whole number of at least 1" },
        { ["train", "simclr", "--out", "x", "--batch", "1"], "--batch '1': expected a whole number of at least 2" },
        { ["train", "simclr", "--out", "x", "--size", "8"], "--size '8': expected a whole number from 16 to 512" },
        { ["train", "simclr", "--out", "x", "--temperature", "0"], "--temperature '0': expected a number above 0" },
        { ["train", "simclr", "--out", "x", "--warmup", "-1"], "--warmup '-1': expected a whole number of at least 0" },
        { ["train", "simclr", "--out", "x", "--threads", "-2"], "--threads '-2': expected a whole number of at least 0" },
        { ["train", "classifier", "--out", "x", "--threshold", "1.5"], "--threshold '1.5': expected a number above 0 and at most 1" },
        { ["train", "classifier", "--out", "x", "--head-epochs", "0"], "--head-epochs '0': expected a whole number of at least 1" },
        { ["train", "classifier", "--out", "x", "--fine-tune-lr", "-1e-3"], "--fine-tune-lr '-1e-3': expected a number above 0" },
        { ["evaluate", "oath", "--oath", "x", "--report", "y", "--head-epochs", "0"], "--head-epochs '0': expected a whole number of at least 1" },
        { ["synth", "--out", "x", "--frames", "0"], "--frames '0': expected a whole number of at least 1" },
        { ["analyze", "occurrence", "--labels", "l", "--omni", "o", "--out", "d", "--min-count", "0"], "--min-count '0': expected a whole number of at least 1" },
        { ["analyze", "geoeffect", "--labels", "l", "--mag", "m", "--out", "d", "--min-confidence", "1.5"], "--min-confidence '1.5': expected a probability above 0 and at most 1" },
        { ["analyze", "occurrence", "--labels", "l", "--omni", "o", "--out", "d", "--min-confidence", "0"], "--min-confidence '0': expected a probability above 0 and at most 1" },
        { ["run", "--influx-url", "ftp://x"], "--influx-url 'ftp://x': expected an absolute http:// or https:// URL" },
        { ["analyze", "occurrence", "--influx-url", "notaurl", "--omni", "o", "--out", "d"], "--influx-url 'notaurl': expected an absolute http:// or https:// URL" },
        { ["run", "--exit-when-idle", "-1"], "--exit-when-idle '-1': expected a number of at least 0" },
        { ["export", "--checkpoint", "c", "--out", "model.txt"], "--out 'model.txt': expected a file name ending in .onnx" },
        { ["analyze", "occurrence", "--labels", "l", "--omni", "o", "--out", "d", "--heatmap-parameter", "bx"], "--heatmap-parameter 'bx': expected one of bz, by, clock_angle, vsw, np, pdyn, kp, ae, sym_h, mlt, ut_hour, month" },

        // unknown options, also where a path argument would have taken them
        { ["inspect", "samples", "--bogus"], "unknown option '--bogus' for 'aurorastream inspect'" },
        { ["classify", "samples", "--jsn"], "unknown option '--jsn' for 'aurorastream classify' (did you mean --json?)" },
        { ["synth", "--out", "x", "--frames", "3", "--sed", "4"], "unknown option '--sed' for 'aurorastream synth' (did you mean --seed?)" },
        { ["demo", "--outt", "x"], "unknown option '--outt' for 'aurorastream demo' (did you mean --out?)" },
        { ["analyze", "geoeffect", "--labels", "l", "--mag", "m", "--out", "d", "--site", "gill"], "unknown option '--site' for 'aurorastream analyze geoeffect' (did you mean --sites?)" },

        // missing options and values
        { ["synth", "--out", "x"], "'aurorastream synth' needs --frames" },
        { ["export", "--out", "m.onnx"], "'aurorastream export' needs --checkpoint" },
        { ["publish", "samples", "--bootstrap"], "--bootstrap needs a value" },
        { ["evaluate", "frames", "--model", "m.onnx"], "'aurorastream evaluate frames' needs frames to score: frame files or folders with --labels, or --synthetic N" },
        { ["evaluate", "frames", "--model", "m.onnx", "samples"], "frame files and folders need --labels: the label CSV (time,site,label...) of their frames" },
        { ["evaluate", "frames", "--model", "m.onnx", "samples", "--synthetic", "5"], "frame files and folders need --labels" },
        { ["evaluate", "frames", "--model", "m.onnx", "--labels", "l.csv"], "--labels needs the frame files or folders it labels" },
        { ["evaluate", "frames", "--model", "m.onnx", "--labels", "l.csv", "--synthetic", "5"], "--labels needs the frame files or folders it labels" },
        { ["evaluate", "frames", "--model", "m.onnx", "--synthetic", "3", "--synthetic-seeds", "4"], "--synthetic-seeds 4 needs at least as many --synthetic frames (got 3)" },
        { ["train", "classifier", "--synthetic", "10", "--holdout-synthetic", "3", "--holdout-seeds", "4", "--out", "c"], "--holdout-seeds 4 needs at least as many --holdout-synthetic frames (got 3)" },
    };

    [Theory]
    [MemberData(nameof(BadValues))]
    public async Task BadCommandLine_OneLineNamingTheOptionAndWhatIsAccepted_ExitsOne(string[] args, string expected)
    {
        var (code, output, error) = await RunAsync(args);

        Assert.Equal(1, code);
        Assert.Equal(string.Empty, output);
        var line = Assert.Single(Lines(error));
        Assert.StartsWith("error: " + expected, line, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryOptionOfEveryCommand_ValueItCannotTake_OneUserWordsLineNamingIt()
    {
        var checkedOptions = 0;
        foreach (var (path, command) in Commands(AuroraStreamCli.CreateRoot(TextWriter.Null, TextWriter.Null), []))
        {
            foreach (var option in command.Options.Where(o => Junk(o.ValueType) is not null))
            {
                var junk = Junk(option.ValueType)!;
                var (code, _, error) = await RunAsync([.. path, option.Name, junk]);

                Assert.Equal(1, code);
                var lines = Lines(error);
                Assert.Contains(lines, l => l.StartsWith($"error: {option.Name} '{junk}': expected ", StringComparison.Ordinal));
                Assert.All(lines, l => Assert.DoesNotContain("System.", l, StringComparison.Ordinal));
                Assert.All(lines, l => Assert.DoesNotContain("AuroraStream.", l, StringComparison.Ordinal));
                Assert.DoesNotContain("Usage:", error, StringComparison.Ordinal);
                checkedOptions++;
            }
        }

        Assert.True(checkedOptions >= 40, $"only {checkedOptions} typed options found");
    }

    [Fact]
    public async Task EveryCommand_UnknownOption_OneLineNamingItAndTheCommand()
    {
        foreach (var (path, _) in Commands(AuroraStreamCli.CreateRoot(TextWriter.Null, TextWriter.Null), []))
        {
            var (code, _, error) = await RunAsync([.. path, "--no-such-option"]);

            Assert.Equal(1, code);
            Assert.Contains($"error: unknown option '--no-such-option' for 'aurorastream {string.Join(' ', path)}'; see 'aurorastream {string.Join(' ', path)} --help'", Lines(error));
        }
    }

    [Fact]
    public async Task Help_StillPrintsTheHelp()
    {
        var (code, output, _) = await RunAsync("train", "simclr", "--help");

        Assert.Equal(0, code);
        Assert.Contains("--steps", output, StringComparison.Ordinal);
    }

    /// <summary>Every command that runs something, with its path from the root.</summary>
    private static IEnumerable<(string[] Path, Command Command)> Commands(Command command, string[] path)
    {
        if (command.Action is not null && path.Length > 0)
        {
            yield return (path, command);
        }

        foreach (var sub in command.Subcommands)
        {
            foreach (var found in Commands(sub, [.. path, sub.Name]))
            {
                yield return found;
            }
        }
    }

    [Fact]
    public async Task Run_BadSettingValue_OneLineWithoutDotNetParameterWording()
    {
        var (code, _, error) = await RunAsync("run", "--set", "Pipeline:BatchSize=0", "--bootstrap", "127.0.0.1:9");

        Assert.Equal(2, code);
        var lines = Lines(error);
        Assert.Single(lines);
        Assert.StartsWith("error: Pipeline:BatchSize must be within 1..4096", lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("(Parameter", lines[0], StringComparison.Ordinal);
        Assert.Contains("(given: 0)", lines[0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Pipeline:BatchSze=64", "error: settings: Pipeline:BatchSze is not a setting", "BatchSize")]
    [InlineData("Influx:Databse=x", "error: settings: Influx:Databse is not a setting", "Database")]
    [InlineData("Pipline:BatchSize=64", "error: --set 'Pipline:BatchSize': Pipline is not a settings section", "Kafka, Pipeline, Model, Output, Influx")]
    public async Task Run_UnknownSettingKey_IsRefusedNotIgnored(string set, string expected, string listed)
    {
        // An ignored misspelt key leaves the default in force without a word.
        var (code, _, error) = await RunAsync("run", "--set", set, "--bootstrap", "127.0.0.1:9");

        Assert.Equal(2, code);
        var line = Assert.Single(Lines(error));
        Assert.StartsWith(expected, line, StringComparison.Ordinal);
        Assert.Contains(listed, line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Pipeline:BatchSize:Extra=1", "error: settings: Pipeline:BatchSize is a value, not a section")]
    [InlineData("Pipeline:Events:OnsetProbabilty=0.7", "error: settings: Pipeline:Events:OnsetProbabilty is not a setting")]
    [InlineData("Pipeline:Events=3", "error: settings: Pipeline:Events is a section, not a value")]
    [InlineData("Kafka:Properties=foo", "error: settings: Kafka:Properties holds properties")]
    [InlineData("Kafka:Properties:bogus.thing=1", "error: Kafka: librdkafka refused a property: No such configuration property: \"bogus.thing\"")]
    public async Task Run_NestedOrLibrdkafkaKeysNothingReads_AreRefusedInOneLine(string set, string expected)
    {
        var (code, _, error) = await RunAsync("run", "--set", set, "--bootstrap", "127.0.0.1:9");

        Assert.Equal(2, code);
        Assert.StartsWith(expected, Assert.Single(Lines(error)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Pipeline:BatchSize=", "error: settings: Pipeline:BatchSize: '' is not a whole number")]
    [InlineData("Pipeline:BatchSize=lots", "error: settings: Pipeline:BatchSize: 'lots' is not a whole number")]
    [InlineData("Pipeline:BatchTimeout=250ms", "error: settings: Pipeline:BatchTimeout: '250ms' is not a time span as [d.]hh:mm:ss[.fff] (00:00:00.250 is 250 ms; a bare number is days)")]
    [InlineData("Model:Device=tpu", "error: settings: Model:Device: 'tpu' is not one of Cpu, Cuda")]
    public async Task Run_AValueOfTheWrongKind_SaysWhatTheKeyTakes(string set, string expected)
    {
        // The binder's own message names a .NET type (System.Int32); the user needs the form.
        var (code, _, error) = await RunAsync("run", "--set", set, "--bootstrap", "127.0.0.1:9");

        Assert.Equal(2, code);
        Assert.Equal(expected, Assert.Single(Lines(error)));
    }

    [Fact]
    public async Task Run_ASettingsFileThatIsNotJson_IsRefusedNamingTheFileLineAndByte()
    {
        using var temp = new TempFolder();
        var file = temp.File("appsettings.json");
        File.WriteAllText(file, "{\n  \"Pipeline\": {\n    \"BatchSize\" 8\n  }\n}\n");

        var (code, _, error) = await RunAsync("run", "--config", file, "--bootstrap", "127.0.0.1:9");

        Assert.Equal(2, code);
        var line = Assert.Single(Lines(error));
        Assert.StartsWith($"error: {file}: not valid JSON at line 3, byte ", line, StringComparison.Ordinal);
        Assert.DoesNotContain("Failed to load configuration", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_AKeyGivenTwice_TheLaterWins_TheCommandsOwnOptionLast()
    {
        // Two --set of one key (in any case), and --topic after --set Kafka:FramesTopic: no .NET
        // "same key" error; the run gets as far as the unreachable broker.
        var (code, _, error) = await RunAsync("run", "--set", "pipeline:batchsize=8", "--set", "Pipeline:BatchSize=16", "--set", "Kafka:FramesTopic=c.d", "--topic", "a.b", "--bootstrap", "127.0.0.1:9");

        Assert.Equal(2, code);
        Assert.DoesNotContain("same key", error, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1:9", error, StringComparison.Ordinal);
        Assert.Contains("a.b", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_LibrdkafkaPropertiesAndKnownKeys_AreAccepted()
    {
        // Kafka:Properties:* are librdkafka's own names; they pass to the client, so the run gets as far as the broker.
        var (code, _, error) = await RunAsync("run", "--set", "Kafka:Properties:socket.timeout.ms=1000", "--set", "pipeline:batchsize=16", "--bootstrap", "127.0.0.1:9");

        Assert.Equal(2, code);
        Assert.DoesNotContain("is not a setting", error, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1:9", error, StringComparison.Ordinal);
    }

    private static string? Junk(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type == typeof(int) || type == typeof(double) ? "lots"
            : type == typeof(DateTime) ? "yesterday"
            : type.IsEnum ? "nosuchkind"
            : null;
    }

    private static List<string> Lines(string text) => [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r'))];
}
