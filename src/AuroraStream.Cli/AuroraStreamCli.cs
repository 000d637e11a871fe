using System.CommandLine;
using AuroraStream.Cli.Commands;

namespace AuroraStream.Cli;

/// <summary>The <c>aurorastream</c> command line: builds the command tree and runs it.</summary>
public static class AuroraStreamCli
{
    /// <summary>Exit code when every input was processed.</summary>
    public const int Success = 0;

    /// <summary>Exit code for a bad command line: an unknown option, a value an option does not accept, a missing one.</summary>
    public const int UsageError = 1;

    /// <summary>Exit code when at least one input failed.</summary>
    public const int InputFailed = 2;

    /// <summary>Runs the command line, writing to the given writers.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        var parsed = CreateRoot(output, error).Parse(args);

        // A bad command line is one line per problem and exit 1 (System.CommandLine's own report
        // names .NET types and prints the whole help).
        if (CommandErrors.Find(parsed) is { Count: > 0 } problems)
        {
            foreach (var problem in problems)
            {
                error.WriteLine($"error: {problem}");
            }

            return UsageError;
        }

        var configuration = new InvocationConfiguration { Output = output, Error = error };
        return await parsed.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The command tree, writing to the given writers.</summary>
    internal static RootCommand CreateRoot(TextWriter output, TextWriter error) =>
        new("AuroraStream: THEMIS all-sky imager frames, labelled live and from the archive.")
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
}
