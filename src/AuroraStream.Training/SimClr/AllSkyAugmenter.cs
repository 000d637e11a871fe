using AuroraStream.Training.Torch;
using static TorchSharp.torch;

namespace AuroraStream.Training.SimClr;

/// <summary>Strengths of the SimCLR augmentations; zero (or 1 for scales) turns one off.</summary>
public sealed class AugmentationOptions
{
    /// <summary>Rotation about the zenith, uniform in +-this many degrees.</summary>
    /// <value>Default 180: any angle (an all-sky image has no preferred orientation for its class).</value>
    public double MaxRotationDegrees { get; init; } = 180;

    /// <summary>Probability of a mirror flip.</summary>
    /// <value>Default 0.5.</value>
    public double FlipProbability { get; init; } = 0.5;

    /// <summary>Smallest crop scale (fraction of the field of view kept); crops stay inside the circle.</summary>
    /// <value>Default 0.6.</value>
    public double MinCropScale { get; init; } = 0.6;

    /// <summary>Brightness offset, uniform in +-this.</summary>
    /// <value>Default 0.1.</value>
    public double Brightness { get; init; } = 0.1;

    /// <summary>Contrast factor, uniform in 1 +- this.</summary>
    /// <value>Default 0.3.</value>
    public double Contrast { get; init; } = 0.3;

    /// <summary>Gamma, log-uniform in [1 / this, this].</summary>
    /// <value>Default 1.4.</value>
    public double MaxGamma { get; init; } = 1.4;

    /// <summary>Probability of a Gaussian blur.</summary>
    /// <value>Default 0.5.</value>
    public double BlurProbability { get; init; } = 0.5;

    /// <summary>Largest blur sigma in pixels.</summary>
    /// <value>Default 1.5.</value>
    public double MaxBlurSigma { get; init; } = 1.5;

    /// <summary>Largest standard deviation of added Gaussian noise.</summary>
    /// <value>Default 0.03.</value>
    public double MaxNoise { get; init; } = 0.03;

    /// <summary>Field-of-view radius as a fraction of half the width (the preprocessing's mask).</summary>
    /// <value>Default 0.85.</value>
    public double MaskRadiusFraction { get; init; } = 0.85;

    /// <summary>
    /// Milder views for supervised fine-tuning: any rotation and flips, no crops, brightness
    /// +-0.05, contrast +-0.15, gamma up to 1.2, blur (sigma up to 0.6 px) in a fifth of the frames,
    /// noise up to 0.02. A view must still show what the label says: the SimCLR strengths would
    /// blur a thin arc into the sky, and any crop takes away the rim of the field on one side, where
    /// low arcs lie (a crop keeping 85% of an equidistant fisheye's radius cuts off the sky below
    /// about 14 deg elevation, where half the synthetic arcs and the Gillam 2016 aurora are).
    /// </summary>
    /// <param name="maskRadiusFraction">The preprocessing's field-of-view radius (fraction of half the width).</param>
    public static AugmentationOptions FineTuning(double maskRadiusFraction) => new()
    {
        MinCropScale = 1,
        Brightness = 0.05,
        Contrast = 0.15,
        MaxGamma = 1.2,
        BlurProbability = 0.2,
        MaxBlurSigma = 0.6,
        MaxNoise = 0.02,
        MaskRadiusFraction = maskRadiusFraction,
    };

    internal void Validate()
    {
        if (MinCropScale is <= 0 or > 1 || FlipProbability is < 0 or > 1 || BlurProbability is < 0 or > 1 || MaxGamma < 1
            || Contrast is < 0 or >= 1 || Brightness < 0 || MaxNoise < 0 || MaxBlurSigma < 0 || MaskRadiusFraction is <= 0 or > 1.5)
        {
            throw new ArgumentOutOfRangeException(nameof(MinCropScale), "AugmentationOptions: MinCropScale must be in (0, 1], probabilities in [0, 1], MaxGamma >= 1, Contrast in [0, 1), the others non-negative, MaskRadiusFraction in (0, 1.5].");
        }
    }
}

/// <summary>
/// Random views of preprocessed all-sky frames for SimCLR, respecting what an all-sky image is:
/// rotation by any angle about the zenith, mirror flips, resized crops inside the circular field of
/// view, brightness, contrast and gamma jitter, blur and noise; the field-of-view mask is applied
/// again at the end. Deterministic for a seed.
/// </summary>
public sealed class AllSkyAugmenter : IDisposable
{
    private const int BlurKernel = 7;
    private readonly AugmentationOptions _options;
    private readonly Random _random;
    private readonly Generator _generator;

    /// <summary>Creates an augmenter.</summary>
    public AllSkyAugmenter(AugmentationOptions options, int seed)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _random = new Random(seed);
        _generator = new Generator((ulong)(uint)seed);
    }

    /// <summary>A random view of each frame of a batch [N, 1, H, W] with values in [0, 1].</summary>
    public Tensor Apply(Tensor batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.shape.Length != 4 || batch.shape[1] != 1)
        {
            throw new ArgumentException($"Expected [N, 1, H, W], got [{string.Join(",", batch.shape)}].", nameof(batch));
        }

        var (n, h, w) = ((int)batch.shape[0], batch.shape[2], batch.shape[3]);
        using var scope = NewDisposeScope();
        var theta = new float[n * 6];
        var gain = new float[n];
        var offset = new float[n];
        var gamma = new float[n];
        var noise = new float[n];
        var kernels = new float[n * BlurKernel * BlurKernel];
        for (var i = 0; i < n; i++)
        {
            var angle = (Uniform(-1, 1) * _options.MaxRotationDegrees) * Math.PI / 180;
            var flip = _random.NextDouble() < _options.FlipProbability ? -1.0 : 1.0;
            var scale = Uniform(_options.MinCropScale, 1);

            // Keep the crop inside the circle: shift by at most the radius it gave up.
            var shift = (1 - scale) * _options.MaskRadiusFraction * Math.Sqrt(_random.NextDouble());
            var direction = Uniform(0, 2 * Math.PI);
            var (cos, sin) = (Math.Cos(angle), Math.Sin(angle));
            theta[(6 * i) + 0] = (float)(scale * cos * flip);
            theta[(6 * i) + 1] = (float)(-scale * sin);
            theta[(6 * i) + 2] = (float)(shift * Math.Cos(direction));
            theta[(6 * i) + 3] = (float)(scale * sin * flip);
            theta[(6 * i) + 4] = (float)(scale * cos);
            theta[(6 * i) + 5] = (float)(shift * Math.Sin(direction));
            gain[i] = (float)(1 + (Uniform(-1, 1) * _options.Contrast));
            offset[i] = (float)(Uniform(-1, 1) * _options.Brightness);
            gamma[i] = (float)Math.Exp(Uniform(-1, 1) * Math.Log(_options.MaxGamma));
            noise[i] = (float)(_random.NextDouble() * _options.MaxNoise);
            var sigma = _random.NextDouble() < _options.BlurProbability ? Uniform(0.1, Math.Max(0.1, _options.MaxBlurSigma)) : 0;
            GaussianKernel(sigma, kernels.AsSpan(i * BlurKernel * BlurKernel, BlurKernel * BlurKernel));
        }

        var grid = nn.functional.affine_grid(tensor(theta, [n, 2, 3]), [n, 1, h, w], align_corners: false);
        var x = nn.functional.grid_sample(batch, grid, GridSampleMode.Bilinear, GridSamplePaddingMode.Zeros, align_corners: false);
        x = x.clamp(Scalars.Zero, Scalars.One).pow(tensor(gamma, [n, 1, 1, 1])).mul(tensor(gain, [n, 1, 1, 1])).add(tensor(offset, [n, 1, 1, 1]), Scalars.One);
        x = nn.functional.conv2d(x.reshape(1, n, h, w), tensor(kernels, [n, 1, BlurKernel, BlurKernel]), padding: [BlurKernel / 2, BlurKernel / 2], groups: n).reshape(n, 1, h, w);
        x = x.add(randn([n, 1, h, w], generator: _generator).mul(tensor(noise, [n, 1, 1, 1])), Scalars.One);
        return x.clamp(Scalars.Zero, Scalars.One).mul(Circle(h, w, _options.MaskRadiusFraction)).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public void Dispose() => _generator.Dispose();

    /// <summary>1 inside the field of view, 0 outside, [H, W]; the preprocessing's circle.</summary>
    internal static Tensor Circle(long h, long w, double fraction)
    {
        var mask = new float[h * w];
        var (cy, cx, r) = ((h - 1) / 2.0, (w - 1) / 2.0, fraction * w / 2.0);
        for (var y = 0; y < h; y++)
        {
            for (var x = 0; x < w; x++)
            {
                mask[(y * w) + x] = ((x - cx) * (x - cx)) + ((y - cy) * (y - cy)) <= r * r ? 1 : 0;
            }
        }

        return tensor(mask, [h, w]);
    }

    private static void GaussianKernel(double sigma, Span<float> kernel)
    {
        kernel.Clear();
        if (sigma <= 0)
        {
            kernel[(BlurKernel / 2 * BlurKernel) + (BlurKernel / 2)] = 1;
            return;
        }

        double sum = 0;
        for (var y = 0; y < BlurKernel; y++)
        {
            for (var x = 0; x < BlurKernel; x++)
            {
                var (dy, dx) = (y - (BlurKernel / 2), x - (BlurKernel / 2));
                var v = Math.Exp(-((dx * dx) + (dy * dy)) / (2 * sigma * sigma));
                kernel[(y * BlurKernel) + x] = (float)v;
                sum += v;
            }
        }

        for (var i = 0; i < kernel.Length; i++)
        {
            kernel[i] = (float)(kernel[i] / sum);
        }
    }

    private double Uniform(double low, double high) => low + (_random.NextDouble() * (high - low));
}
