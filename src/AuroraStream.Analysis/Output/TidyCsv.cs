using System.Globalization;
using AuroraStream.Analysis.GeoEffect;
using AuroraStream.Analysis.Occurrence;
using CsvHelper;

namespace AuroraStream.Analysis.Output;

/// <summary>
/// Writes the analyses' tables as tidy CSV through CsvHelper (RFC 4180: a field with a comma, quote or
/// line break is quoted; invariant culture; LF line ends; empty cell = no value).
/// </summary>
public static class TidyCsv
{
    private static readonly CsvWriterOptions Options = new() { NewLine = "\n", FormatProvider = CultureInfo.InvariantCulture };

    /// <summary>Header of the occurrence table.</summary>
    public const string OccurrenceHeader = "parameter,bin_low,bin_high,label,n_label,n_valid,rate,ci_low,ci_high";

    /// <summary>Header of the geoeffectiveness table.</summary>
    public const string GeoEffectHeader = "label,quantity,n,q1,median,q3,p90,min,max";

    /// <summary>Writes the occurrence table.</summary>
    public static void WriteOccurrence(string path, IEnumerable<OccurrenceRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        using var w = CsvWriter.ToFile(path, Options);
        w.WriteHeader(OccurrenceHeader.Split(','));
        foreach (var r in rows)
        {
            w.WriteRecord([r.Parameter, Number(r.BinLow), Number(r.BinHigh), r.Label, r.NLabel.ToString(CultureInfo.InvariantCulture), r.NValid.ToString(CultureInfo.InvariantCulture), Number(r.Rate), Number(r.CiLow), Number(r.CiHigh)]);
        }
    }

    /// <summary>Writes the geoeffectiveness table.</summary>
    public static void WriteGeoEffect(string path, IEnumerable<GeoEffectRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        using var w = CsvWriter.ToFile(path, Options);
        w.WriteHeader(GeoEffectHeader.Split(','));
        foreach (var r in rows)
        {
            var d = r.Distribution;
            w.WriteRecord([r.Label, r.Quantity, d.Count.ToString(CultureInfo.InvariantCulture), Number(d.Q1), Number(d.Median), Number(d.Q3), Number(d.P90), Number(d.Min), Number(d.Max)]);
        }
    }

    /// <summary>A number as the CSV writes it: shortest round-trip form, empty for NaN.</summary>
    public static string Number(double value) => double.IsNaN(value) ? string.Empty : value.ToString("R", CultureInfo.InvariantCulture);
}
