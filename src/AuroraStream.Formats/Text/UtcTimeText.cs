namespace AuroraStream.Formats.Text;

/// <summary>Which text forms <see cref="UtcTimeText.TryParse"/> accepts besides a date with a time.</summary>
[Flags]
public enum UtcTimeForms
{
    /// <summary>A date and a time of day.</summary>
    DateAndTime = 0,

    /// <summary>Also a date alone (midnight UTC), where a day is a sensible bound (<c>--from 2020-01-01</c>).</summary>
    DateOnly = 1,
}

/// <summary>
/// The one parser of UTC times written as text, used by every reader of text inputs (IAGA-2002, label
/// and OMNI CSV, OMNIWeb lists, Kyoto WDC, stream0 headers) and the CLI's time options. Accepts the
/// common ISO 8601 forms: <c>yyyy-MM-dd</c> (or <c>yyyyMMdd</c>), then <c>T</c> or a space, then
/// <c>HH:mm[:ss[.f...]]</c>, then nothing (UTC is assumed), <c>Z</c>, <c>UTC</c> or an offset
/// <c>±HH[:mm]</c> (converted to UTC). Fractions finer than 100 ns are truncated.
/// </summary>
/// <remarks>
/// A leap second (<c>23:59:60</c> UTC on the last day of a month, ITU-R TF.460-6 section 2.2) is
/// accepted and maps, as <see cref="Cdf.CdfTime.FromTt2000"/> maps TT2000 times inside one, to the last
/// 100-ns tick of its day, 23:59:59.9999999: <see cref="DateTime"/> has no 61st second, and the
/// order of samples is kept. Second 60 at any other time is refused.
/// </remarks>
public static class UtcTimeText
{
    /// <summary>Parses a UTC time; see the class remarks for the forms.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out DateTime utc, UtcTimeForms forms = UtcTimeForms.DateAndTime)
    {
        utc = default;
        var s = text.Trim();
        var p = 0;
        if (!TryDate(s, ref p, out var year, out var month, out var day))
        {
            return false;
        }

        if (p == s.Length)
        {
            return (forms & UtcTimeForms.DateOnly) != 0 && TryCreate(year, month, day, 0, 0, 0, 0, TimeSpan.Zero, out utc);
        }

        if (s[p] is not ('T' or 't' or ' '))
        {
            return false;
        }

        p++;
        if (!TwoDigits(s, ref p, out var hour) || !Expect(s, ref p, ':') || !TwoDigits(s, ref p, out var minute))
        {
            return false;
        }

        var second = 0;
        long fraction = 0;
        if (p < s.Length && s[p] == ':')
        {
            p++;
            if (!TwoDigits(s, ref p, out second))
            {
                return false;
            }

            if (p < s.Length && s[p] == '.')
            {
                p++;
                var digits = 0;
                while (p < s.Length && char.IsAsciiDigit(s[p]))
                {
                    if (digits < 7)
                    {
                        fraction = (fraction * 10) + (s[p] - '0');
                    }

                    digits++;
                    p++;
                }

                if (digits == 0)
                {
                    return false;
                }

                for (; digits < 7; digits++)
                {
                    fraction *= 10;
                }
            }
        }

        return TryZone(s[p..], out var offset) && TryCreate(year, month, day, hour, minute, second, fraction, offset, out utc);
    }

    /// <summary>Parses a UTC time or throws a <see cref="FormatException"/> quoting the text.</summary>
    public static DateTime Parse(string text, UtcTimeForms forms = UtcTimeForms.DateAndTime) =>
        TryParse(text, out var utc, forms)
            ? utc
            : throw new FormatException($"'{text}' is not a UTC time (ISO 8601: {Expected(forms)})");

    /// <summary>The forms accepted, for error messages.</summary>
    public static string Expected(UtcTimeForms forms = UtcTimeForms.DateAndTime) =>
        ((forms & UtcTimeForms.DateOnly) != 0 ? "yyyy-MM-dd or " : string.Empty) + "yyyy-MM-dd[T| ]HH:mm[:ss[.fff]][Z|+hh:mm]";

    /// <summary>
    /// A UTC time from its fields, with second 0-60 (60 only for a leap second, which maps to the
    /// last tick of its day) and a fraction in 100-ns ticks; the fields are local to
    /// <paramref name="offset"/> (UTC + offset), the result is UTC.
    /// </summary>
    public static bool TryCreate(int year, int month, int day, int hour, int minute, int second, long fractionTicks, TimeSpan offset, out DateTime utc)
    {
        utc = default;
        if (year is < 1 or > 9998 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)
            || hour is < 0 or > 23 || minute is < 0 or > 59 || second is < 0 or > 60 || fractionTicks is < 0 or >= TimeSpan.TicksPerSecond)
        {
            return false;
        }

        var local = new DateTime(year, month, day, hour, minute, Math.Min(second, 59), DateTimeKind.Unspecified);
        var atUtc = DateTime.SpecifyKind(local - offset, DateTimeKind.Utc);
        if (second == 60)
        {
            // Only 23:59:60 UTC on the last day of a month is a leap second.
            if (atUtc.TimeOfDay != new TimeSpan(23, 59, 59) || atUtc.Day != DateTime.DaysInMonth(atUtc.Year, atUtc.Month))
            {
                return false;
            }

            utc = InsideLeapSecond(atUtc.Date);
            return true;
        }

        utc = atUtc.AddTicks(fractionTicks);
        return true;
    }

    /// <summary>A UTC time from a year, a day of the year (1-366) and a time of day.</summary>
    public static bool TryCreateFromDayOfYear(int year, int dayOfYear, int hour, int minute, int second, out DateTime utc)
    {
        utc = default;
        if (year is < 1 or > 9998 || dayOfYear < 1 || dayOfYear > (DateTime.IsLeapYear(year) ? 366 : 365))
        {
            return false;
        }

        var date = new DateTime(year, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddDays(dayOfYear - 1);
        return TryCreate(date.Year, date.Month, date.Day, hour, minute, second, 0, TimeSpan.Zero, out utc);
    }

    /// <summary>
    /// Where an instant inside the leap second at the end of <paramref name="day"/> maps: the day's
    /// last 100-ns tick (the rule of <see cref="Cdf.CdfTime.FromTt2000"/>).
    /// </summary>
    public static DateTime InsideLeapSecond(DateTime day) => DateTime.SpecifyKind(day.Date.AddDays(1).AddTicks(-1), DateTimeKind.Utc);

    private static bool TryDate(ReadOnlySpan<char> s, ref int p, out int year, out int month, out int day)
    {
        month = day = 0;
        if (!Digits(s, ref p, 4, out year))
        {
            return false;
        }

        // Extended (2020-01-01) or basic (20200101) form.
        var extended = p < s.Length && s[p] == '-';
        if (extended)
        {
            p++;
        }

        if (!TwoDigits(s, ref p, out month) || (extended && !Expect(s, ref p, '-')))
        {
            return false;
        }

        return TwoDigits(s, ref p, out day);
    }

    private static bool TryZone(ReadOnlySpan<char> zone, out TimeSpan offset)
    {
        // A time without a zone is UTC, the convention of every input AuroraStream reads.
        offset = TimeSpan.Zero;
        if (zone.IsEmpty || zone is "Z" or "z" || zone.TrimStart(' ') is "UTC" or "UT")
        {
            return true;
        }

        var z = zone;
        if (z[0] is not ('+' or '-'))
        {
            return false;
        }

        var p = 1;
        if (!TwoDigits(z, ref p, out var hours))
        {
            return false;
        }

        var minutes = 0;
        if (p < z.Length)
        {
            if (z[p] == ':')
            {
                p++;
            }

            if (!TwoDigits(z, ref p, out minutes) || p != z.Length)
            {
                return false;
            }
        }

        if (hours > 23 || minutes > 59)
        {
            return false;
        }

        offset = new TimeSpan(hours, minutes, 0);
        if (z[0] == '-')
        {
            offset = -offset;
        }

        return true;
    }

    private static bool TwoDigits(ReadOnlySpan<char> s, ref int p, out int value) => Digits(s, ref p, 2, out value);

    private static bool Digits(ReadOnlySpan<char> s, ref int p, int count, out int value)
    {
        value = 0;
        if (p + count > s.Length)
        {
            return false;
        }

        for (var k = 0; k < count; k++)
        {
            var c = s[p + k];
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        p += count;
        return true;
    }

    private static bool Expect(ReadOnlySpan<char> s, ref int p, char c)
    {
        if (p < s.Length && s[p] == c)
        {
            p++;
            return true;
        }

        return false;
    }
}
