using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace AuroraStream.Cli.Tests.Operations;

/// <summary>A dashboard's time range as Grafana's InfluxDB datasource turns it into <c>$timeFilter</c>.</summary>
internal sealed record GrafanaTimeRange(string RawFrom, string RawTo, DateTimeOffset From, DateTimeOffset To)
{
    /// <summary>A relative range such as the dashboards' defaults: <c>now-6h</c> to <c>now</c>.</summary>
    public static GrafanaTimeRange Relative(string rawFrom, DateTimeOffset now)
    {
        var match = Regex.Match(rawFrom, @"^now-(\d+)([dhms])$");
        Assert.True(match.Success, $"unsupported relative time '{rawFrom}'");
        var amount = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        var span = match.Groups[2].Value switch
        {
            "d" => TimeSpan.FromDays(amount),
            "h" => TimeSpan.FromHours(amount),
            "m" => TimeSpan.FromMinutes(amount),
            _ => TimeSpan.FromSeconds(amount),
        };
        return new GrafanaTimeRange(rawFrom, "now", now - span, now);
    }

    /// <summary>An absolute range, as picked in the time picker.</summary>
    public static GrafanaTimeRange Absolute(DateTimeOffset from, DateTimeOffset to) => new(string.Empty, string.Empty, from, to);

    /// <summary>What Grafana's InfluxDB datasource puts for <c>$timeFilter</c> (getTimeFilter / getInfluxTime).</summary>
    public string TimeFilter => $"time >= {InfluxTime(RawFrom, From)} and time <= {InfluxTime(RawTo, To)}";

    private static string InfluxTime(string raw, DateTimeOffset time)
    {
        if (raw == "now")
        {
            return "now()";
        }

        var parts = Regex.Match(raw, @"^now-(\d+)([dhms])$");
        return parts.Success ? $"now() - {parts.Groups[1].Value}{parts.Groups[2].Value}" : $"{time.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)}ms";
    }
}

/// <summary>A template variable's selected values and how Grafana formats them.</summary>
internal sealed record GrafanaVariable(string Name, bool Multi, bool IncludeAll, IReadOnlyList<string> Values)
{
    /// <summary>
    /// The InfluxDB datasource's interpolateQueryExpr: a variable that is neither multi-value nor
    /// has All is put in as it is; otherwise each value is regex-escaped and several are joined as
    /// <c>(a|b)</c>.
    /// </summary>
    public string Format()
    {
        if (!Multi && !IncludeAll)
        {
            return Values.Single();
        }

        var escaped = Values.Select(v => Regex.Replace(v, @"[\\^$*+?.()|\[\]{}\/]", @"\$0")).ToList();
        return escaped.Count == 1 ? escaped[0] : $"({string.Join('|', escaped)})";
    }
}

/// <summary>Grafana's macro and variable substitution for InfluxQL panels, and its interval calculation.</summary>
internal static class GrafanaTemplating
{
    private static readonly Regex VariablePattern = new(@"\$(\w+)|\$\{(\w+)\}|\[\[(\w+)\]\]", RegexOptions.CultureInvariant);

    /// <summary>The query as Grafana sends it to InfluxDB.</summary>
    public static string Interpolate(string query, GrafanaTimeRange range, string interval, IEnumerable<GrafanaVariable> variables)
    {
        var values = variables.ToDictionary(v => v.Name, v => v.Format(), StringComparer.Ordinal);
        values["timeFilter"] = range.TimeFilter;
        values["__interval"] = interval;
        values["interval"] = interval;
        values["__interval_ms"] = ParseDuration(interval).TotalMilliseconds.ToString(CultureInfo.InvariantCulture);
        var result = VariablePattern.Replace(query, m =>
        {
            var name = m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Success ? m.Groups[2].Value : m.Groups[3].Value;
            return values.TryGetValue(name, out var value) ? value : m.Value;
        });

        // Anything like $name left over is a macro or variable the dashboard uses but does not define.
        var left = Regex.Match(result, @"\$\{?\w+|\[\[\w+\]\]");
        Assert.False(left.Success, $"'{left.Value}' is not defined, in: {query}");
        return result;
    }

    /// <summary>
    /// <c>$__interval</c> as Grafana computes it: the range over the panel's data points (its
    /// maxDataPoints, else its width in pixels), rounded to a round interval, and never below the
    /// panel's min interval (else the datasource's timeInterval).
    /// </summary>
    public static string Interval(GrafanaTimeRange range, int maxDataPoints, string? minInterval)
    {
        var ms = RoundInterval((range.To - range.From).TotalMilliseconds / maxDataPoints);
        if (minInterval is not null)
        {
            ms = Math.Max(ms, (long)ParseDuration(minInterval).TotalMilliseconds);
        }

        return FormatDuration(ms);
    }

    public static TimeSpan ParseDuration(string text)
    {
        var match = Regex.Match(text.TrimStart('>'), @"^(\d+)(ms|s|m|h|d|w|y)$");
        Assert.True(match.Success, $"'{text}' is not a Grafana interval");
        var n = long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        return match.Groups[2].Value switch
        {
            "ms" => TimeSpan.FromMilliseconds(n),
            "s" => TimeSpan.FromSeconds(n),
            "m" => TimeSpan.FromMinutes(n),
            "h" => TimeSpan.FromHours(n),
            "d" => TimeSpan.FromDays(n),
            "w" => TimeSpan.FromDays(7 * n),
            _ => TimeSpan.FromDays(365 * n),
        };
    }

    /// <summary>Grafana's rangeutil.roundInterval table (milliseconds in, milliseconds out).</summary>
    public static long RoundInterval(double interval) => interval switch
    {
        < 15 => 10,
        < 35 => 20,
        < 75 => 50,
        < 150 => 100,
        < 350 => 200,
        < 750 => 500,
        < 1500 => 1000,
        < 3500 => 2000,
        < 7500 => 5000,
        < 12500 => 10000,
        < 17500 => 15000,
        < 25000 => 20000,
        < 45000 => 30000,
        < 90000 => 60000,
        < 210000 => 120000,
        < 450000 => 300000,
        < 750000 => 600000,
        < 1050000 => 900000,
        < 1500000 => 1200000,
        < 2700000 => 1800000,
        < 5400000 => 3600000,
        < 9000000 => 7200000,
        < 16200000 => 10800000,
        < 32400000 => 21600000,
        < 86400000 => 43200000,
        < 604800000 => 86400000,
        < 1814400000 => 604800000,
        < 3628800000 => 2592000000,
        _ => 31536000000,
    };

    /// <summary>Grafana's secondsToHms: the largest whole unit (y, d, h, m, s, ms).</summary>
    public static string FormatDuration(long ms)
    {
        var seconds = ms / 1000;
        static string Of(long n, string unit) => n.ToString(CultureInfo.InvariantCulture) + unit;
        if (seconds / 31536000 is var years and > 0)
        {
            return Of(years, "y");
        }

        if (seconds % 31536000 / 86400 is var days and > 0)
        {
            return Of(days, "d");
        }

        if (seconds % 86400 / 3600 is var hours and > 0)
        {
            return Of(hours, "h");
        }

        if (seconds % 3600 / 60 is var minutes and > 0)
        {
            return Of(minutes, "m");
        }

        return seconds % 60 is var s and > 0 ? Of(s, "s") : Of(ms, "ms");
    }
}

/// <summary>A dashboard file: its variables, panels (rows' panels included), targets and annotations.</summary>
internal sealed class GrafanaDashboard
{
    private GrafanaDashboard(string file, JsonElement root)
    {
        File = file;
        Root = root;
    }

    public string File { get; }

    public JsonElement Root { get; }

    public string Uid => Root.GetProperty("uid").GetString()!;

    public string DefaultFrom => Root.GetProperty("time").GetProperty("from").GetString()!;

    public static GrafanaDashboard Load(string path)
    {
        using var document = JsonDocument.Parse(System.IO.File.ReadAllText(path), new JsonDocumentOptions { AllowTrailingCommas = false });
        return new GrafanaDashboard(Path.GetFileName(path), document.RootElement.Clone());
    }

    public IEnumerable<JsonElement> Variables() =>
        Root.TryGetProperty("templating", out var t) ? t.GetProperty("list").EnumerateArray() : [];

    public IEnumerable<JsonElement> Annotations() =>
        Root.TryGetProperty("annotations", out var a) ? a.GetProperty("list").EnumerateArray().Where(x => x.TryGetProperty("query", out _)) : [];

    public IEnumerable<JsonElement> Panels()
    {
        foreach (var panel in Root.GetProperty("panels").EnumerateArray())
        {
            if (panel.GetProperty("type").GetString() == "row")
            {
                foreach (var inner in panel.TryGetProperty("panels", out var nested) ? nested.EnumerateArray() : Enumerable.Empty<JsonElement>())
                {
                    yield return inner;
                }
            }
            else
            {
                yield return panel;
            }
        }
    }

    public static string? Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public static bool Flag(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.True;
}
