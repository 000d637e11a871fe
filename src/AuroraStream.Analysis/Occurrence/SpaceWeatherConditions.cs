using AuroraStream.Analysis.Statistics;
using AuroraStream.Core;
using AuroraStream.Formats.SpaceWeather;

namespace AuroraStream.Analysis.Occurrence;

/// <summary>A parameter frames are binned by.</summary>
/// <param name="Name">Name used in the CSV and plots (e.g. <c>bz</c>).</param>
/// <param name="Label">Axis label with unit.</param>
/// <param name="Bins">Bin edges.</param>
/// <param name="Value">The parameter for a frame; NaN when its inputs are missing.</param>
public sealed record OccurrenceParameter(string Name, string Label, BinEdges Bins, Func<LabelledFrame, double> Value)
{
    /// <summary>Names of the bins for a categorical parameter (e.g. month names), or null to label bins by their interval.</summary>
    public IReadOnlyList<string>? BinNames { get; init; }
}

/// <summary>
/// The conditions at each labelled frame: OMNI solar wind and IMF (as published, time-shifted to the
/// bow-shock nose, plus an optional extra lag), Kp, AE, SYM-H and the site's magnetic local time.
/// </summary>
public sealed class SpaceWeatherConditions
{
    private readonly RegularSeries? _bz;
    private readonly RegularSeries? _by;
    private readonly RegularSeries? _speed;
    private readonly RegularSeries? _density;
    private readonly RegularSeries? _pdyn;
    private readonly RegularSeries? _kp;
    private readonly RegularSeries? _ae;
    private readonly RegularSeries? _symH;
    private readonly StationCatalog? _stations;
    private readonly TimeSpan _lag;

    /// <summary>Creates the join.</summary>
    /// <param name="omni">OMNI series (bz_gsm, by_gsm, speed, proton_density, pdyn; sym_h and ae when present).</param>
    /// <param name="kp">Kp; falls back to OMNI's kp when null.</param>
    /// <param name="indices">AE/SYM-H from Kyoto files, preferred over OMNI's columns; may be null.</param>
    /// <param name="stations">Station coordinates for MLT; may be null.</param>
    /// <param name="extraLag">Added to OMNI's own time shift: conditions are taken at frame time minus this.</param>
    public SpaceWeatherConditions(SeriesSet omni, RegularSeries? kp, SeriesSet? indices, StationCatalog? stations, TimeSpan extraLag)
    {
        ArgumentNullException.ThrowIfNull(omni);
        _bz = omni["bz_gsm"];
        _by = omni["by_gsm"];
        _speed = omni["speed"];
        _density = omni["proton_density"];
        _pdyn = omni["pdyn"];
        _kp = kp ?? omni["kp"];
        _ae = indices?["ae"] ?? omni["ae"];
        _symH = indices?["sym_h"] ?? omni["sym_h"];
        _stations = stations;
        _lag = extraLag;
    }

    /// <summary>The standard parameters, with the bins used in the published occurrence studies' ranges.</summary>
    public IReadOnlyList<OccurrenceParameter> Parameters() =>
    [
        new("bz", "IMF Bz GSM (nT)", BinEdges.Uniform(-10, 10, 2), f => Sample(_bz, f)),
        new("by", "IMF By GSM (nT)", BinEdges.Uniform(-10, 10, 2), f => Sample(_by, f)),
        new("clock_angle", "IMF clock angle (deg, 0 = north)", BinEdges.Uniform(0, 360, 45), ClockAngle),
        new("vsw", "Solar wind speed (km/s)", BinEdges.Uniform(250, 800, 50), f => Sample(_speed, f)),
        new("np", "Proton density (cm^-3)", BinEdges.Uniform(0, 20, 2), f => Sample(_density, f)),
        new("pdyn", "Dynamic pressure (nPa)", BinEdges.Uniform(0, 10, 1), f => Sample(_pdyn, f)),
        new("kp", "Kp", BinEdges.Uniform(0, 9, 1), f => _kp?.ValueAt(f.Time) ?? double.NaN),
        new("ae", "AE (nT)", BinEdges.Uniform(0, 1500, 100), f => _ae?.ValueAt(f.Time) ?? double.NaN),
        new("sym_h", "SYM-H (nT)", BinEdges.Uniform(-150, 50, 10), f => _symH?.ValueAt(f.Time) ?? double.NaN),
        new("mlt", "Magnetic local time (h)", BinEdges.Uniform(0, 24, 1), Mlt),
        new("ut_hour", "UT hour", BinEdges.Uniform(0, 24, 1), f => f.Time.TimeOfDay.TotalHours),
        new("month", "Month", BinEdges.Uniform(1, 13, 1), f => f.Time.Month) { BinNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"] },
    ];

    /// <summary>The site's MLT at the frame, NaN when the site has no CGM coordinates.</summary>
    public double Mlt(LabelledFrame frame) => _stations?.Find(frame.Site)?.MagneticLocalTime(frame.Time) ?? double.NaN;

    private double Sample(RegularSeries? series, LabelledFrame frame) => series?.ValueAt(frame.Time - _lag) ?? double.NaN;

    private double ClockAngle(LabelledFrame frame)
    {
        var by = Sample(_by, frame);
        var bz = Sample(_bz, frame);
        if (double.IsNaN(by) || double.IsNaN(bz))
        {
            return double.NaN;
        }

        var angle = Math.Atan2(by, bz) * 180 / Math.PI;
        return angle < 0 ? angle + 360 : angle;
    }
}
