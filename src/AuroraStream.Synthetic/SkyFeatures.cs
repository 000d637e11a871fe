namespace AuroraStream.Synthetic;

/// <summary>The Moon and clouds.</summary>
internal static class SkyFeatures
{
    /// <summary>Counts standing in for the lunar disc: far past saturation however the frame is scaled.</summary>
    private const double MoonDiscCounts = 2e6;

    /// <summary>
    /// The Moon 5-70 deg up (above the skyline): a saturated disc (0.5 deg, bloomed over 1-3 px),
    /// moonlight scattered by the air after Krisciunas &amp; Schaefer 1991 (brighter toward the
    /// horizon and near the Moon), the instrument's glare (wings falling as the inverse square of
    /// the angle from the Moon, as the scattering of a lens and dome do), sometimes a ghost
    /// reflected through the centre, and in 35% of frames thin cloud (optical depth 0.3-1.5) with
    /// a bright aureole round the Moon.
    /// </summary>
    public static void AddMoon(SkyGeometry g, float[] sky, SkyBackdrop conditions, Random random)
    {
        var moonAz = random.NextDouble() * 2 * Math.PI;
        var minElevation = Math.Max(5, conditions.SkylineDeg(moonAz) + 3);
        var moonZ = (90 - ProjectedSky.Uniform(random, minElevation, 70)) * Math.PI / 180;
        var zenithMoonlight = ProjectedSky.LogUniform(random, 300, 8000);
        var kMag = 1.086 * conditions.ExtinctionTau;
        var norm = Atmosphere.Moonlight(Atmosphere.AngleDeg(0, 0, moonZ, moonAz), 0, moonZ, kMag);
        var glarePeak = ProjectedSky.LogUniform(random, 3e4, 3e5);
        var glareDeg = ProjectedSky.Uniform(random, 1.2, 3.5);
        var wings = ProjectedSky.LogUniform(random, 0.3, 3);
        var discDeg = 0.25 + (ProjectedSky.Uniform(random, 1, 3) * FisheyeLens.K1DegPerPx);
        var thin = random.NextDouble() < 0.35;
        var cloudTau = thin ? ProjectedSky.Uniform(random, 0.3, 1.5) : 0;
        var aureoleDeg = ProjectedSky.Uniform(random, 5, 20);
        var cloud = thin ? new CloudDeck(random, ProjectedSky.Uniform(random, 3, 8), ProjectedSky.LogUniform(random, 4, 30), 0) : null;

        var (mx, my) = g.Lens.Pixel(moonZ * 180 / Math.PI, moonAz * 180 / Math.PI);
        var moonTerm = Math.Pow(10, -0.4 * kMag / Math.Sqrt(1 - (0.96 * Math.Sin(moonZ) * Math.Sin(moonZ))));
        const int pathSteps = 512;
        var path = new double[pathSteps + 2];
        for (var k = 0; k < path.Length; k++)
        {
            path[k] = Atmosphere.MoonlightPath(Math.Min(k, pathSteps) * (Math.PI / 2) / pathSteps, kMag);
        }

        var ghost = random.NextDouble() < 0.5;
        var (gx, gy) = ((2 * g.Lens.CentreX) - mx, (2 * g.Lens.CentreY) - my);
        var ghostSigma = ProjectedSky.Uniform(random, 2, 5);
        var ghostLevel = ProjectedSky.LogUniform(random, 0.05, 0.4) * zenithMoonlight;

        for (var i = 0; i < sky.Length; i++)
        {
            if (g.Aperture[i] <= 0)
            {
                continue;
            }

            var z = Math.Min((double)g.Zenith[i], (Math.PI / 2) - 1e-3);
            var rho = Atmosphere.AngleDeg(z, g.Azimuth[i], moonZ, moonAz);
            var t = z / (Math.PI / 2) * pathSteps;
            var pk = (int)t;
            var pathTerm = path[pk] + ((path[pk + 1] - path[pk]) * (t - pk));
            var q = 1 + (rho * rho / (glareDeg * glareDeg));
            var light = (zenithMoonlight * Atmosphere.MoonScattering(rho) * moonTerm * pathTerm / norm)
                + (zenithMoonlight * wings / (1 + (rho * rho / 36)))
                + (glarePeak / (q * Math.Sqrt(q)));
            if (rho < discDeg)
            {
                light += MoonDiscCounts;
            }

            if (ghost)
            {
                var (dx, dy) = ((i % g.Width) - gx, (i / g.Width) - gy);
                light += ghostLevel * Math.Exp(-0.5 * ((dx * dx) + (dy * dy)) / (ghostSigma * ghostSigma));
            }

            if (cloud is not null)
            {
                var n = cloud.Texture(g, i);
                var tau = cloudTau * (0.5 + n);
                var transmission = Math.Exp(-tau / Math.Cos(Math.Min(z, 1.45)));
                sky[i] = (float)((sky[i] * transmission) + (light * (0.6 + (0.4 * transmission)))
                    + (zenithMoonlight * (1 - transmission) * (0.6 + (3 * Math.Exp(-rho / aureoleDeg)))));
            }
            else
            {
                sky[i] += (float)light;
            }
        }
    }

    /// <summary>
    /// An overcast deck 1-6 km up with multi-scale (fBm) texture, lit from below by the ground
    /// and a light dome, sometimes by a Moon behind it (a bright patch, no disc, never saturated);
    /// optically thick (depth 5-9 times 0.75-1.25), so stars and aurora above it fade below 2.5%.
    /// Its texture is drawn on the cloud base and projected, so it is fine overhead and squeezed
    /// toward the horizon.
    /// </summary>
    public static void AddOvercast(SkyGeometry g, float[] sky, SkyBackdrop conditions, Random random, int index)
    {
        var deck = new CloudDeck(random, ProjectedSky.Uniform(random, 1, 6), ProjectedSky.LogUniform(random, 3, 25), index);
        var radiance = ProjectedSky.LogUniform(random, 300, 8000);
        var contrast = ProjectedSky.Uniform(random, 0.2, 0.9);
        var tau0 = ProjectedSky.Uniform(random, 5, 9);
        var moonLit = random.NextDouble() < 0.4;
        var moonZ = (90 - ProjectedSky.Uniform(random, 10, 70)) * Math.PI / 180;
        var moonAz = random.NextDouble() * 2 * Math.PI;
        var patch = ProjectedSky.Uniform(random, 0.5, 3);
        var patchDeg = ProjectedSky.Uniform(random, 8, 25);
        radiance = Math.Min(radiance, 40000 / (1 + (moonLit ? patch : 0)));

        for (var i = 0; i < sky.Length; i++)
        {
            if (g.Aperture[i] <= 0)
            {
                continue;
            }

            var z = Math.Min((double)g.Zenith[i], (Math.PI / 2) - 1e-3);
            var n = deck.Texture(g, i);
            var transmission = Math.Exp(-tau0 * (0.75 + (0.5 * n)) / Math.Cos(Math.Min(z, 1.45)));

            // A thick deck's underside is brightest overhead and dims toward the horizon, where
            // the line of sight meets cloud lit from farther away through more haze.
            var light = radiance * (1 - contrast + (contrast * 1.6 * n)) * (0.45 + (0.55 * Math.Cos(z)));
            if (moonLit)
            {
                var rho = Atmosphere.AngleDeg(z, g.Azimuth[i], moonZ, moonAz);
                light += radiance * patch * Math.Exp(-rho / patchDeg) * (0.7 + (0.6 * n));
            }

            // The ground light and light domes reflect off the deck: keep the glow, brighter.
            sky[i] = (float)((sky[i] * transmission) + light + ((1 - transmission) * 0.5 * GlowOnly(conditions, g, i, z)));
        }
    }

    private static double GlowOnly(SkyBackdrop conditions, SkyGeometry g, int i, double z)
    {
        if (conditions.GlowRelative <= 0)
        {
            return 0;
        }

        return conditions.AirglowCounts * conditions.GlowRelative * 2 * conditions.GlowShape(g, i, z, 2);
    }
}

/// <summary>
/// A cloud base at a height, textured by fractional Brownian motion (five octaves of value noise,
/// each half the size and amplitude of the one before; Musgrave in Ebert et al. 2003, "Texturing
/// and Modeling", ch. 16). Octaves finer than a pixel's footprint on the cloud base are faded out
/// rather than aliased.
/// </summary>
internal sealed class CloudDeck
{
    private const int Octaves = 5;
    private readonly int _seed;
    private readonly double _heightKm;
    private readonly double _scaleKm;
    private readonly double _offsetX;
    private readonly double _offsetY;

    public CloudDeck(Random random, double heightKm, double scaleKm, int index)
    {
        _seed = random.Next();
        _heightKm = heightKm;
        _scaleKm = scaleKm;

        // Drift with a 5-15 m/s wind: 15-45 m a frame.
        var wind = ProjectedSky.Uniform(random, 0.005, 0.015) * 3;
        var direction = random.NextDouble() * 2 * Math.PI;
        (_offsetX, _offsetY) = (index * wind * Math.Cos(direction), index * wind * Math.Sin(direction));
    }

    /// <summary>Texture at pixel <paramref name="i"/>, 0..1, mean about 0.5.</summary>
    public double Texture(SkyGeometry g, int i)
    {
        var z = Math.Min((double)g.Zenith[i], 88 * Math.PI / 180);
        var tan = Math.Tan(z);
        var d = _heightKm * tan;
        var (x, y) = ((d * g.SinAz[i]) + _offsetX, (d * g.CosAz[i]) + _offsetY);

        // One pixel spans about 0.012 rad: on the base that is h dz / cos^2 z.
        var footprint = _heightKm * 0.012 * (1 + (tan * tan));
        var (sum, amplitude, total, scale) = (0.0, 1.0, 0.0, _scaleKm);
        for (var o = 0; o < Octaves; o++)
        {
            var fade = Math.Clamp((scale / footprint) - 1, 0, 1);
            sum += amplitude * ((fade * ValueNoise(x / scale, y / scale, _seed + o)) + ((1 - fade) * 0.5));
            total += amplitude;
            amplitude *= 0.5;
            scale *= 0.5;
        }

        return sum / total;
    }

    private static double ValueNoise(double x, double y, int seed)
    {
        var (xf, yf) = (Math.Floor(x), Math.Floor(y));
        var (ix, iy) = ((long)xf, (long)yf);
        var (fx, fy) = (x - xf, y - yf);
        var (sx, sy) = (fx * fx * (3 - (2 * fx)), fy * fy * (3 - (2 * fy)));
        var a = Lattice(ix, iy, seed);
        var b = Lattice(ix + 1, iy, seed);
        var c = Lattice(ix, iy + 1, seed);
        var d = Lattice(ix + 1, iy + 1, seed);
        return (a + ((b - a) * sx)) + (((c + ((d - c) * sx)) - (a + ((b - a) * sx))) * sy);
    }

    private static double Lattice(long x, long y, int seed)
    {
        var h = (ulong)x * 0x9E3779B97F4A7C15UL ^ ((ulong)y * 0xC2B2AE3D27D4EB4FUL) ^ ((ulong)(uint)seed * 0x165667B19E3779F9UL);
        h ^= h >> 31;
        h *= 0xBF58476D1CE4E5B9UL;
        h ^= h >> 29;
        return (h >> 11) * (1.0 / (1UL << 53));
    }
}
