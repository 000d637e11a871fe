using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using AuroraStream.Core;
using AuroraStream.Formats.Detection;
using Spectre.Console;

namespace AuroraStream.Cli.Commands;

/// <summary><c>aurorastream inspect &lt;files or folders...&gt; [--json] [--verbose]</c>.</summary>
internal static class InspectCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var paths = new Argument<string[]>("paths")
        {
            Description = "Files or folders (walked recursively); files are recognised by content.",
            Arity = ArgumentArity.OneOrMore,
        };
        var json = new Option<bool>("--json") { Description = "Write one JSON object per frame (JSON lines) instead of a table." };
        var verbose = new Option<bool>("--verbose") { Description = "Print stack traces of failures." };
        var command = new Command("inspect", "Decode THEMIS ASI files (stream0 PGM, L1 CDF) and print one line per frame with its pixel statistics.")
        {
            paths,
            json,
            verbose,
        };
        command.SetAction((result, cancellationToken) => CommandRunner.RunAsync(error, () =>
        {
            var runner = new InspectRunner(output, error, result.GetValue(json), result.GetValue(verbose));
            return runner.Run(result.GetValue(paths) ?? [], cancellationToken);
        }));
        return command;
    }
}

/// <summary>Runs <c>inspect</c>: each input on its own, failures collected, a summary at the end.</summary>
internal sealed class InspectRunner(TextWriter output, TextWriter error, bool json, bool verbose)
{
    private readonly List<string> _failures = [];
    private readonly List<string> _notes = [];
    private int _files;
    private int _frames;
    private int _skipped;

    public int Run(IReadOnlyList<string> inputs, CancellationToken cancellationToken)
    {
        var console = CreateConsole(output);
        var repeated = 0;
        foreach (var (path, fromFolder) in AsiFiles.Expand(inputs, _ => repeated++))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!File.Exists(path))
            {
                _failures.Add($"{path}: no such file or directory");
                continue;
            }

            AsiFileKind kind;
            try
            {
                kind = AsiFiles.Detect(path);
            }
            catch (IOException e)
            {
                Fail(path, e);
                continue;
            }

            if (fromFolder && kind == AsiFileKind.Unknown)
            {
                _skipped++;
                continue;
            }

            _files++;
            if (kind is AsiFileKind.IdlSave or AsiFileKind.Png)
            {
                Describe(path, kind);
            }
            else
            {
                InspectFrames(console, path, kind, cancellationToken);
            }
        }

        if (repeated > 0)
        {
            _notes.Add(AsiFiles.RepeatedNote(repeated));
        }

        if (_files == 0 && _failures.Count == 0)
        {
            _failures.Add($"nothing to inspect in {string.Join(", ", inputs)}: no ASI frame file, skymap or OATH image was found");
        }

        WriteSummary();
        return _failures.Count == 0 ? AuroraStreamCli.Success : AuroraStreamCli.InputFailed;
    }

    private static IAnsiConsole CreateConsole(TextWriter writer)
    {
        var terminal = writer == Console.Out && !Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });

        // Redirected output has no width; a frame line is about 110 characters.
        if (!terminal || console.Profile.Width < 120)
        {
            console.Profile.Width = 140;
        }

        return console;
    }

    private void InspectFrames(IAnsiConsole console, string path, AsiFileKind kind, CancellationToken cancellationToken)
    {
        Table? table = json ? null : NewTable(path);
        var refused = new FrameRefusals(path);
        try
        {
            foreach (var frame in AsiFiles.ReadFrames(path, kind))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (refused.Refuses(frame))
                {
                    continue;
                }

                _frames++;
                var stats = frame.ComputeStatistics();
                if (table is null)
                {
                    output.WriteLine(ToJson(frame, stats));
                }
                else
                {
                    table.AddRow(
                        frame.Origin.Index.ToString(CultureInfo.InvariantCulture),
                        frame.Site,
                        frame.Imager,
                        FormatTime(frame.CaptureTime),
                        frame.Width.ToString(CultureInfo.InvariantCulture),
                        frame.Height.ToString(CultureInfo.InvariantCulture),
                        frame.ExposureMs?.ToString("0.###", CultureInfo.InvariantCulture) ?? "-",
                        stats.Min.ToString(CultureInfo.InvariantCulture),
                        stats.Max.ToString(CultureInfo.InvariantCulture),
                        stats.Mean.ToString("0.000", CultureInfo.InvariantCulture),
                        stats.Sum.ToString(CultureInfo.InvariantCulture));
                }
            }
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            Fail(path, e);
        }
        finally
        {
            if (refused.Message is { } message)
            {
                _failures.Add(message);
            }

            if (table is { Rows.Count: > 0 })
            {
                console.Write(table);
            }

            output.Flush();
        }
    }

    private static Table NewTable(string path)
    {
        var table = new Table { Border = TableBorder.Simple, Title = new TableTitle(Markup.Escape(path)) };
        foreach (var column in new[] { "index", "site", "imager", "time (UTC)", "width", "height", "exposure ms", "min", "max", "mean", "sum" })
        {
            var c = new TableColumn(column);
            if (column is not ("site" or "imager" or "time (UTC)"))
            {
                c.RightAligned();
            }

            table.AddColumn(c);
        }

        return table;
    }

    /// <summary>ISO 8601 UTC with microseconds, e.g. 2014-03-10T06:00:00.063119Z.</summary>
    internal static string FormatTime(DateTime utc) => utc.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    internal static string ToJson(AllSkyFrame frame, PixelStatistics stats)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("file", frame.Origin.Source);
            w.WriteNumber("index", frame.Origin.Index);
            w.WriteString("site", frame.Site);
            w.WriteString("imager", frame.Imager);
            w.WriteString("time", FormatTime(frame.CaptureTime));
            w.WriteNumber("width", frame.Width);
            w.WriteNumber("height", frame.Height);
            if (frame.ExposureMs is { } exposure)
            {
                w.WriteNumber("exposureMs", exposure);
            }
            else
            {
                w.WriteNull("exposureMs");
            }

            w.WriteNumber("min", stats.Min);
            w.WriteNumber("max", stats.Max);
            w.WriteNumber("mean", Math.Round(stats.Mean, 6));
            w.WriteNumber("sum", stats.Sum);
            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private void Describe(string path, AsiFileKind kind)
    {
        try
        {
            _notes.Add($"{path}: {NonFrameFiles.Describe(path, kind)}");
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            Fail(path, e);
        }
    }

    private void Fail(string path, Exception e)
    {
        var message = e is FileNotFoundException or DirectoryNotFoundException ? $"{path}: no such file or directory" : e.Message;
        if (!message.StartsWith(path, StringComparison.Ordinal))
        {
            message = $"{path}: {message}";
        }

        _failures.Add(verbose ? $"{message}{Environment.NewLine}{e}" : message);
    }

    private void WriteSummary()
    {
        foreach (var note in _notes)
        {
            error.WriteLine($"note: {note}");
        }

        foreach (var failure in _failures)
        {
            error.WriteLine($"error: {failure}");
        }

        var skipped = _skipped > 0 ? $", {NonFrameFiles.Skipped(_skipped)}" : string.Empty;
        error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"inspected {_files} file(s): {_frames} frame(s){skipped}; {_failures.Count} failed"));
    }
}
