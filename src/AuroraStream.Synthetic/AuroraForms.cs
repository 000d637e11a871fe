using AuroraStream.Core;

namespace AuroraStream.Synthetic;

/// <summary>
/// Aurora as volume emission above a spherical Earth, imaged by integrating along each pixel's
/// line of sight. The emission is a horizontal pattern in a magnetic frame (u km toward magnetic
/// east, v km toward magnetic north of the site) times a vertical profile: nothing below the
/// lower border (about 100-115 km for the 557.7 nm green line, which dominates THEMIS white-light
/// images), an exponential fall above it (Chamberlain 1961, "Physics of the Aurora and Airglow",
/// ch. 4; rays reach 200-300 km).
/// </summary>
/// <remarks>
/// The line-of-sight integral is a midpoint sum over <see cref="SkyGeometry.AuroraLayersKm"/>; each
/// layer's path length is its thickness times the secant of the local zenith angle, the van Rhijn
/// factor of <see cref="Atmosphere.VanRhijn"/>. So that thin forms seen from the side are not cut
/// into stripes at the layer spacing, each layer's across-form profile is widened by the
/// horizontal run of the line of sight through that layer (a box of width
/// <c>dh tan z'</c>, its variance added to the Gaussian's).
/// </remarks>
internal abstract class AuroraForm
{
    protected AuroraForm(double tiltDeg, double lowerBorderKm, double riseKm, double scaleHeightKm)
    {
        TiltRad = tiltDeg * Math.PI / 180;
        LowerBorderKm = lowerBorderKm;
        RiseKm = riseKm;
        ScaleHeightKm = scaleHeightKm;
    }

    /// <summary>Angle, radians, from geographic to magnetic east-west (declination plus the arc's own tilt).</summary>
    public double TiltRad { get; }

    public double LowerBorderKm { get; }

    public double RiseKm { get; }

    public double ScaleHeightKm { get; }

    /// <summary>Relative volume emission at height <paramref name="heightKm"/>.</summary>
    public double Vertical(double heightKm)
    {
        var rise = Math.Clamp((heightKm - LowerBorderKm + RiseKm) / RiseKm, 0, 1);
        return rise * Math.Exp(-Math.Max(heightKm - LowerBorderKm, 0) / ScaleHeightKm);
    }

    /// <summary>Horizontal pattern at (u, v) km; <paramref name="smearKm"/> is the standard deviation, km along v, of the line of sight's run through the layer.</summary>
    public abstract double Horizontal(double u, double v, double smearKm);

    /// <summary>Draws a form of class <paramref name="form"/> (arc, diffuse or discrete) with random layout.</summary>
    public static AuroraForm Random(AuroraClass form, Random random) => form switch
    {
        AuroraClass.Arc => ArcForm.Random(random),
        AuroraClass.Discrete => CurtainForm.Random(random),
        AuroraClass.Diffuse => DiffuseForm.Random(random),
        _ => throw new ArgumentOutOfRangeException(nameof(form), form, "Aurora forms are Arc, Diffuse and Discrete."),
    };

    /// <summary>
    /// Integrates the emission along every line of sight into <paramref name="target"/> (relative
    /// units), attenuated by extinction <c>exp(-tau (X - 1))</c> so the zenith is unchanged.
    /// </summary>
    public void Render(SkyGeometry geometry, double extinctionTau, float[] target)
    {
        var layers = SkyGeometry.AuroraLayersKm;
        var thickness = SkyGeometry.AuroraLayerThicknessKm;
        var weights = new double[layers.Count];
        var (maxWeight, centroid, total) = (0.0, 0.0, 0.0);
        for (var l = 0; l < layers.Count; l++)
        {
            weights[l] = Vertical(layers[l]) * thickness[l];
            maxWeight = Math.Max(maxWeight, weights[l]);
            (centroid, total) = (centroid + (weights[l] * layers[l]), total + weights[l]);
        }

        // A broad form looks the same from every height of its thin layer: one layer, the
        // emission-weighted one, carries the pattern; the path length still sums over all.
        var single = -1;
        if (IsBroad)
        {
            centroid /= total;
            single = 0;
            for (var l = 1; l < layers.Count; l++)
            {
                single = Math.Abs(layers[l] - centroid) < Math.Abs(layers[single] - centroid) ? l : single;
            }
        }

        var (ct, st) = (Math.Cos(TiltRad), Math.Sin(TiltRad));
        var first = Array.FindIndex(weights, w => w >= 1e-3 * maxWeight);
        var last = Array.FindLastIndex(weights, w => w >= 1e-3 * maxWeight);
        for (var i = 0; i < target.Length; i++)
        {
            var z = (double)geometry.Zenith[i];
            if (z >= Math.PI / 2 || geometry.Aperture[i] <= 0)
            {
                continue;
            }

            var (ca, sa) = (geometry.CosAz[i], geometry.SinAz[i]);
            if (single < 0)
            {
                // The line of sight's footprint is a straight segment on the ground (its azimuth
                // is fixed): skip the pixel when no form comes near that segment.
                var (d1, d2) = (SkyGeometry.LayerDistanceKm(first, z), SkyGeometry.LayerDistanceKm(last, z));
                var (u1, v1) = ((d1 * ((sa * ct) + (ca * st))), d1 * ((ca * ct) - (sa * st)));
                var (u2, v2) = ((d2 * ((sa * ct) + (ca * st))), d2 * ((ca * ct) - (sa * st)));
                if (!MayEmit(u1, v1, u2, v2))
                {
                    continue;
                }
            }

            var sinZ = Math.Sin(z);

            // d v / d (horizontal run along the line of sight) = cos(az + tilt).
            var across = Math.Abs((ca * ct) - (sa * st));
            var sum = 0.0;
            for (var l = 0; l < layers.Count; l++)
            {
                if (weights[l] < 1e-3 * maxWeight)
                {
                    continue;
                }

                var sz = Atmosphere.EarthRadiusKm * sinZ / (Atmosphere.EarthRadiusKm + layers[l]);
                var secant = 1 / Math.Sqrt(1 - (sz * sz));
                if (single >= 0)
                {
                    sum += weights[l] * secant;
                    continue;
                }

                var d = SkyGeometry.LayerDistanceKm(l, z);
                var (north, east) = (d * ca, d * sa);
                var u = (east * ct) + (north * st);
                var v = (north * ct) - (east * st);

                // Half the run through the layer: Gaussians a run apart then add up without ripple.
                var smear = 0.5 * thickness[l] * sz * secant * across;
                sum += weights[l] * secant * Horizontal(u, v, smear);
            }

            if (single >= 0 && sum > 0)
            {
                var d = SkyGeometry.LayerDistanceKm(single, z);
                var (north, east) = (d * ca, d * sa);
                sum *= Horizontal((east * ct) + (north * st), (north * ct) - (east * st), 0);
            }

            target[i] += (float)(sum * Math.Exp(-extinctionTau * (Atmosphere.AirmassFast(z) - 1)));
        }
    }

    /// <summary>
    /// Whether any emission can lie within reach (its width plus the widest smear, 100 km) of the
    /// ground segment from (u1, v1) to (u2, v2); false only when it certainly cannot.
    /// </summary>
    protected virtual bool MayEmit(double u1, double v1, double u2, double v2) => true;

    /// <summary>Widest smear a line of sight can add, km (half the top layer's 34 km times tan 80 deg, rounded up).</summary>
    protected const double SmearMarginKm = 100;

    /// <summary>Whether the form is broad and thin enough to be drawn from one layer.</summary>
    protected virtual bool IsBroad => false;

    /// <summary>A Gaussian of standard deviation <paramref name="sigma"/> at offset <paramref name="dv"/>, widened by <paramref name="smear"/> with its integral kept.</summary>
    protected static double Band(double dv, double sigma, double smear)
    {
        var s2 = (sigma * sigma) + (smear * smear);
        return sigma / Math.Sqrt(s2) * Math.Exp(-0.5 * dv * dv / s2);
    }

    protected static double LogUniform(Random random, double lo, double hi) => lo * Math.Pow(hi / lo, random.NextDouble());

    protected static double Uniform(Random random, double lo, double hi) => lo + ((hi - lo) * random.NextDouble());
}

/// <summary>
/// Quiet auroral arcs: thin (2-40 km FWHM north-south, as thin as a curtain) bands, thousands of km long along magnetic
/// east-west (Akasofu 1964, Planet. Space Sci. 12, 273; Knudsen et al. 2001 give widths of a few
/// to tens of km), curving slowly with the oval. One to three, roughly parallel; half cross the
/// inner sky, half lie toward the horizon.
/// </summary>
internal sealed class ArcForm : AuroraForm
{
    private readonly (double V0, double Sigma, double Curvature, double Brightness, double Wavelength, double Phase)[] _arcs;

    public ArcForm(double tiltDeg, double lowerBorderKm, double scaleHeightKm, (double V0, double Sigma, double Curvature, double Brightness, double Wavelength, double Phase)[] arcs)
        : base(tiltDeg, lowerBorderKm, 3, scaleHeightKm) => _arcs = arcs;

    /// <summary>A single straight arc at <paramref name="northOffsetKm"/>, for tests of the geometry.</summary>
    public static ArcForm Single(double northOffsetKm, double widthKm, double tiltDeg = 0) =>
        new(tiltDeg, 105, 30, [(northOffsetKm, widthKm / 2.355, 0, 1, 1e9, 0)]);

    public static ArcForm Random(Random random)
    {
        var count = random.NextDouble() switch { < 0.55 => 1, < 0.85 => 2, _ => 3 };
        // Half the arcs cross the inner sky (within 300 km), half lie 300-800 km out toward the
        // horizon: where a band lies must not tell an arc from a folded curtain (always within
        // 250 km), only its shape may.
        var v0 = (random.Next(2) == 0 ? -1 : 1) * (random.Next(2) == 0 ? Uniform(random, 0, 300) : Uniform(random, 300, 800));
        var arcs = new (double, double, double, double, double, double)[count];
        for (var k = 0; k < count; k++)
        {
            var width = LogUniform(random, 2, 40);
            arcs[k] = (
                v0 + (k == 0 ? 0 : Uniform(random, 30, 250) * (random.Next(2) == 0 ? -1 : 1)),
                width / 2.355,
                Uniform(random, -1, 1) / 3000.0,
                k == 0 ? 1 : Uniform(random, 0.3, 0.9),
                LogUniform(random, 300, 2000),
                random.NextDouble() * 2 * Math.PI);
        }

        return new ArcForm(Uniform(random, -15, 15), Uniform(random, 100, 115), Uniform(random, 20, 45), arcs);
    }

    protected override bool MayEmit(double u1, double v1, double u2, double v2)
    {
        foreach (var (v0, sigma, curvature, _, _, _) in _arcs)
        {
            // Across-arc offset is quadratic along the segment: its chord is off by at most c du^2 / 4.
            var (a, b) = (v1 - v0 - (curvature * u1 * u1), v2 - v0 - (curvature * u2 * u2));
            var slack = (8 * sigma) + SmearMarginKm + (Math.Abs(curvature) * (u2 - u1) * (u2 - u1) / 4);
            if (Math.Min(a, b) - slack <= 0 && Math.Max(a, b) + slack >= 0)
            {
                return true;
            }
        }

        return false;
    }

    public override double Horizontal(double u, double v, double smearKm)
    {
        var sum = 0.0;
        foreach (var (v0, sigma, curvature, brightness, wavelength, phase) in _arcs)
        {
            var dv = v - v0 - (curvature * u * u);
            if (Math.Abs(dv) > 8 * (sigma + smearKm))
            {
                continue;
            }

            sum += brightness * (0.75 + (0.25 * Math.Sin((2 * Math.PI * u / wavelength) + phase))) * Band(dv, sigma, smearKm);
        }

        return sum;
    }
}

/// <summary>
/// Active discrete aurora: thin curtains (2-10 km thick) with a large fold of 400-1600 km and
/// S-shaped curls of 30-400 km, with field-aligned rays a few km wide (a modulation along the curtain that is the
/// same at every height, so it shows as vertical streaks), a sharp lower border and a tall,
/// slowly fading top (Hallinan &amp; Davis 1970, Planet. Space Sci. 18, 1735; Oguti 1975).
/// Fold paths and ray modulation are tabulated along u every 0.25 km, to keep trigonometry out
/// of the per-pixel loop.
/// </summary>
internal sealed class CurtainForm : AuroraForm
{
    private const double TableStepKm = 0.25;
    private const double TableHalfSpanKm = 1400;
    private static readonly int TableLength = (int)(2 * TableHalfSpanKm / TableStepKm) + 2;
    private readonly (double Sigma, float[] Centre, float[] Stretch, float[] Brightness)[] _curtains;
    private readonly float[] _rays;
    private readonly double _vMin;
    private readonly double _vMax;

    private CurtainForm(double tiltDeg, double lowerBorderKm, double scaleHeightKm, (double, float[], float[], float[])[] curtains, float[] rays)
        : base(tiltDeg, lowerBorderKm, 1.5, scaleHeightKm)
    {
        _curtains = curtains;
        _rays = rays;
        _vMin = curtains.Min(c => c.Item2.Min() - (8 * c.Item1)) - SmearMarginKm;
        _vMax = curtains.Max(c => c.Item2.Max() + (8 * c.Item1)) + SmearMarginKm;
    }

    protected override bool MayEmit(double u1, double v1, double u2, double v2) => Math.Max(v1, v2) >= _vMin && Math.Min(v1, v2) <= _vMax;

    public static CurtainForm Random(Random random)
    {
        var count = random.NextDouble() < 0.55 ? 1 : 2 + random.Next(2);
        // Folded curtains are a form seen overhead: far away they shrink to a thin band at the horizon, which
        // looks (and is labelled, as in OATH) an arc. So discrete forms stay within 250 km of the site.
        var v0 = Uniform(random, -250, 250);
        var curtains = new (double, float[], float[], float[])[count];
        for (var k = 0; k < count; k++)
        {
            var (amp, kk, ph) = Folds(random);
            var folds = amp.Length;

            // Brightness along the curtain: it fades out and brightens over hundreds of km.
            var (envK1, envK2) = (2 * Math.PI / LogUniform(random, 150, 1500), 2 * Math.PI / LogUniform(random, 80, 600));
            var (envP1, envP2) = (random.NextDouble() * 2 * Math.PI, random.NextDouble() * 2 * Math.PI);
            var floor = Uniform(random, 0, 0.6);
            var peak = k == 0 ? 1 : Uniform(random, 0.3, 0.9);
            var offset = v0 + (k == 0 ? 0 : Uniform(random, -200, 200));
            var centre = new float[TableLength];
            var stretch = new float[TableLength];
            var brightness = new float[TableLength];
            for (var t = 0; t < TableLength; t++)
            {
                var u = (t * TableStepKm) - TableHalfSpanKm;
                var (c, slope) = (offset, 0.0);
                for (var f = 0; f < folds; f++)
                {
                    c += amp[f] * Math.Sin((kk[f] * u) + ph[f]);
                    slope += amp[f] * kk[f] * Math.Cos((kk[f] * u) + ph[f]);
                }

                centre[t] = (float)c;
                stretch[t] = (float)(1 / Math.Sqrt(1 + (slope * slope)));
                var envelope = 0.5 + (0.25 * Math.Sin((envK1 * u) + envP1)) + (0.25 * Math.Sin((envK2 * u) + envP2));
                brightness[t] = (float)(peak * (floor + ((1 - floor) * envelope)));
            }

            curtains[k] = (LogUniform(random, 1, 4), centre, stretch, brightness);
        }

        // Rays: a random walk of brightness along the curtain, smoothed to 1-5 km, squashed to 0..1.
        var depth = Uniform(random, 0.3, 0.85);
        var rayWidth = Uniform(random, 1, 5);
        var rays = new float[TableLength];
        var (walk, smooth) = (0.0, 0.0);
        var alpha = TableStepKm / rayWidth;
        for (var t = 0; t < TableLength; t++)
        {
            walk = (0.97 * walk) + (random.NextDouble() - 0.5);
            smooth += alpha * (walk - smooth);
            rays[t] = (float)smooth;
        }

        var spread = Math.Sqrt(rays.Average(r => r * r)) + 1e-9;
        for (var t = 0; t < TableLength; t++)
        {
            rays[t] = (float)(1 - depth + (depth / (1 + Math.Exp(-2 * rays[t] / spread))));
        }

        return new CurtainForm(Uniform(random, -25, 25), Uniform(random, 98, 110), Uniform(random, 35, 90), curtains, rays);
    }

    /// <summary>
    /// Least north-south excursion, km (peak to peak), of a curtain's centre line over the
    /// <see cref="FoldSpanKm"/> of it nearest the site. A curtain folded less looks straight, or
    /// gently bowed, from the ground, and such a band is an arc (OATH's discrete forms are "not
    /// arc-like"); about a fifth of the fold sets drawn fall short and are drawn again.
    /// </summary>
    internal const double MinFoldExcursionKm = 120;

    /// <summary>Length, km, of curtain, centred on the site's meridian, over which the excursion is measured.</summary>
    internal const double FoldSpanKm = 800;

    /// <summary>
    /// Amplitudes (km), wavenumbers (rad/km) and phases of 2-4 folds whose sum moves at least
    /// <see cref="MinFoldExcursionKm"/>: one large fold (wavelength 400-1600 km, the surges and
    /// omega-like bends of an active oval) taking 50-90% of the slope a curtain may have, and 1-3
    /// curls of 30-400 km sharing the rest (Hallinan &amp; Davis 1970 give folds and curls over
    /// that range). The slopes sum to at most 1, so the centre line never doubles back.
    /// </summary>
    internal static (double[] Amplitude, double[] Wavenumber, double[] Phase) Folds(Random random)
    {
        while (true)
        {
            var folds = 2 + random.Next(3);
            var amp = new double[folds];
            var kk = new double[folds];
            var ph = new double[folds];
            var share = Uniform(random, 0.5, 0.9);
            for (var f = 0; f < folds; f++)
            {
                var wavelength = f == 0 ? LogUniform(random, 400, 1600) : LogUniform(random, 30, 400);
                kk[f] = 2 * Math.PI / wavelength;

                // A fold's steepest slope is amplitude x wavenumber: the large fold takes its share,
                // each curl at least 40% of an equal part of the rest.
                var slope = f == 0 ? share : Uniform(random, 0.4, 1) * (1 - share) / (folds - 1);
                amp[f] = slope / kk[f];
                ph[f] = random.NextDouble() * 2 * Math.PI;
            }

            var (lo, hi) = (double.PositiveInfinity, double.NegativeInfinity);
            for (var u = -FoldSpanKm / 2; u <= FoldSpanKm / 2; u += 2)
            {
                var c = 0.0;
                for (var f = 0; f < folds; f++)
                {
                    c += amp[f] * Math.Sin((kk[f] * u) + ph[f]);
                }

                (lo, hi) = (Math.Min(lo, c), Math.Max(hi, c));
            }

            if (hi - lo >= MinFoldExcursionKm)
            {
                return (amp, kk, ph);
            }
        }
    }

    public override double Horizontal(double u, double v, double smearKm)
    {
        var t = (u + TableHalfSpanKm) / TableStepKm;
        if (t < 0 || t >= TableLength - 1)
        {
            return 0;
        }

        var k = (int)t;
        var sum = 0.0;
        foreach (var (sigma, centre, stretch, brightness) in _curtains)
        {
            // Distance across the folded curtain, not along v.
            var dv = (v - centre[k]) * stretch[k];
            if (Math.Abs(dv) > 8 * (sigma + smearKm))
            {
                continue;
            }

            sum += brightness[k] * Band(dv, sigma, smearKm);
        }

        return sum <= 0 ? 0 : sum * _rays[k];
    }
}

/// <summary>
/// Diffuse aurora: broad (150-400 km, centred within 250 km of the site), smooth, faint emission without sharp edges, often as
/// patches elongated east-west equatorward of the discrete oval (Lui et al. 1973, J. Geophys.
/// Res. 78, 3204); lower and thinner in height than discrete aurora.
/// </summary>
internal sealed class DiffuseForm : AuroraForm
{
    private readonly (double U, double V, double SigmaU, double SigmaV, double Brightness)[] _patches;

    private DiffuseForm(double tiltDeg, double lowerBorderKm, double scaleHeightKm, (double, double, double, double, double)[] patches)
        : base(tiltDeg, lowerBorderKm, 12, scaleHeightKm) => _patches = patches;

    protected override bool IsBroad => true;

    public static DiffuseForm Random(Random random)
    {
        // A diffuse glow far away is a featureless brightening of the horizon that no one could tell
        // from an arc or a light dome, and a 100 km band 300 km out is a thin, bright line along the
        // horizon that anyone would call an arc: the band is centred within 250 km and at least
        // 150 km wide, so it fills part of the sky, as diffuse aurora does overhead.
        var v0 = Uniform(random, -250, 250);
        var count = 2 + random.Next(5);
        var patches = new (double, double, double, double, double)[count + 1];

        // The broad diffuse band itself, then patches on and near it.
        var bandWidth = LogUniform(random, 150, 400) / 2.355;
        patches[0] = (0, v0, 1e6, bandWidth, Uniform(random, 0.2, 1));
        for (var k = 1; k <= count; k++)
        {
            var across = LogUniform(random, 150, 400) / 2.355;
            patches[k] = (Uniform(random, -900, 900), v0 + Uniform(random, -150, 150), across * Uniform(random, 1, 3), across, Uniform(random, 0.3, 1));
        }

        return new DiffuseForm(Uniform(random, -15, 15), Uniform(random, 100, 112), Uniform(random, 15, 30), patches);
    }

    public override double Horizontal(double u, double v, double smearKm)
    {
        var sum = 0.0;
        foreach (var (u0, v0, su, sv, brightness) in _patches)
        {
            var du = (u - u0) / su;
            var dv = (v - v0) / sv;
            var q = (du * du) + (dv * dv);
            if (q < 40)
            {
                sum += brightness * Math.Exp(-0.5 * q);
            }
        }

        return sum;
    }
}
