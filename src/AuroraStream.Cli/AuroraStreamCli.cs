using System.CommandLine;
using AuroraStream.Cli.Commands;

namespace AuroraStream.Cli;

/// <summary>The <c>aurorastream</c> command line: builds the command tree and runs it.</summary>
public static class AuroraStreamCli
{
    /// <summary>Exit code when every input was processed.</summary>
    public const int Success = 0;

    /// <summary>Exit code for a bad command line (System.CommandLine's own).</summary>
    public const int UsageError = 1;

    /// <summary>Exit code when at least one input failed.</summary>
    public const int InputFailed = 2;

    /// <summary>Runs the command line, writing to the given writers.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        var root = new RootCommand("AuroraStream: THEMIS all-sky imager frames, labelled live and from the archive.")
        {
            InspectCommand.Create(output, error),
            AnalyzeCommand.Create(output, error),
            SynthCommand.Create(output, error),
            TrainCommand.Create(output, error),
            EvaluateCommand.Create(output, error),
            ExportCommand.Create(output, error),
            ClassifyCommand.Create(output, error),
            StreamCommands.Publish(output, error),
            StreamCommands.Run(output, error),
            StreamCommands.Demo(output, error),
        };
        var configuration = new InvocationConfiguration { Output = output, Error = error };
        return await root.Parse(args).InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
    }
}
