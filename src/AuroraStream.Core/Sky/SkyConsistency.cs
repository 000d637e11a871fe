namespace AuroraStream.Core.Sky;

/// <summary>
/// Keeps a label consistent with the sky it was taken under: no frame is labelled <c>moon</c> while the
/// Moon is more than <see cref="MoonBelowDeg"/> degrees below the horizon.
/// </summary>
/// <remarks>
/// <para>The classifier's probabilities are a posterior under the training set's class prior. When the
/// ephemeris says the Moon is below -2 degrees (apparent elevation of its centre; the 2 degrees leave room
/// for the ephemeris error and for moonlight scattered over the horizon), the class is impossible: its prior
/// is zero. Bayes' rule with that prior sets its probability to 0 and divides the others by their sum
/// (1 - p_moon), which keeps their ratios; the label is then the most probable allowed class. In the
/// degenerate case where the model put all its mass on moon, the five others are given 0.2 each.</para>
/// <para>When p_moon was at least <see cref="RuledOutUncertainFrom"/>, the frame is also marked
/// <see cref="FramePrediction.RuledOutBySky"/> and so labelled <c>uncertain</c>: dividing a small
/// remainder by its sum would report, say, cloudy 0.85 from a model that gave cloudy 0.035, a
/// confidence the calibration never measured.</para>
/// <para>A frame taken with the Sun above the horizon (<see cref="SkyState.Daylight"/>) is marked
/// <see cref="FramePrediction.InDaylight"/> and so labelled <c>uncertain</c>, its probabilities kept: aurora
/// cannot be seen against the day sky and the model never learnt such frames (a daylight frame was
/// measured as arc, p = 0.93, with the model of 2026-11-30).</para>
/// <para>The out-of-distribution score and threshold and the input's structure are kept, so an uncertain frame stays uncertain.
/// Without known sky conditions nothing changes.</para>
/// </remarks>
public static class SkyConsistency
{
    /// <summary>Apparent Moon elevation, degrees, below which the moon class is impossible.</summary>
    public const double MoonBelowDeg = -2.0;

    /// <summary>Moon probability from which a frame whose Moon is down is labelled uncertain.</summary>
    public const float RuledOutUncertainFrom = 0.5f;

    /// <summary>Whether the moon class is possible under these sky conditions (true when they are unknown).</summary>
    public static bool MoonPossible(SkyConditions? sky) => sky is not { } s || !(s.MoonApparentElevationDeg < MoonBelowDeg);

    /// <summary>The prediction with impossible classes removed and the rest renormalised; the same instance when nothing changes.</summary>
    /// <param name="prediction">The classifier's prediction.</param>
    /// <param name="sky">The sky at the frame's site and capture time, or null when unknown.</param>
    public static FramePrediction Apply(FramePrediction prediction, SkyConditions? sky)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        var moon = prediction[AuroraClass.Moon];
        var daylight = sky?.Sky == SkyState.Daylight;
        if (MoonPossible(sky) || moon <= 0f)
        {
            return daylight && !prediction.InDaylight
                ? new FramePrediction(prediction.Probabilities.ToArray(), prediction.OodScore, prediction.OodThreshold, prediction.RuledOutBySky, prediction.Structure, inDaylight: true)
                : prediction;
        }

        Span<float> p = stackalloc float[AuroraClasses.All.Count];
        var rest = 0.0;
        for (var i = 0; i < p.Length; i++)
        {
            p[i] = i == (int)AuroraClass.Moon ? 0f : prediction.Probabilities[i];
            rest += p[i];
        }

        for (var i = 0; i < p.Length; i++)
        {
            if (i != (int)AuroraClass.Moon)
            {
                p[i] = rest > 0 ? (float)(p[i] / rest) : 1f / (p.Length - 1);
            }
        }

        return new FramePrediction(p, prediction.OodScore, prediction.OodThreshold, ruledOutBySky: moon >= RuledOutUncertainFrom, structure: prediction.Structure, inDaylight: daylight || prediction.InDaylight);
    }
}
