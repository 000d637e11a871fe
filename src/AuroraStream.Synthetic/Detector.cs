namespace AuroraStream.Synthetic;

/// <summary>
/// The THEMIS ASI camera: lens vignetting and rim, stray light beyond the rim, bias, read and shot
/// noise, 16-bit saturation. Bias 2200-3600 counts and read noise 10-15 counts as in the frames
/// (3474-3491 and 14-15 counts at Gillam, 2291-2299 at Gakona); the CCD and its 1 s exposure are
/// described in Mende et al. 2008, Space Sci. Rev. 141, 357, section 3, and Donovan et al. 2006,
/// ICS-8 proceedings (ESA SP-609), 55.
/// </summary>
internal static class Detector
{
    private const int Bins = 72;

    private static readonly float[] NormalTable = BuildNormalTable();

    /// <summary>Exposes <paramref name="sky"/> (counts above bias before vignetting) into 16-bit pixels.</summary>
    public static ushort[] Expose(SkyGeometry g, float[] sky, Random random, double vignetting)
    {
        var bias = ProjectedSky.Uniform(random, 2200, 3600);
        var readNoise = ProjectedSky.Uniform(random, 10, 15);
        var strayLevel = ProjectedSky.Uniform(random, 0.04, 0.12);
        var strayScalePx = ProjectedSky.Uniform(random, 3, 7);
        var ringRadius = g.RimRadiusPx + ProjectedSky.Uniform(random, 3, 7);
        var ringLevel = ProjectedSky.Uniform(random, 0.03, 0.12);
        var haloLevel = ProjectedSky.Uniform(random, 0.005, 0.03);

        var signal = new double[sky.Length];
        var edge = new double[Bins];
        var edgeCount = new int[Bins];
        for (var i = 0; i < sky.Length; i++)
        {
            if (g.Aperture[i] <= 0)
            {
                continue;
            }

            var zRel = Math.Min(g.Zenith[i] / (Math.PI / 2), 1.05);
            signal[i] = sky[i] * (1 - (vignetting * zRel * zRel)) * g.Aperture[i];
            var r = g.Radius[i];
            if (r > g.RimRadiusPx - 9 && r < g.RimRadiusPx - 3)
            {
                var b = Bin(g.Azimuth[i]);
                edge[b] += Math.Min(signal[i], 60000);
                edgeCount[b]++;
            }
        }

        var meanEdge = 0.0;
        for (var b = 0; b < Bins; b++)
        {
            edge[b] = edgeCount[b] > 0 ? edge[b] / edgeCount[b] : 0;
            meanEdge += edge[b] / Bins;
        }

        var pixels = new ushort[sky.Length];

        // Normal deviates from a fixed table, read from a random start with a random odd stride:
        // a different sequence every frame at a fraction of the cost of Box-Muller per pixel.
        var start = random.Next(NormalTable.Length);
        var stride = (2 * random.Next(1 << 14)) + 1;
        for (var i = 0; i < sky.Length; i++)
        {
            var r = g.Radius[i];
            var s = signal[i];
            if (r > g.RimRadiusPx - 2)
            {
                // Light scattered off the lens rim and mount: a fall-off, a faint ring, a wide halo.
                var beyond = Math.Max(r - g.RimRadiusPx, 0);
                var local = edge[Bin(g.Azimuth[i])];
                s += (local * ((strayLevel * Math.Exp(-beyond / strayScalePx)) + (ringLevel * Math.Exp(-0.5 * (r - ringRadius) * (r - ringRadius) / 0.64))))
                    + (meanEdge * haloLevel * Math.Exp(-beyond / 25));
            }

            var shot = Math.Sqrt(Math.Max(s, 0) * ProjectedSky.ShotVariancePerCount);
            var n1 = NormalTable[(start + (2 * i * stride)) & (NormalTable.Length - 1)];
            var n2 = NormalTable[(start + (((2 * i) + 1) * stride)) & (NormalTable.Length - 1)];
            var value = bias + s + (shot * n1) + (readNoise * n2);
            pixels[i] = (ushort)Math.Clamp(Math.Round(value), 0, 65535);
        }

        return pixels;
    }

    /// <summary>Standard normal deviate, Box-Muller, keeping the second of each pair.</summary>
    public static double Gaussian(Random random, ref double spare)
    {
        if (!double.IsNaN(spare))
        {
            var s = spare;
            spare = double.NaN;
            return s;
        }

        var u1 = 1 - random.NextDouble();
        var u2 = random.NextDouble();
        var m = Math.Sqrt(-2 * Math.Log(u1));
        spare = m * Math.Sin(2 * Math.PI * u2);
        return m * Math.Cos(2 * Math.PI * u2);
    }

    private static float[] BuildNormalTable()
    {
        var random = new Random(0x4E0A);
        var table = new float[1 << 18];
        var spare = double.NaN;
        for (var i = 0; i < table.Length; i++)
        {
            table[i] = (float)Gaussian(random, ref spare);
        }

        return table;
    }

    private static int Bin(double azimuthRad) => Math.Clamp((int)(azimuthRad / (2 * Math.PI) * Bins), 0, Bins - 1);
}
