using AuroraStream.Core;

namespace AuroraStream.Synthetic;

/// <summary>
/// The sky behind everything of one frame: airglow with the van Rhijn brightening, extinction and
/// scattered light, a light dome or twilight glow toward one azimuth, and the skyline of trees or
/// buildings.
/// </summary>
internal sealed class SkyBackdrop
{
    private const int SkylineBins = 720;
    private readonly float[] _skyline = new float[SkylineBins];

    /// <summary>Zenith sky (airglow and unresolved starlight), counts above bias: 350-1100 (about 900 in the Gillam 2016 frames, 700 at Gakona in twilight).</summary>
    public double AirglowCounts { get; private init; }

    /// <summary>Height of the airglow layer, km (the 557.7 nm and OH layers lie at 85-100 km).</summary>
    public double AirglowHeightKm { get; private init; }

    /// <summary>Vertical extinction optical depth (white light, 0.1-0.4: 0.11-0.43 mag per air mass).</summary>
    public double ExtinctionTau { get; private init; }

    /// <summary>Fraction of the extinguished light scattered back into the line of sight.</summary>
    public double ScatterAlbedo { get; private init; }

    /// <summary>Loss of the lens at the horizon, 0..1 (flat-field falls as 1 - v (z/90deg)^2).</summary>
    public double Vignetting { get; private init; }

    /// <summary>Glow toward <see cref="GlowAzimuthRad"/> at the horizon, in units of the zenith airglow; 0 for none.</summary>
    public double GlowRelative { get; private init; }

    public double GlowAzimuthRad { get; private init; }

    public double GlowWidthRad { get; private init; }

    /// <summary>Elevation over which the glow falls by e, degrees.</summary>
    public double GlowScaleDeg { get; private init; }

    /// <summary>Brightness of the silhouettes relative to the sky behind them.</summary>
    public double SilhouetteLevel { get; private init; }

    public bool HasSkyline { get; private set; }

    public static SkyBackdrop Random(Random random, AuroraClass cls)
    {
        var twilight = cls == AuroraClass.Clear ? random.NextDouble() < 0.4 : random.NextDouble() < 0.12;
        var glow = twilight || random.NextDouble() < 0.6;
        var conditions = new SkyBackdrop
        {
            AirglowCounts = ProjectedSky.LogUniform(random, 350, 1100) * (twilight ? ProjectedSky.Uniform(random, 1.3, 3) : 1),
            AirglowHeightKm = ProjectedSky.Uniform(random, 90, 100),
            ExtinctionTau = ProjectedSky.Uniform(random, 0.1, 0.4),
            ScatterAlbedo = ProjectedSky.Uniform(random, 0.2, 0.6),
            Vignetting = ProjectedSky.Uniform(random, 0.3, 0.65),
            GlowRelative = !glow ? 0 : twilight ? ProjectedSky.LogUniform(random, 2, 8) : ProjectedSky.LogUniform(random, 0.3, 4),
            GlowAzimuthRad = random.NextDouble() * 2 * Math.PI,
            GlowWidthRad = (twilight ? ProjectedSky.Uniform(random, 50, 90) : ProjectedSky.Uniform(random, 15, 60)) * Math.PI / 180,
            GlowScaleDeg = twilight ? ProjectedSky.Uniform(random, 15, 30) : ProjectedSky.Uniform(random, 5, 18),
            SilhouetteLevel = ProjectedSky.Uniform(random, 0.04, 0.15),
        };
        if (random.NextDouble() < 0.6)
        {
            conditions.DrawSkyline(random);
        }

        return conditions;
    }

    /// <summary>
    /// Adds airglow and glow, counts above bias before vignetting, to every pixel in the aperture;
    /// below the horizon (the few pixels between the horizon and the rim) the ground reflects a
    /// quarter of the horizon sky.
    /// </summary>
    public void AddBackground(SkyGeometry g, float[] target)
    {
        // Radially symmetric part through a table of zenith angle: Pow and Sqrt once per entry.
        const int n = 512;
        var table = new double[n + 1];
        var norm = Airglow(0);
        for (var k = 0; k <= n; k++)
        {
            table[k] = AirglowCounts * Airglow(k * (Math.PI / 2) / n) / norm;
        }

        for (var i = 0; i < target.Length; i++)
        {
            if (g.Aperture[i] <= 0)
            {
                continue;
            }

            var z = Math.Min((double)g.Zenith[i], (Math.PI / 2) - 1e-3);
            var t = z / (Math.PI / 2) * n;
            var k = (int)t;
            var value = (table[k] * (k + 1 - t)) + (table[k + 1] * (t - k));
            if (GlowRelative > 0)
            {
                value += AirglowCounts * GlowRelative * GlowShape(g, i, z, 1);
            }

            target[i] += (float)(g.Zenith[i] >= Math.PI / 2 ? 0.25 * value : value);
        }
    }

    /// <summary>
    /// The glow's shape, 1 at the horizon toward its azimuth: Gaussian in azimuth, exponential in
    /// elevation. The azimuth difference is taken along the almucantar (times cos elevation), so
    /// the glow is smooth through the zenith, where azimuth means nothing.
    /// </summary>
    public double GlowShape(SkyGeometry g, int i, double zenithRad, double widen)
    {
        var da = Math.Abs(g.Azimuth[i] - GlowAzimuthRad);
        da = Math.Min(da, (2 * Math.PI) - da) * Math.Sin(zenithRad);
        var elevationDeg = 90 - (zenithRad * 180 / Math.PI);
        return Math.Exp(-0.5 * da * da / (GlowWidthRad * GlowWidthRad)) * Math.Exp(-elevationDeg / (GlowScaleDeg * widen));
    }

    /// <summary>Whether pixel <paramref name="i"/> looks at a tree, a building or the ground.</summary>
    public bool IsObstructed(SkyGeometry g, int i)
    {
        var elevationDeg = 90 - (g.Zenith[i] * 180 / Math.PI);
        return elevationDeg < 0 || (HasSkyline && elevationDeg < _skyline[SkylineBin(g.Azimuth[i])]);
    }

    /// <summary>Elevation of the skyline toward <paramref name="azimuthRad"/>, degrees.</summary>
    public double SkylineDeg(double azimuthRad) => HasSkyline ? _skyline[SkylineBin(azimuthRad)] : 0;

    /// <summary>Replaces what is behind the skyline by the dim silhouette (lit a little by the sky in front of it).</summary>
    public void Obstruct(SkyGeometry g, float[] sky, float[] background)
    {
        if (!HasSkyline)
        {
            return;
        }

        for (var i = 0; i < sky.Length; i++)
        {
            if (g.Aperture[i] > 0 && g.Zenith[i] < Math.PI / 2 && IsObstructed(g, i))
            {
                sky[i] = (float)(SilhouetteLevel * background[i]);
            }
        }
    }

    /// <summary>
    /// Airglow relative brightness at zenith angle z: van Rhijn times transmission, plus the part of
    /// the extinguished light the air scatters back in (Roach &amp; Gordon 1973, ch. 8).
    /// </summary>
    private double Airglow(double z)
    {
        var transmission = Math.Exp(-ExtinctionTau * Atmosphere.Airmass(z));
        return Atmosphere.VanRhijn(z, AirglowHeightKm) * (transmission + (ScatterAlbedo * (1 - transmission)));
    }

    private void DrawSkyline(Random random)
    {
        HasSkyline = true;
        var ranges = 1 + random.Next(3);
        for (var r = 0; r < ranges; r++)
        {
            var start = random.Next(SkylineBins);
            var width = (int)(ProjectedSky.Uniform(random, 10, 140) * 2);
            if (random.NextDouble() < 0.8)
            {
                // A forest edge: conical spruce tops of 0.5-7 deg, 0.5-3 deg wide (a few pixels, as at Gakona).
                var top = ProjectedSky.Uniform(random, 1.5, 7);
                for (var b = 0; b < width;)
                {
                    var half = ProjectedSky.Uniform(random, 0.5, 3) * 2;
                    var height = top * ProjectedSky.Uniform(random, 0.3, 1);
                    for (var k = -(int)half; k <= (int)half; k++)
                    {
                        var bin = (((start + b + k) % SkylineBins) + SkylineBins) % SkylineBins;
                        _skyline[bin] = Math.Max(_skyline[bin], (float)(height * (1 - (Math.Abs(k) / (half + 1)))));
                    }

                    b += 1 + random.Next(Math.Max(2, (int)half * 2));
                }
            }
            else
            {
                // A building: a flat roof, sometimes a mast.
                var height = ProjectedSky.Uniform(random, 2, 8);
                for (var b = 0; b < Math.Min(width, 80); b++)
                {
                    var bin = (start + b) % SkylineBins;
                    _skyline[bin] = Math.Max(_skyline[bin], (float)height);
                }

                if (random.NextDouble() < 0.5)
                {
                    var bin = (start + random.Next(Math.Min(width, 80))) % SkylineBins;
                    _skyline[bin] = Math.Max(_skyline[bin], (float)(height + ProjectedSky.Uniform(random, 3, 12)));
                }
            }
        }
    }

    private static int SkylineBin(double azimuthRad) => Math.Clamp((int)(azimuthRad / (2 * Math.PI) * SkylineBins), 0, SkylineBins - 1);
}
