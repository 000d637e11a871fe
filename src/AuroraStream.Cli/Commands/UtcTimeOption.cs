using System.CommandLine;
using AuroraStream.Formats.Text;

namespace AuroraStream.Cli.Commands;

/// <summary>
/// A <c>--from</c>/<c>--to</c> style option holding a UTC time, parsed by the same rules as the
/// readers' text times (<see cref="UtcTimeText"/>: ISO 8601, a date alone, offsets converted to UTC,
/// a leap second accepted), not by the culture-dependent <see cref="DateTime.Parse(string)"/>.
/// </summary>
internal static class UtcTimeOption
{
    public static Option<DateTime?> Create(string name, string description) => new(name)
    {
        Description = description,
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
            if (UtcTimeText.TryParse(text, out var utc, UtcTimeForms.DateOnly))
            {
                return utc;
            }

            result.AddError($"{name} '{text}': expected a UTC date or time ({UtcTimeText.Expected(UtcTimeForms.DateOnly)})");
            return null;
        },
    };

    /// <summary>
    /// Refuses, as a usage error, a window whose <paramref name="from"/> is not before its
    /// <paramref name="to"/> (<c>--from</c> is inclusive, <c>--to</c> exclusive): nothing could
    /// match, and an empty result would look like an empty archive.
    /// </summary>
    public static void RequireWindow(Command command, Option<DateTime?> from, Option<DateTime?> to)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Validators.Add(result =>
        {
            if (Given(result.GetResult(from)) is { } start && Given(result.GetResult(to)) is { } end && start >= end)
            {
                result.AddError($"{from.Name} {Text(start)} is not before {to.Name} {Text(end)}: no frame can fall in that window ({from.Name} is inclusive, {to.Name} exclusive)");
            }
        });
    }

    /// <summary>The time an option was given, or null when it was not given or did not parse (that error is reported on its own).</summary>
    private static DateTime? Given(System.CommandLine.Parsing.OptionResult? result)
    {
        if (result is null || result.Implicit || result.Errors.Any())
        {
            return null;
        }

        try
        {
            return result.GetValueOrDefault<DateTime?>();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static string Text(DateTime utc) => utc.ToString("yyyy-MM-dd'T'HH':'mm':'ss.FFFFFFF'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
