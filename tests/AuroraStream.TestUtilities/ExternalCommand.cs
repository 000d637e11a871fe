using System.Diagnostics;

namespace AuroraStream.TestUtilities;

/// <summary>What a finished command returned and printed.</summary>
/// <param name="Code">Exit code.</param>
/// <param name="Output">Standard output.</param>
/// <param name="Error">Standard error.</param>
public sealed record CommandResult(int Code, string Output, string Error);

/// <summary>Runs another program to the end (docker-compose, bash, dotnet), capturing what it prints.</summary>
public static class ExternalCommand
{
    /// <summary>
    /// Runs <paramref name="file"/> with <paramref name="args"/>; past <paramref name="timeout"/> the program and
    /// its children are killed and <see cref="TimeoutException"/> names the command. A program that is not
    /// installed throws <see cref="InvalidOperationException"/> with <paramref name="missing"/> when given.
    /// </summary>
    public static CommandResult Run(string file, IEnumerable<string> args, TimeSpan timeout, string? workingDirectory = null, IReadOnlyDictionary<string, string>? environment = null, string? missing = null)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = workingDirectory ?? "" };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException($"{file} did not start");
        }
        catch (System.ComponentModel.Win32Exception e) when (missing is not null)
        {
            throw new InvalidOperationException(missing, e);
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{file} {string.Join(' ', info.ArgumentList)} did not finish within {timeout.TotalSeconds:0} s");
            }

            return new CommandResult(process.ExitCode, output.Result, error.Result);
        }
    }
}
