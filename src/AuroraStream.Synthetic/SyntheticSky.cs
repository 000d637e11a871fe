using AuroraStream.Core;

namespace AuroraStream.Synthetic;

/// <summary>Settings of a synthetic sky (<see cref="SyntheticSky"/> and <see cref="ProjectedSky"/>).</summary>
public sealed class SyntheticSkyOptions
{
    /// <summary>Seed of everything random; the same seed gives the same frames.</summary>
    /// <value>Default 1.</value>
    public int Seed { get; init; } = 1;

    /// <summary>Site code written into the frames (for <see cref="ProjectedSky"/>, a THEMIS site code also sets the latitude and longitude the stars turn about).</summary>
    /// <value>Default <c>gill</c>.</value>
    public string Site { get; init; } = "gill";

    /// <summary>Imager id written into the frames (a THEMIS id, so the stream takes them).</summary>
    /// <value>Default <c>themis99</c>.</value>
    public string Imager { get; init; } = "themis99";

    /// <summary>Time of the first frame; frames follow every 3 s.</summary>
    /// <value>Default 2020-01-01T06:00:00Z.</value>
    public DateTime Start { get; init; } = new(2020, 1, 1, 6, 0, 0, DateTimeKind.Utc);

    /// <summary>Classes to draw from, uniformly; all six when empty.</summary>
    public IReadOnlyList<AuroraClass> Classes { get; init; } = [];

    internal void Validate()
    {
        if (Site is null || Site.Length != 4 || !Site.All(char.IsAsciiLetterLower))
        {
            throw new ArgumentException($"SyntheticSkyOptions.Site must be four lower-case letters (got '{Site}').", nameof(Site));
        }

        if (string.IsNullOrWhiteSpace(Imager))
        {
            throw new ArgumentException("SyntheticSkyOptions.Imager must not be empty.", nameof(Imager));
        }

        if (Start.Kind != DateTimeKind.Utc)
        {
            throw new ArgumentException("SyntheticSkyOptions.Start must be UTC.", nameof(Start));
        }

        if (Classes is null || Classes.Any(c => !Enum.IsDefined(c)))
        {
            throw new ArgumentException("SyntheticSkyOptions.Classes must hold OATH classes only.", nameof(Classes));
        }
    }
}

/// <summary>A synthetic frame and the class it was drawn as.</summary>
/// <param name="Frame">The frame.</param>
/// <param name="Class">Its class.</param>
public sealed record SyntheticFrame(AllSkyFrame Frame, AuroraClass Class);

/// <summary>
/// Draws 256x256 16-bit all-sky frames that look like THEMIS ASI frames: a fisheye field of view
/// with horizon vignetting, a star field, detector bias of 2300-3500 counts, shot and read noise,
/// saturation at 65535; arcs as east-west bands, diffuse aurora as smooth patches, discrete aurora
/// as sharp folded curtains, clouds hiding the stars, the moon as a saturated disk with glare.
/// Deterministic for a seed: frame i depends only on the seed and i.
/// </summary>
public sealed class SyntheticSky
{
    /// <summary>Frame side in pixels.</summary>
    public const int Size = 256;

    private const double HorizonRadius = 0.47 * Size;
    private readonly SyntheticSkyOptions _options;
    private readonly (double X, double Y, double Flux)[] _stars;
    private readonly AuroraClass[] _classes;

    /// <summary>Creates a sky.</summary>
    public SyntheticSky(SyntheticSkyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _classes = options.Classes.Count > 0 ? [.. options.Classes] : [.. AuroraClasses.All];
        var random = new Random(options.Seed);
        _stars = new (double, double, double)[220];
        for (var i = 0; i < _stars.Length; i++)
        {
            var r = HorizonRadius * Math.Sqrt(random.NextDouble());
            var a = random.NextDouble() * 2 * Math.PI;
            _stars[i] = ((Size / 2.0) + (r * Math.Cos(a)), (Size / 2.0) + (r * Math.Sin(a)), 150 + (-Math.Log(1 - random.NextDouble()) * 900));
        }
    }

    /// <summary>Frame <paramref name="index"/> of the sequence.</summary>
    public SyntheticFrame Draw(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        var random = new Random(Seeds.Combine(_options.Seed, index, 0x5EED));
        var cls = _classes[random.Next(_classes.Length)];
        var sky = new double[Size * Size];

        // The stars turn with the sky, 360 degrees a sidereal day, about the zenith.
        var turn = index * 3.0 / 86164.0 * 2 * Math.PI;
        var starFactor = cls switch
        {
            AuroraClass.Cloudy => 0.0,
            AuroraClass.Moon => 0.35,
            _ => 1.0,
        };
        if (starFactor > 0)
        {
            AddStars(sky, turn, starFactor);
        }

        switch (cls)
        {
            case AuroraClass.Arc:
                AddArcs(sky, random);
                break;
            case AuroraClass.Diffuse:
                AddDiffuse(sky, random);
                break;
            case AuroraClass.Discrete:
                AddDiscrete(sky, random);
                break;
            case AuroraClass.Cloudy:
                AddClouds(sky, random);
                break;
            case AuroraClass.Moon:
                AddMoon(sky, random);
                break;
            case AuroraClass.Clear:
                break;
        }

        var pixels = Expose(sky, random);
        var frame = new AllSkyFrame(_options.Site, _options.Imager, _options.Start.AddSeconds(3 * index), Size, Size, pixels, 1000, new FrameOrigin("synthetic", index));
        return new SyntheticFrame(frame, cls);
    }

    private void AddStars(double[] sky, double turn, double factor)
    {
        var (c, s) = (Math.Cos(turn), Math.Sin(turn));
        foreach (var (x0, y0, flux) in _stars)
        {
            var dx = x0 - (Size / 2.0);
            var dy = y0 - (Size / 2.0);
            var x = (Size / 2.0) + (dx * c) - (dy * s);
            var y = (Size / 2.0) + (dx * s) + (dy * c);
            for (var yy = (int)y - 2; yy <= (int)y + 2; yy++)
            {
                for (var xx = (int)x - 2; xx <= (int)x + 2; xx++)
                {
                    if (xx is >= 0 and < Size && yy is >= 0 and < Size)
                    {
                        var d2 = ((xx - x) * (xx - x)) + ((yy - y) * (yy - y));
                        sky[(yy * Size) + xx] += factor * flux * Math.Exp(-d2 / (2 * 0.8 * 0.8));
                    }
                }
            }
        }
    }

    private static void AddArcs(double[] sky, Random random)
    {
        // East-west bands (image rows): one to three thin, gently curved arcs.
        var arcs = 1 + random.Next(3);
        for (var k = 0; k < arcs; k++)
        {
            var y0 = 50 + (random.NextDouble() * 156);
            var curve = (random.NextDouble() - 0.5) * 0.004;
            var width = 2.5 + (random.NextDouble() * 4);
            var brightness = 1500 + (random.NextDouble() * 5000);
            for (var y = 0; y < Size; y++)
            {
                for (var x = 0; x < Size; x++)
                {
                    var centre = y0 + (curve * (x - 128) * (x - 128));
                    var d = (y - centre) / width;
                    sky[(y * Size) + x] += brightness * Math.Exp(-0.5 * d * d);
                }
            }
        }
    }

    private static void AddDiffuse(double[] sky, Random random)
    {
        // Broad smooth patches with no sharp edges.
        var patches = 2 + random.Next(4);
        for (var k = 0; k < patches; k++)
        {
            var (cx, cy) = (40 + (random.NextDouble() * 176), 40 + (random.NextDouble() * 176));
            var sigma = 30 + (random.NextDouble() * 40);
            AddGaussian(sky, cx, cy, sigma, 500 + (random.NextDouble() * 1500));
        }
    }

    private static void AddDiscrete(double[] sky, Random random)
    {
        // A bright curtain folded along a wavy path, sharp lower edge, with rays.
        var y0 = 70 + (random.NextDouble() * 116);
        var amplitude = 15 + (random.NextDouble() * 30);
        var wavelength = 40 + (random.NextDouble() * 60);
        var phase = random.NextDouble() * 2 * Math.PI;
        var brightness = 6000 + (random.NextDouble() * 14000);
        var rays = Enumerable.Range(0, Size).Select(_ => 0.6 + (0.4 * random.NextDouble())).ToArray();
        for (var y = 0; y < Size; y++)
        {
            for (var x = 0; x < Size; x++)
            {
                var edge = y0 + (amplitude * Math.Sin((2 * Math.PI * x / wavelength) + phase));
                var d = y - edge;

                // Sharp on one side (the lower border), a few pixels of decay on the other.
                var profile = d >= 0 ? Math.Exp(-d / 1.5) : Math.Exp(d / 9);
                sky[(y * Size) + x] += brightness * rays[x] * profile;
            }
        }
    }

    private static void AddClouds(double[] sky, Random random)
    {
        // Scattered light from the ground and moon on a lumpy cloud deck; stars are hidden.
        var layers = 6;
        for (var k = 0; k < layers; k++)
        {
            var (cx, cy) = (random.NextDouble() * Size, random.NextDouble() * Size);
            var sigma = 20 + (random.NextDouble() * 50);
            AddGaussian(sky, cx, cy, sigma, 300 + (random.NextDouble() * 900));
        }

        for (var i = 0; i < sky.Length; i++)
        {
            sky[i] += 200 + (random.NextDouble() * 150);
        }
    }

    private static void AddGaussian(double[] sky, double cx, double cy, double sigma, double brightness)
    {
        for (var y = 0; y < Size; y++)
        {
            for (var x = 0; x < Size; x++)
            {
                var d2 = ((x - cx) * (x - cx)) + ((y - cy) * (y - cy));
                sky[(y * Size) + x] += brightness * Math.Exp(-d2 / (2 * sigma * sigma));
            }
        }
    }

    private static void AddMoon(double[] sky, Random random)
    {
        var r = HorizonRadius * 0.9 * Math.Sqrt(random.NextDouble());
        var a = random.NextDouble() * 2 * Math.PI;
        var (mx, my) = ((Size / 2.0) + (r * Math.Cos(a)), (Size / 2.0) + (r * Math.Sin(a)));
        var glare = 2000 + (random.NextDouble() * 4000);
        for (var y = 0; y < Size; y++)
        {
            for (var x = 0; x < Size; x++)
            {
                var d = Math.Sqrt(((x - mx) * (x - mx)) + ((y - my) * (y - my)));
                sky[(y * Size) + x] += d < 4 ? 1e6 : (glare * 16 / (1 + (d * d / 16))) + (glare * 0.15);
            }
        }
    }

    /// <summary>Vignetting, bias, shot and read noise, horizon, saturation.</summary>
    private static ushort[] Expose(double[] sky, Random random)
    {
        var bias = 2300 + (random.NextDouble() * 1200);
        var pixels = new ushort[sky.Length];
        for (var y = 0; y < Size; y++)
        {
            for (var x = 0; x < Size; x++)
            {
                var i = (y * Size) + x;
                var r = Math.Sqrt(((x - 127.5) * (x - 127.5)) + ((y - 127.5) * (y - 127.5))) / HorizonRadius;
                var signal = r >= 1 ? 0 : sky[i] * (1 - (0.7 * r * r));
                var shot = Math.Sqrt(Math.Max(signal, 0) * 2) * Gaussian(random);
                var value = bias + signal + shot + (12 * Gaussian(random));
                pixels[i] = (ushort)Math.Clamp(Math.Round(value), 0, 65535);
            }
        }

        return pixels;
    }

    private static double Gaussian(Random random)
    {
        var u1 = 1 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
