using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace AuroraStream.Cli;

/// <summary>
/// Checks of option values, run while the command line is parsed: a value out of range is a usage
/// error (exit 1) whose one line names the option as the user typed it, the value given and what
/// is accepted, before any work starts (not a component's setting name found halfway through).
/// </summary>
internal static class OptionRules
{
    /// <summary>A whole number of at least <paramref name="minimum"/>.</summary>
    public static Option<int> AtLeast(this Option<int> option, int minimum) =>
        option.Accepting(v => v >= minimum, Invariant($"a whole number of at least {minimum}"));

    /// <summary>A whole number of at least <paramref name="minimum"/>, when given.</summary>
    public static Option<int?> AtLeast(this Option<int?> option, int minimum) =>
        option.Accepting(v => v is null || v >= minimum, Invariant($"a whole number of at least {minimum}"));

    /// <summary>A whole number within [<paramref name="minimum"/>, <paramref name="maximum"/>], when given.</summary>
    public static Option<int?> Within(this Option<int?> option, int minimum, int maximum) =>
        option.Accepting(v => v is null || (v >= minimum && v <= maximum), Invariant($"a whole number from {minimum} to {maximum}"));

    /// <summary>A whole number within [<paramref name="minimum"/>, <paramref name="maximum"/>].</summary>
    public static Option<int> Within(this Option<int> option, int minimum, int maximum) =>
        option.Accepting(v => v >= minimum && v <= maximum, Invariant($"a whole number from {minimum} to {maximum}"));

    /// <summary>A finite number above zero.</summary>
    public static Option<double> Positive(this Option<double> option) =>
        option.Accepting(v => v > 0 && double.IsFinite(v), "a number above 0");

    /// <summary>A finite number of at least <paramref name="minimum"/>, when given.</summary>
    public static Option<double?> AtLeast(this Option<double?> option, double minimum) =>
        option.Accepting(v => v is null || (v >= minimum && double.IsFinite(v.Value)), Invariant($"a number of at least {minimum}"));

    /// <summary>Any finite number.</summary>
    public static Option<double> Finite(this Option<double> option) =>
        option.Accepting(double.IsFinite, "a finite number");

    /// <summary>A number in (<paramref name="above"/>, <paramref name="atMost"/>].</summary>
    public static Option<double> AboveAtMost(this Option<double> option, double above, double atMost) =>
        option.Accepting(v => v > above && v <= atMost, Invariant($"a number above {above} and at most {atMost}"));

    /// <summary>One of <paramref name="values"/> (any case), when given.</summary>
    public static Option<string?> OneOf(this Option<string?> option, params string[] values) =>
        option.Accepting(v => v is null || values.Contains(v, StringComparer.OrdinalIgnoreCase), $"one of {string.Join(", ", values)}");

    /// <summary>A value <paramref name="accept"/> accepts; <paramref name="expected"/> says what is accepted, in the user's words.</summary>
    public static Option<T> Accepting<T>(this Option<T> option, Func<T, bool> accept, string expected)
    {
        ArgumentNullException.ThrowIfNull(option);
        ArgumentNullException.ThrowIfNull(accept);
        option.Validators.Add(result =>
        {
            if (result.Implicit || result.Tokens.Count == 0)
            {
                return;
            }

            T value;
            try
            {
                value = result.GetValueOrDefault<T>()!;
            }
            catch (InvalidOperationException)
            {
                // The value did not convert: that parse error is reported on its own.
                return;
            }

            if (!accept(value))
            {
                result.AddError(Given(result, expected));
            }
        });
        return option;
    }

    /// <summary>The line for a value an option does not accept: <c>--steps '0': expected ...</c>.</summary>
    internal static string Given(OptionResult result, string expected) =>
        $"{result.Option.Name} '{string.Join(" ", result.Tokens.Select(t => t.Value))}': expected {expected}";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>An absolute http or https URL (an InfluxDB server's), or none.</summary>
    public static Option<string?> HttpUrl(this Option<string?> option) =>
        option.Accepting(v => v is null || (Uri.TryCreate(v, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"), "an absolute http:// or https:// URL, such as http://127.0.0.1:8086");
}
