using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Text.RegularExpressions;

namespace AuroraStream.Cli;

/// <summary>
/// Turns what is wrong with a command line into lines in the user's words: which option, what was
/// given, what is accepted. System.CommandLine's own messages name .NET types
/// (<c>System.Nullable`1[System.DateTime]</c>) and print the whole help; these name the option as
/// typed and point at <c>--help</c>.
/// </summary>
internal static partial class CommandErrors
{
    private const string Program = "aurorastream";

    /// <summary>One line per problem of the command line, without the <c>error:</c> prefix; empty when it is fine.</summary>
    public static IReadOnlyList<string> Find(ParseResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.Action is HelpAction)
        {
            return [];
        }

        var command = result.CommandResult;
        var path = CommandPath(command);
        var lines = new List<string>();
        string? previous = null;
        foreach (var token in result.UnmatchedTokens)
        {
            // A value after an unknown option (--sed 4) belongs to it: one line for both.
            if (token.StartsWith('-') || previous?.StartsWith('-') != true)
            {
                lines.Add(Unknown(token, command, path));
            }

            previous = token;
        }

        // A token such as --bogus that a path argument swallowed: nothing names a file like that.
        foreach (var argument in command.Children.OfType<ArgumentResult>())
        {
            foreach (var token in argument.Tokens)
            {
                if (token.Value.Length > 1 && token.Value[0] == '-' && !File.Exists(token.Value) && !Directory.Exists(token.Value))
                {
                    lines.Add(Unknown(token.Value, command, path));
                }
            }
        }

        var structural = false;
        foreach (var error in result.Errors)
        {
            switch (error.SymbolResult)
            {
                case OptionResult option:
                    lines.Add(Describe(option, error));
                    break;
                case ArgumentResult { Parent: OptionResult option }:
                    lines.Add(Describe(option, error));
                    break;
                case ArgumentResult argument when argument.Tokens.Count == 0:
                    lines.Add($"'{path}' needs {Token(argument.Argument)}: {argument.Argument.Description} (see '{path} --help')");
                    break;
                default:
                    structural = true;
                    if (!IsStructural(error.Message))
                    {
                        lines.Add(Clean(error.Message));
                    }

                    break;
            }
        }

        if (structural || lines.Count > 0)
        {
            foreach (var option in command.Command.Options.Where(o => o.Required && command.GetResult(o) is null))
            {
                lines.Add($"'{path}' needs {option.Name}: {option.Description}");
            }

            if (command.Command.Subcommands.Count > 0 && command.Command.Action is null && lines.Count == 0)
            {
                lines.Add($"'{path}' needs one of: {string.Join(", ", command.Command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name))} (see '{path} --help')");
            }
        }

        return lines.Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>The line for a bad option value, or the validator's own line (already in the user's words).</summary>
    private static string Describe(OptionResult option, ParseError error)
    {
        if (error.Message.StartsWith("--", StringComparison.Ordinal))
        {
            return error.Message;
        }

        var name = option.Option.Name;
        var type = ElementType(option.Option.ValueType);
        var tokens = option.Tokens.Select(t => t.Value).ToList();
        if (option.IdentifierToken is null)
        {
            return $"'{CommandPath(option.Parent as CommandResult)}' needs {name}: {option.Option.Description}";
        }

        if (tokens.Count == 0)
        {
            return $"{name} needs a value: {Expected(type) ?? option.Option.Description}";
        }

        if (Expected(type) is { } expected)
        {
            foreach (var token in tokens.Where(t => !Accepts(type, t)))
            {
                return $"{name} '{token}': expected {expected}";
            }
        }

        if (tokens.Count > 1 && option.Option.Arity.MaximumNumberOfValues == 1)
        {
            return $"{name} was given {tokens.Count} values ({string.Join(", ", tokens.Select(t => $"'{t}'"))}): expected one";
        }

        return $"{name} '{string.Join(" ", tokens)}': {Clean(error.Message)}";
    }

    private static string Unknown(string token, CommandResult command, string path)
    {
        var what = token.StartsWith('-') ? "unknown option" : "unexpected argument";
        var names = command.Command.Options.SelectMany(o => o.Aliases.Prepend(o.Name))
            .Concat(command.Command.Subcommands.Select(c => c.Name))
            .Where(n => n.StartsWith('-') == token.StartsWith('-'));
        var suggestion = names.Select(n => (Name: n, Distance: Distance(n, token))).Where(n => n.Distance <= 2).OrderBy(n => n.Distance).Select(n => n.Name).FirstOrDefault();
        return $"{what} '{token}' for '{path}'{(suggestion is null ? string.Empty : $" (did you mean {suggestion}?)")}; see '{path} --help'";
    }

    private static string CommandPath(CommandResult? command)
    {
        var names = new List<string>();
        for (SymbolResult? symbol = command; symbol is not null; symbol = symbol.Parent)
        {
            if (symbol is CommandResult c)
            {
                names.Add(c.Parent is null ? Program : c.Command.Name);
            }
        }

        names.Reverse();
        return string.Join(' ', names);
    }

    private static string Token(Argument argument) => $"<{argument.Name}>";

    private static Type ElementType(Type type)
    {
        if (type.IsArray)
        {
            type = type.GetElementType()!;
        }

        return Nullable.GetUnderlyingType(type) ?? type;
    }

    private static string? Expected(Type type)
    {
        if (type.IsEnum)
        {
            return $"one of {string.Join(", ", Enum.GetNames(type).Select(n => n.ToLowerInvariant()))}";
        }

        return type == typeof(int) || type == typeof(long) ? "a whole number"
            : type == typeof(double) || type == typeof(float) || type == typeof(decimal) ? "a number, such as 0.5 or 1e-3"
            : type == typeof(bool) ? "true or false"
            : type == typeof(DateTime) || type == typeof(DateTimeOffset) ? "a UTC date or time, such as 2020-01-01 or 2020-01-01T06:30:00"
            : type == typeof(TimeSpan) ? "a duration, such as 00:05:00"
            : null;
    }

    private static bool Accepts(Type type, string token)
    {
        if (type.IsEnum)
        {
            return !token.All(char.IsAsciiDigit) && Enum.TryParse(type, token, ignoreCase: true, out _);
        }

        return type == typeof(int) ? int.TryParse(token, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)
            : type == typeof(long) ? long.TryParse(token, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)
            : type == typeof(double) || type == typeof(float) || type == typeof(decimal) ? double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
            : type == typeof(bool) ? bool.TryParse(token, out _)
            : type == typeof(DateTime) || type == typeof(DateTimeOffset) ? DateTime.TryParse(token, CultureInfo.InvariantCulture, DateTimeStyles.None, out _)
            : type != typeof(TimeSpan) || TimeSpan.TryParse(token, CultureInfo.InvariantCulture, out _);
    }

    /// <summary>Messages about the command as a whole (unknown tokens, missing options), which the lines above say better.</summary>
    private static bool IsStructural(string message) =>
        message.StartsWith("Unrecognized command or argument", StringComparison.Ordinal)
        || message.StartsWith("Required command was not provided", StringComparison.Ordinal)
        || (message.StartsWith("Option '", StringComparison.Ordinal) && message.EndsWith("is required.", StringComparison.Ordinal));

    /// <summary>A System.CommandLine message with its .NET type names said in words.</summary>
    private static string Clean(string message) => TypeName().Replace(message, m => Expected(Type.GetType(m.Groups["type"].Value) ?? typeof(object)) ?? "a valid value").TrimEnd('.');

    private static int Distance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var previous = row[0];
            row[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var current = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), previous + (a[i - 1] == b[j - 1] ? 0 : 1));
                previous = current;
            }
        }

        return row[b.Length];
    }

    [GeneratedRegex(@"'System\.Nullable`1\[(?<type>[^\]]+)\]'|'(?<type>System\.[A-Za-z0-9.]+)'")]
    private static partial Regex TypeName();
}
