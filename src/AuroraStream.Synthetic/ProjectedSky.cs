using AuroraStream.Core;

namespace AuroraStream.Synthetic;

/// <summary>
/// Draws 256x256 16-bit THEMIS all-sky frames from a physical model of the night sky, projected
/// through the THEMIS fisheye (<see cref="FisheyeLens"/>), so that what the classes share in real
/// frames (a sky brightening toward the horizon, light domes, twilight, trees) they share here,
/// and what tells them apart is the aurora, the Moon or the clouds.
/// </summary>
/// <remarks>
/// <para>Every frame, whatever its class, has:</para>
/// <list type="bullet">
/// <item>an equidistant fisheye with its centre jittered by up to 3 px, its plate scale by 3% and
/// its north by 10 deg; bias only beyond the rim, with a little stray light and the faint ring the
/// lens mount throws;</item>
/// <item>airglow: a layer at 90-100 km, brighter toward the horizon by the van Rhijn factor
/// (<see cref="Atmosphere.VanRhijn"/>), dimmed by extinction <c>exp(-tau X)</c> and partly
/// restored by the light the air scatters back into the line of sight (Roach &amp; Gordon 1973,
/// ch. 2 and 8), and a lens vignetting of 30-65% at the horizon (together 1.3-2.3 times the zenith
/// 100-118 px out, p10-p90; the real frames show 0.9 at Gillam 2016 and 1.7 at Gakona 2011);</item>
/// <item>in 65% of frames a light dome or twilight glow rising toward one azimuth, so a bright
/// horizon is never a class cue, and in 60% trees or buildings as dark silhouettes up to 8 deg (a mast to 20 deg);</item>
/// <item>stars from a fixed catalogue of the seed (N(&lt;m) growing as 10^(0.47 m), counted
/// against the Gakona 2011 frames) turning about the celestial pole with sidereal time, dimmed by
/// extinction toward the horizon;</item>
/// <item>a detector: bias 2200-3600 counts, read noise 10-15 counts, shot noise of variance 1.7
/// counts^2 per count (measured on the Gillam and Gakona frames), saturation at 65535.</item>
/// </list>
/// <para>
/// The classes add: Arc, Diffuse, Discrete - aurora drawn at 100-240 km above a spherical Earth
/// (<see cref="AuroraForm"/>), its brightest 4x4 px block at least 5 deg up 1.3-20 (diffuse 1.5-4) times the sky behind it; arcs half within
/// 300 km of the site and half 300-800 km out, low along the horizon as in the Gillam 2016 frames. Moon - a
/// saturated disc 5-70 deg up with the scattered moonlight of Krisciunas &amp; Schaefer 1991 and
/// the instrument's glare, sometimes behind thin cloud. Cloudy - an overcast deck at 1-6 km with
/// multi-scale texture, lit from below by the ground and sometimes by a Moon behind it, hiding the
/// stars. Clear - the sky alone, dark or in twilight.
/// </para>
/// <para>Deterministic: frame i depends only on the seed and i (the star field also on the time).</para>
/// </remarks>
public sealed class ProjectedSky
{
    /// <summary>Frame side in pixels.</summary>
    public const int Size = 256;

    /// <summary>Shot-noise variance per count above bias, counts (measured: 1.65 at Gillam 2016, 1.9 at Gakona, 1.75 on the Gillam 2014 overcast).</summary>
    internal const double ShotVariancePerCount = 1.7;

    /// <summary>Peak counts of a magnitude-0 star at the zenith (from N(peak &gt;= 316) = 20 within 80 deg of the zenith in the Gakona 2011 frames).</summary>
    internal const double StarPeakAtMagnitudeZero = 1750;

    private const double FaintestMagnitude = 5.5;
    private const int StarCount = 2500;

    /// <summary>Fields of view (jittered lenses) per sky: their per-pixel geometry is computed once and shared by all frames drawn through them.</summary>
    private const int FieldCount = 16;

    private static readonly Dictionary<string, (double Lat, double Lon)> Sites = new(StringComparer.Ordinal)
    {
        ["gill"] = (56.38, -94.64), ["gako"] = (62.41, -145.16), ["atha"] = (54.60, -113.64),
        ["fsmi"] = (60.03, -111.93), ["fsim"] = (61.76, -121.23), ["rank"] = (62.82, -92.11),
        ["snkq"] = (56.54, -79.23), ["pina"] = (50.16, -96.07), ["kuuj"] = (58.11, -68.41),
        ["inuv"] = (68.41, -133.77), ["whit"] = (61.01, -135.22), ["fykn"] = (66.56, -145.21),
        ["mcgr"] = (62.95, -155.60), ["kian"] = (66.97, -160.44), ["tpas"] = (53.82, -101.24),
        ["gbay"] = (53.32, -60.46), ["chbg"] = (49.81, -74.36), ["nrsq"] = (61.16, -45.44),
        ["pgeo"] = (53.82, -122.84), ["ekat"] = (64.72, -110.63), ["talo"] = (69.54, -93.56),
    };

    private readonly SyntheticSkyOptions _options;
    private readonly AuroraClass[] _classes;
    private readonly (double RaRad, double DecRad, double Magnitude)[] _stars;
    private readonly double _latRad;
    private readonly double _lonDeg;
    private readonly Lazy<SkyGeometry>[] _fields;

    /// <summary>Creates a sky.</summary>
    /// <exception cref="ArgumentException">An option is out of range; the message names it.</exception>
    public ProjectedSky(SyntheticSkyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _classes = options.Classes.Count > 0 ? [.. options.Classes.Distinct()] : [.. AuroraClasses.All];

        // Sites outside the table sit at Gillam's latitude and longitude.
        var (lat, lon) = Sites.TryGetValue(options.Site, out var site) ? site : Sites["gill"];
        _latRad = lat * Math.PI / 180;
        _lonDeg = lon;

        _fields = new Lazy<SkyGeometry>[FieldCount];
        for (var k = 0; k < FieldCount; k++)
        {
            var jitter = new Random(Seeds.Combine(options.Seed, k, 0x1E25));
            var lens = new FisheyeLens(
                FisheyeLens.Themis.CentreX + Uniform(jitter, -3, 3),
                FisheyeLens.Themis.CentreY + Uniform(jitter, -3, 3),
                Uniform(jitter, 0.97, 1.03),
                FisheyeLens.Themis.NorthAzimuthDeg + Uniform(jitter, -10, 10));
            _fields[k] = new Lazy<SkyGeometry>(() => new SkyGeometry(lens, Size, Size), LazyThreadSafetyMode.ExecutionAndPublication);
        }

        // Uniform on the sphere, magnitudes with N(<m) ~ 10^(0.47 m) (Allen's Astrophysical
        // Quantities, 4th ed., table 15.2: 4800 stars to V = 6 over the sky).
        var random = new Random(Seeds.Combine(options.Seed, 0x57A25, 1));
        _stars = new (double, double, double)[StarCount];
        for (var i = 0; i < StarCount; i++)
        {
            var dec = Math.Asin((2 * random.NextDouble()) - 1);
            var m = FaintestMagnitude + (Math.Log10(1 - random.NextDouble()) / 0.47);
            _stars[i] = (random.NextDouble() * 2 * Math.PI, dec, m);
        }
    }

    /// <summary>Frame <paramref name="index"/> of the sequence.</summary>
    public SyntheticFrame Draw(int index) => Render(index).Frame;

    internal SkyRender Render(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        var random = new Random(Seeds.Combine(_options.Seed, index, 0x9B0C));
        var cls = _classes[random.Next(_classes.Length)];
        var time = _options.Start.AddSeconds(3 * index);

        var g = _fields[random.Next(_fields.Length)].Value;
        var conditions = SkyBackdrop.Random(random, cls);

        var background = new float[Size * Size];
        conditions.AddBackground(g, background);
        var sky = (float[])background.Clone();

        float[]? aurora = null;
        if (cls.IsAurora())
        {
            aurora = new float[sky.Length];
            var form = AuroraForm.Random(cls, random);
            form.Render(g, conditions.ExtinctionTau, aurora);
            var ratio = cls switch
            {
                AuroraClass.Arc => LogUniform(random, 1.3, 12),
                AuroraClass.Discrete => LogUniform(random, 2, 20),
                _ => LogUniform(random, 1.5, 4),
            };
            ScaleToBackground(g, aurora, background, ratio, conditions);
            for (var i = 0; i < sky.Length; i++)
            {
                sky[i] += aurora[i];
            }
        }

        if (cls != AuroraClass.Cloudy)
        {
            AddStars(g, sky, time, conditions, random);
        }

        if (cls == AuroraClass.Moon)
        {
            SkyFeatures.AddMoon(g, sky, conditions, random);
        }
        else if (cls == AuroraClass.Cloudy)
        {
            // Stars are drawn and then hidden by the deck, as in the real sky; skipping them is
            // the same picture (transmission below 2.5%) at less cost.
            SkyFeatures.AddOvercast(g, sky, conditions, random, index);
        }

        conditions.Obstruct(g, sky, background);
        var pixels = Detector.Expose(g, sky, random, conditions.Vignetting);
        var frame = new AllSkyFrame(_options.Site, _options.Imager, time, Size, Size, pixels, 1000, new FrameOrigin("projected", index));
        return new SkyRender(new SyntheticFrame(frame, cls), g, background, aurora);
    }

    /// <summary>
    /// Lowest elevation, degrees, at which a form's contrast is measured. Below it a band is one or
    /// two pixels of the model's input against the brightest, most variable part of the sky, which
    /// no observer would label aurora; a form is drawn so that it stands out above this elevation.
    /// </summary>
    internal const double VisibleAboveElevationDeg = 5;

    /// <summary>
    /// Side, pixels, of the square over which a form's contrast is measured: 4 px of a 256 px frame,
    /// about 2.8 deg of sky at the zenith, one pixel of the classifier's 64 px input. A band one
    /// pixel wide at 1.3 times the sky is a line an observer may miss and the model cannot see
    /// once the frame is reduced; measured over a block it is drawn bright enough to see at that
    /// scale (thin distant arcs, seen through the most air, are bright in real frames too).
    /// </summary>
    internal const int ContrastBlock = 4;

    /// <summary>
    /// Scales <paramref name="aurora"/> so that, averaged over <see cref="ContrastBlock"/>-pixel
    /// squares, its brightest square at least <see cref="VisibleAboveElevationDeg"/> up and clear of
    /// obstructions is <paramref name="ratio"/> times the sky behind it (a form lower than that is
    /// brighter still at the horizon, as real low arcs are). A square counts when all its pixels
    /// are fully inside the aperture, that high, and unobstructed; with none, the form is removed.
    /// </summary>
    internal static void ScaleToBackground(SkyGeometry g, float[] aurora, float[] background, double ratio, SkyBackdrop? conditions)
    {
        var (peak, sky) = (0.0, 0.0);
        const double LowestZenith = (90 - VisibleAboveElevationDeg) * Math.PI / 180;
        // The same angular block on a frame of another size.
        var block = Math.Max(1, (int)Math.Round(ContrastBlock * Math.Min(g.Width, g.Height) / (double)Size));
        for (var by = 0; by + block <= g.Height; by += block)
        {
            for (var bx = 0; bx + block <= g.Width; bx += block)
            {
                var (a, b, seen) = (0.0, 0.0, true);
                for (var y = by; y < by + block && seen; y++)
                {
                    for (var x = bx; x < bx + block; x++)
                    {
                        var i = (y * g.Width) + x;
                        if (g.Aperture[i] < 1 || g.Zenith[i] >= LowestZenith || (conditions is not null && conditions.IsObstructed(g, i)))
                        {
                            seen = false;
                            break;
                        }

                        (a, b) = (a + aurora[i], b + background[i]);
                    }
                }

                if (seen && a > peak * block * block)
                {
                    (peak, sky) = (a / (block * block), b / (block * block));
                }
            }
        }

        if (peak <= 0)
        {
            Array.Clear(aurora);
            return;
        }

        var scale = (ratio - 1) * Math.Max(sky, 30) / peak;
        for (var i = 0; i < aurora.Length; i++)
        {
            aurora[i] = (float)(aurora[i] * scale);
        }
    }

    private void AddStars(SkyGeometry g, float[] sky, DateTime time, SkyBackdrop conditions, Random random)
    {
        var lst = ((Atmosphere.GreenwichSiderealHours(time) * 15) + _lonDeg) * Math.PI / 180;
        var (sinLat, cosLat) = (Math.Sin(_latRad), Math.Cos(_latRad));
        var sigma = Uniform(random, 0.65, 0.95);
        var norm = 0.8 * 0.8 / (sigma * sigma);
        var kMag = 1.086 * conditions.ExtinctionTau;
        foreach (var (ra, dec, m) in _stars)
        {
            var h = lst - ra;
            var sinEl = (sinLat * Math.Sin(dec)) + (cosLat * Math.Cos(dec) * Math.Cos(h));
            if (sinEl < 0.01)
            {
                continue;
            }

            var z = Math.Acos(sinEl);
            var az = Math.Atan2(-Math.Cos(dec) * Math.Sin(h), (cosLat * Math.Sin(dec)) - (sinLat * Math.Cos(dec) * Math.Cos(h)));
            var peak = StarPeakAtMagnitudeZero * Math.Pow(10, -0.4 * (m + (kMag * (Atmosphere.Airmass(z) - 1)))) * norm;
            if (peak < 3)
            {
                continue;
            }

            var (x, y) = g.Lens.Pixel(z * 180 / Math.PI, az * 180 / Math.PI);
            var (x0, y0) = ((int)Math.Round(x), (int)Math.Round(y));
            for (var yy = y0 - 2; yy <= y0 + 2; yy++)
            {
                for (var xx = x0 - 2; xx <= x0 + 2; xx++)
                {
                    if (xx is >= 0 and < Size && yy is >= 0 and < Size)
                    {
                        var d2 = ((xx - x) * (xx - x)) + ((yy - y) * (yy - y));
                        sky[(yy * Size) + xx] += (float)(peak * Math.Exp(-d2 / (2 * sigma * sigma)));
                    }
                }
            }
        }
    }

    internal static double Uniform(Random random, double lo, double hi) => lo + ((hi - lo) * random.NextDouble());

    internal static double LogUniform(Random random, double lo, double hi) => lo * Math.Pow(hi / lo, random.NextDouble());
}

/// <summary>A drawn frame with the layers it was made of, for tests and diagnostics.</summary>
/// <param name="Frame">The frame and its class.</param>
/// <param name="Geometry">The viewing geometry it was drawn through.</param>
/// <param name="Background">Airglow and glow, counts above bias before vignetting.</param>
/// <param name="Aurora">The aurora alone, counts before vignetting, or null.</param>
internal sealed record SkyRender(SyntheticFrame Frame, SkyGeometry Geometry, float[] Background, float[]? Aurora);
