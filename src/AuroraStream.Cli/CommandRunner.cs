using System.Text.Json;
using AuroraStream.Influx;
using AuroraStream.Training;

namespace AuroraStream.Cli;

/// <summary>
/// A command-line mistake found while a command runs (options that contradict each other, an
/// option value only the command can check): one line, exit 1, like a parse error.
/// </summary>
internal sealed class UsageException(string message) : ArgumentException(message);

/// <summary>
/// Runs the body of every command: the one place where failures become exit codes and lines on
/// stderr. A command-line mistake is one <c>error:</c> line and exit 1 (<see cref="UsageException"/>);
/// a bad input, an unreachable server or a refused setting is one <c>error:</c> line and exit 2;
/// anything else is a bug and keeps its stack trace.
/// </summary>
internal static class CommandRunner
{
    /// <summary>Runs an asynchronous command body.</summary>
    public static async Task<int> RunAsync(TextWriter error, Func<Task<int>> body)
    {
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(body);
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (UsageException e)
        {
            error.WriteLine($"error: {e.Message}");
            return AuroraStreamCli.UsageError;
        }
        catch (Exception e) when (IsReported(e))
        {
            error.WriteLine($"error: {Message(e)}");
            return AuroraStreamCli.InputFailed;
        }
    }

    /// <summary>Runs a synchronous command body.</summary>
    public static Task<int> RunAsync(TextWriter error, Func<int> body) => RunAsync(error, () => Task.FromResult(body()));

    /// <summary>
    /// <see cref="RunAsync(TextWriter, Func{Task{int}})"/> for the commands that run TorchSharp: first
    /// makes sure this build has libtorch, and has the C library keep the memory libtorch frees
    /// (<see cref="TorchRuntime.KeepFreedMemory"/>).
    /// </summary>
    public static Task<int> RunTorchAsync(TextWriter error, Func<Task<int>> body) => RunAsync(error, () =>
    {
        TorchRuntime.EnsureAvailable();
        TorchRuntime.KeepFreedMemory();
        return body();
    });

    /// <summary>Writes the per-input failures a command collected, one <c>error:</c> line each.</summary>
    public static void ReportFailures(TextWriter error, IEnumerable<string> failures)
    {
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(failures);
        foreach (var failure in failures)
        {
            error.WriteLine($"error: {failure}");
        }
    }

    /// <summary>Whether a failure is one the user can act on from its message alone (not a bug).</summary>
    internal static bool IsReported(Exception e) =>
        e is ArgumentException or IOException or InvalidDataException or UnauthorizedAccessException or JsonException or InfluxException or HttpRequestException
            or TrainingRuntimeUnavailableException
        || (e is AggregateException a && a.InnerExceptions.Count > 0 && a.InnerExceptions.All(IsReported));

    private static string Message(Exception e) => e switch
    {
        AggregateException a => string.Join("; ", a.InnerExceptions.Select(Message).Distinct()),
        ArgumentException => OneLine(e.Message),
        _ => e.Message,
    };

    /// <summary>
    /// An argument exception's message in the user's words and on one line: without .NET's
    /// "(Parameter 'X')" suffix, with "Actual value was V." as "(given: V)".
    /// </summary>
    internal static string OneLine(string message)
    {
        var lines = message.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var text = System.Text.RegularExpressions.Regex.Replace(lines.Length > 0 ? lines[0] : message, @"\s*\(Parameter '[^']*'\)$", string.Empty);
        var actual = lines.Skip(1).FirstOrDefault(l => l.StartsWith("Actual value was ", StringComparison.Ordinal));
        return actual is null ? text : $"{text.TrimEnd()} (given: {actual["Actual value was ".Length..].TrimEnd('.')})";
    }
}
