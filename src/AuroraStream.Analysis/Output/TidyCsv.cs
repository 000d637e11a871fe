using System.Globalization;
using System.Text;
using AuroraStream.Analysis.GeoEffect;
using AuroraStream.Analysis.Occurrence;

namespace AuroraStream.Analysis.Output;

/// <summary>Writes the analyses' tables as tidy CSV (invariant culture; empty cell = no value).</summary>
public static class TidyCsv
{
    /// <summary>Header of the occurrence table.</summary>
    public const string OccurrenceHeader = "parameter,bin_low,bin_high,label,n_label,n_valid,rate,ci_low,ci_high";

    /// <summary>Header of the geoeffectiveness table.</summary>
    public const string GeoEffectHeader = "label,quantity,n,q1,median,q3,p90,min,max";

    /// <summary>Writes the occurrence table.</summary>
    public static void WriteOccurrence(string path, IEnumerable<OccurrenceRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        using var w = new StreamWriter(path, false, new UTF8Encoding(false));
        w.WriteLine(OccurrenceHeader);
        foreach (var r in rows)
        {
            w.WriteLine(string.Join(',', r.Parameter, Number(r.BinLow), Number(r.BinHigh), Text(r.Label), r.NLabel.ToString(CultureInfo.InvariantCulture), r.NValid.ToString(CultureInfo.InvariantCulture), Number(r.Rate), Number(r.CiLow), Number(r.CiHigh)));
        }
    }

    /// <summary>Writes the geoeffectiveness table.</summary>
    public static void WriteGeoEffect(string path, IEnumerable<GeoEffectRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        using var w = new StreamWriter(path, false, new UTF8Encoding(false));
        w.WriteLine(GeoEffectHeader);
        foreach (var r in rows)
        {
            var d = r.Distribution;
            w.WriteLine(string.Join(',', Text(r.Label), r.Quantity, d.Count.ToString(CultureInfo.InvariantCulture), Number(d.Q1), Number(d.Median), Number(d.Q3), Number(d.P90), Number(d.Min), Number(d.Max)));
        }
    }

    /// <summary>A number as the CSV writes it: shortest round-trip form, empty for NaN.</summary>
    public static string Number(double value) => double.IsNaN(value) ? string.Empty : value.ToString("R", CultureInfo.InvariantCulture);

    private static string Text(string value) =>
        value.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : value;
}
