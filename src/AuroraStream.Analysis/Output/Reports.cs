using System.Globalization;
using System.Text;
using AuroraStream.Analysis.GeoEffect;
using AuroraStream.Analysis.Occurrence;

namespace AuroraStream.Analysis.Output;

/// <summary>What went into an analysis, for the report's provenance section.</summary>
/// <param name="Command">The command line that produced it.</param>
/// <param name="Inputs">Input kinds and their paths.</param>
/// <param name="Filters">Time window, sites, lag.</param>
public sealed record AnalysisProvenance(string Command, IReadOnlyList<(string Kind, string Value)> Inputs, IReadOnlyList<string> Filters);

/// <summary>Writes the analyses' outputs into a folder: CSV, PNGs and a markdown report embedding them.</summary>
public static class Reports
{
    /// <summary>
    /// Writes <c>occurrence.csv</c>, one PNG per parameter, MLT heat maps and <c>occurrence.md</c>; returns
    /// the files written. With the <paramref name="selection"/> the frames went through, the report
    /// counts the frames read, those kept after the dark-sky exclusion and those analysed apart.
    /// </summary>
    public static IReadOnlyList<string> WriteOccurrence(string folder, OccurrenceResult result, AnalysisProvenance provenance, SkySelection? selection = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(provenance);
        Directory.CreateDirectory(folder);
        var written = new List<string>();
        var csv = Path.Combine(folder, "occurrence.csv");
        TidyCsv.WriteOccurrence(csv, result.Rows);
        written.Add(csv);

        var md = new StringBuilder();
        md.AppendLine("# Occurrence of auroral labels").AppendLine();
        Provenance(md, provenance);
        md.AppendLine("## Data coverage").AppendLine();
        md.AppendLine(Invariant($"- Time span{(selection is null ? string.Empty : " of the frames analysed")}: {Time(result.First)} to {Time(result.Last)}"));
        FrameCounts(md, "Frames read", result.Frames, Invariant($" at {result.FramesPerSite.Count} site(s): {string.Join(", ", result.FramesPerSite.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => Invariant($"{kv.Key} {kv.Value:N0}")))}"), selection);
        md.AppendLine(Invariant($"- Labels: {string.Join(", ", result.FramesPerLabel.OrderByDescending(kv => kv.Value).Select(kv => Invariant($"{kv.Key} {kv.Value:N0} ({100.0 * kv.Value / Math.Max(1, result.Frames):0.0}%)")))}"));
        md.AppendLine(Invariant($"- Rates are given only for bins with at least {result.MinCount} valid frames; intervals are Wilson 95% score intervals."));
        md.AppendLine();
        md.AppendLine("Frames are excluded from a parameter's table when its inputs are missing (OMNI gaps and fill values, Kp not yet published, sites without CGM coordinates for MLT) or fall outside its bins:").AppendLine();
        md.AppendLine("| parameter | frames used | missing inputs | outside the bins |");
        md.AppendLine("|---|---:|---:|---:|");
        foreach (var c in result.Coverage)
        {
            md.AppendLine(Invariant($"| {c.Parameter} | {c.Used:N0} | {c.Missing:N0} | {c.OutOfRange:N0} |"));
        }

        md.AppendLine().AppendLine("## Occurrence vs each parameter").AppendLine();
        foreach (var parameter in result.Parameters)
        {
            var png = $"occurrence_{parameter.Name}.png";
            Plots.Occurrence(Path.Combine(folder, png), result, parameter);
            written.Add(Path.Combine(folder, png));
            md.AppendLine($"### {parameter.Label}").AppendLine().AppendLine($"![Occurrence vs {parameter.Label}]({png})").AppendLine();
        }

        if (result.Heatmap is { } heatmap)
        {
            md.AppendLine($"## MLT x {heatmap.Parameter.Label}").AppendLine();
            foreach (var label in result.FramesPerLabel.Keys.Order(StringComparer.Ordinal))
            {
                var png = $"heatmap_mlt_{heatmap.Parameter.Name}_{Safe(label)}.png";
                Plots.Heatmap(Path.Combine(folder, png), heatmap, label);
                written.Add(Path.Combine(folder, png));
                md.AppendLine($"![{label} by MLT and {heatmap.Parameter.Label}]({png})").AppendLine();
            }
        }

        md.AppendLine("## Method").AppendLine();
        md.AppendLine("Each labelled frame is joined to 1-min OMNI solar wind and IMF (time-shifted to the bow-shock nose as published, plus the extra lag above), the 3-hour Kp interval holding it, AE and SYM-H at its minute, and the magnetic local time of its site (UT minus the UT of magnetic midnight from the station table). The occurrence rate of a label in a bin is the number of frames with that label divided by the number of valid frames in the bin. The full table is `occurrence.csv` (`" + TidyCsv.OccurrenceHeader + "`).");
        var report = Path.Combine(folder, "occurrence.md");
        File.WriteAllText(report, md.ToString(), new UTF8Encoding(false));
        written.Add(report);
        return written;
    }

    /// <summary>
    /// Writes <c>geoeffect.csv</c>, box plots and <c>geoeffect.md</c>; returns the files written. With the
    /// <paramref name="selection"/> the frames went through, the report counts the frames read, those
    /// kept after the dark-sky exclusion and those analysed apart.
    /// </summary>
    public static IReadOnlyList<string> WriteGeoEffect(string folder, GeoEffectResult result, AnalysisProvenance provenance, SkySelection? selection = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(provenance);
        Directory.CreateDirectory(folder);
        var written = new List<string>();
        var csv = Path.Combine(folder, "geoeffect.csv");
        TidyCsv.WriteGeoEffect(csv, result.Rows);
        written.Add(csv);
        var md = new StringBuilder();
        md.AppendLine("# Geoeffectiveness of auroral labels").AppendLine();
        Provenance(md, provenance);
        md.AppendLine("## Data coverage").AppendLine();
        FrameCounts(md, "Labelled frames read", result.Frames, string.Empty, selection);
        md.AppendLine(Invariant($"- Joined to a co-located magnetometer value: {result.Joined:N0}"));
        md.AppendLine(Invariant($"- Excluded, no magnetometer at the site: {result.NoMagnetometer:N0}"));
        md.AppendLine(Invariant($"- Excluded, magnetometer gap or outside its span: {result.NoData:N0}"));
        md.AppendLine(Invariant($"- Quiet-time baselines (station-days): {result.Baselines.Count}")).AppendLine();
        md.AppendLine("| label | quantity | n | q1 | median | q3 | p90 |").AppendLine("|---|---|---:|---:|---:|---:|---:|");
        foreach (var r in result.Rows)
        {
            var d = r.Distribution;
            md.AppendLine(Invariant($"| {r.Label} | {r.Quantity} | {d.Count:N0} | {d.Q1:0.00} | {d.Median:0.00} | {d.Q3:0.00} | {d.P90:0.00} |"));
        }

        md.AppendLine();
        foreach (var (quantity, axis) in new[] { ("dbdt", "|dB/dt| of H (nT/min)"), ("delta_h", "H - quiet baseline (nT)") })
        {
            var png = $"geoeffect_{quantity}.png";
            Plots.GroundPerturbation(Path.Combine(folder, png), result, quantity, axis);
            written.Add(Path.Combine(folder, png));
            md.AppendLine($"![{axis} by label]({png})").AppendLine();
        }

        md.AppendLine("## Method").AppendLine();
        md.AppendLine("Each labelled frame is joined to the magnetometer with the same site code, at the frame's UT minute (higher-cadence data are averaged to minutes). |dB/dt| is the absolute change of the horizontal component H from the previous minute. The baseline of a station and UT day is the median H over that day's three quietest hours (smallest standard deviation of H); the perturbation is H minus it. Boxes span the quartiles with the median; whiskers the 10th to 90th percentiles.");
        var report = Path.Combine(folder, "geoeffect.md");
        File.WriteAllText(report, md.ToString(), new UTF8Encoding(false));
        written.Add(report);
        return written;
    }

    /// <summary>
    /// The frames read, kept after the dark-sky exclusion and analysed, one line each; without a
    /// selection every frame read was analysed. <paramref name="sites"/> follows the frames analysed.
    /// </summary>
    private static void FrameCounts(StringBuilder md, string read, long analysed, string sites, SkySelection? selection)
    {
        if (selection is null)
        {
            md.AppendLine(Invariant($"- {read}: {analysed:N0}{sites}"));
            return;
        }

        var kept = selection.Distinct - selection.ExcludedSky;
        md.AppendLine(selection.Repeats == 0
            ? Invariant($"- {read}: {selection.Offered:N0}")
            : Invariant($"- {read}: {selection.Distinct:N0} ({selection.Offered:N0} rows, {selection.Repeats:N0} of them repeating a frame already read, {selection.ConflictingRepeats:N0} with a different label: the first label read is kept)"));
        md.AppendLine(selection.IncludeNonDark
            ? Invariant($"- Kept after the dark-sky exclusion: {kept:N0} (none left out: --include-twilight)")
            : Invariant($"- Kept after the dark-sky exclusion: {kept:N0} ({selection.ExcludedSky:N0} left out: {selection.ExcludedTwilight:N0} twilight, {selection.ExcludedDaylight:N0} daylight, {selection.ExcludedUnknown:N0} unknown)"));
        md.AppendLine(Invariant($"- Analysed, after leaving out {selection.ExcludedUncertain:N0} labelled uncertain{selection.ConfidenceNote}: {analysed:N0}{sites}"));
    }

    private static void Provenance(StringBuilder md, AnalysisProvenance provenance)
    {
        md.AppendLine($"Produced by `{provenance.Command}`.").AppendLine();
        foreach (var (kind, value) in provenance.Inputs)
        {
            md.AppendLine($"- {kind}: `{value}`");
        }

        foreach (var filter in provenance.Filters)
        {
            md.AppendLine($"- {filter}");
        }

        md.AppendLine();
    }

    private static string Time(DateTime? t) => t?.ToString("yyyy-MM-dd HH:mm:ss 'UT'", CultureInfo.InvariantCulture) ?? "-";

    private static string Safe(string label) => string.Concat(label.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_'));

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
