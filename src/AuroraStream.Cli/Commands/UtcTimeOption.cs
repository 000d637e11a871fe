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
}
