using AuroraStream.Core;

namespace AuroraStream.Synthetic;

/// <summary>
/// Puts synthetic aurora into real frames: the real sky, stars, trees, clouds and detector stay;
/// the aurora is drawn as in <see cref="ProjectedSky"/> (emission at 100-240 km above a spherical
/// Earth, integrated along each line of sight through the THEMIS fisheye) and scaled to the
/// frame's own sky.
/// </summary>
public static class AuroraOverlay
{
    /// <summary>
    /// Adds aurora of <paramref name="form"/> (Arc, Diffuse or Discrete) to
    /// <paramref name="background"/>. Its brightest pixel is 1.3-12 (arc), 2-20 (discrete) or
    /// 1.5-4 (diffuse) times the frame's smoothed sky there, so faint and bright cases both occur;
    /// shot noise for the added light is added; pixels outside the field of view are untouched.
    /// </summary>
    /// <param name="background">A real frame; its field of view is taken to be the THEMIS lens of <see cref="FisheyeLens.Themis"/> scaled to the frame's size.</param>
    /// <param name="form">Arc, Diffuse or Discrete.</param>
    /// <param name="seed">Seed of the aurora's layout, brightness and noise.</param>
    /// <returns>A new frame with the same site, imager, time and exposure; its origin's source ends in <c>+aurora-&lt;form&gt;-&lt;seed&gt;</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="form"/> is not an aurora class.</exception>
    public static AllSkyFrame Apply(AllSkyFrame background, AuroraClass form, int seed)
    {
        ArgumentNullException.ThrowIfNull(background);
        if (!Enum.IsDefined(form) || !form.IsAurora())
        {
            throw new ArgumentOutOfRangeException(nameof(form), form, "AuroraOverlay draws Arc, Diffuse or Discrete aurora.");
        }

        var (w, h) = (background.Width, background.Height);
        var scale = Math.Min(w, h) / (double)ProjectedSky.Size;
        var nominal = FisheyeLens.Themis;
        var lens = nominal with { CentreX = nominal.CentreX * w / ProjectedSky.Size, CentreY = nominal.CentreY * h / ProjectedSky.Size, Scale = scale };
        var g = new SkyGeometry(lens, w, h);
        var source = background.Pixels.Span;
        var bias = CornerBias(source, w, h);
        var sky = SmoothedSky(source, w, h, bias);

        var random = new Random(Seeds.Combine(seed, (int)form, 0xA0A0));
        var aurora = new float[w * h];
        var shape = AuroraForm.Random(form, random);
        shape.Render(g, ProjectedSky.Uniform(random, 0.1, 0.35), aurora);

        // The real sky already carries the lens vignetting; the aurora goes through it too.
        for (var i = 0; i < aurora.Length; i++)
        {
            var zRel = Math.Min(g.Zenith[i] / (Math.PI / 2), 1);
            aurora[i] *= (float)((1 - (0.35 * zRel * zRel)) * g.Aperture[i]);
        }

        var ratio = form switch
        {
            AuroraClass.Arc => ProjectedSky.LogUniform(random, 1.3, 12),
            AuroraClass.Discrete => ProjectedSky.LogUniform(random, 2, 20),
            _ => ProjectedSky.LogUniform(random, 1.5, 4),
        };
        ProjectedSky.ScaleToBackground(g, aurora, sky, ratio, null);

        var pixels = source.ToArray();
        var spare = double.NaN;
        for (var i = 0; i < pixels.Length; i++)
        {
            var added = (double)aurora[i];
            if (added <= 0 || pixels[i] == ushort.MaxValue)
            {
                continue;
            }

            var noisy = added + (Math.Sqrt(added * ProjectedSky.ShotVariancePerCount) * Detector.Gaussian(random, ref spare));
            pixels[i] = (ushort)Math.Clamp(Math.Round(pixels[i] + Math.Max(noisy, 0)), 0, 65535);
        }

        var origin = new FrameOrigin($"{background.Origin.Source}+aurora-{form.ToLabel()}-{seed}", background.Origin.Index);
        return new AllSkyFrame(background.Site, background.Imager, background.CaptureTime, w, h, pixels, background.ExposureMs, origin);
    }

    /// <summary>Bias: the lowest of the medians of the four 12x12 corners, which see no sky.</summary>
    private static double CornerBias(ReadOnlySpan<ushort> pixels, int w, int h)
    {
        var n = Math.Min(12, Math.Min(w, h) / 4);
        var best = double.MaxValue;
        var block = new ushort[n * n];
        foreach (var (x0, y0) in new[] { (0, 0), (w - n, 0), (0, h - n), (w - n, h - n) })
        {
            for (var y = 0; y < n; y++)
            {
                for (var x = 0; x < n; x++)
                {
                    block[(y * n) + x] = pixels[((y0 + y) * w) + x0 + x];
                }
            }

            Array.Sort(block);
            best = Math.Min(best, block[block.Length / 2]);
        }

        return best;
    }

    /// <summary>Sky above bias, box-averaged over 9x9 pixels so stars and noise do not set the aurora's scale.</summary>
    private static float[] SmoothedSky(ReadOnlySpan<ushort> pixels, int w, int h, double bias)
    {
        const int radius = 4;
        var rows = new float[w * h];
        for (var y = 0; y < h; y++)
        {
            for (var x = 0; x < w; x++)
            {
                var (sum, count) = (0.0, 0);
                for (var k = Math.Max(0, x - radius); k <= Math.Min(w - 1, x + radius); k++)
                {
                    sum += Math.Max(pixels[(y * w) + k] - bias, 0);
                    count++;
                }

                rows[(y * w) + x] = (float)(sum / count);
            }
        }

        var result = new float[w * h];
        for (var y = 0; y < h; y++)
        {
            for (var x = 0; x < w; x++)
            {
                var (sum, count) = (0.0, 0);
                for (var k = Math.Max(0, y - radius); k <= Math.Min(h - 1, y + radius); k++)
                {
                    sum += rows[(k * w) + x];
                    count++;
                }

                result[(y * w) + x] = (float)(sum / count);
            }
        }

        return result;
    }
}
