using AuroraStream.Training.SimClr;
using static TorchSharp.torch;

namespace AuroraStream.Training.Tests.SimClr;

public sealed class AllSkyAugmenterTests
{
    private static readonly AugmentationOptions Geometry = new() { MaxRotationDegrees = 0, FlipProbability = 0, MinCropScale = 1, Brightness = 0, Contrast = 0, MaxGamma = 1, BlurProbability = 0, MaxNoise = 0 };

    /// <summary>A bright bar from the centre to the right edge: left-right asymmetric.</summary>
    private static Tensor Bar(int n = 2, int size = 64)
    {
        var data = new float[n * size * size];
        for (var i = 0; i < n; i++)
        {
            for (var y = size / 2 - 2; y < size / 2 + 2; y++)
            {
                for (var x = size / 2; x < size - 12; x++)
                {
                    data[(i * size * size) + (y * size) + x] = 0.8f;
                }
            }
        }

        return tensor(data, [n, 1, size, size]);
    }

    [Fact]
    public void Apply_DefaultOptions_KeepShapeRangeAndTheDarkOutsideOfTheCircle()
    {
        using var scope = NewDisposeScope();
        using var augmenter = new AllSkyAugmenter(new AugmentationOptions(), seed: 1);
        using var input = rand(8, 1, 64, 64, generator: new Generator(1));

        using var output = augmenter.Apply(input);
        using var circle = AllSkyAugmenter.Circle(64, 64, 0.85);
        using var outside = circle.logical_not();

        Assert.Equal(input.shape, output.shape);
        Assert.True(output.min().item<float>() >= 0 && output.max().item<float>() <= 1);
        Assert.Equal(0f, (output * outside).abs().max().item<float>());
        Assert.True((output - input).abs().mean().item<float>() > 0.01);
    }

    [Fact]
    public void FineTuningViews_KeepALowArcAtTheRimOfTheField()
    {
        // A band along the rim of the field (88-95% of its radius: 5-10 deg elevation in an
        // equidistant fisheye), as the low arcs of the synthetic skies and of Gillam 2016 lie. A view
        // for supervised training must still show it: a crop to 85% of the field would cut it off
        // on one side, leaving an "arc" label on a frame without one.
        using var scope = NewDisposeScope();
        const int Size = 64;
        var data = new float[32 * Size * Size];
        for (var i = 0; i < 32; i++)
        {
            for (var y = 0; y < Size; y++)
            {
                for (var x = 0; x < Size; x++)
                {
                    var (dx, dy) = ((x - 31.5) / 32, (y - 31.5) / 32);
                    var r = Math.Sqrt((dx * dx) + (dy * dy));
                    data[(i * Size * Size) + (y * Size) + x] = r is > 0.88 and < 0.95 && dy > 0.3 ? 0.8f : 0.1f;
                }
            }
        }

        using var input = tensor(data, [32, 1, Size, Size]);
        using var augmenter = new AllSkyAugmenter(AugmentationOptions.FineTuning(1.0), seed: 5);
        using var views = augmenter.Apply(input);

        // Pixels well above the sky's level, per view: the band keeps most of its pixels in every view.
        var before = data.AsSpan(0, Size * Size).ToArray().Count(v => v > 0.5f);
        var pixels = views.data<float>().ToArray();
        var after = Enumerable.Range(0, 32).Select(i => pixels.AsSpan(i * Size * Size, Size * Size).ToArray().Count(v => v > 0.5f)).ToList();
        Assert.All(after, n => Assert.True(n >= 0.5 * before, $"{n} of {before} band pixels left in a view"));
    }

    [Fact]
    public void Apply_SameSeed_GivesTheSameViews_OtherSeedsDiffer()
    {
        using var scope = NewDisposeScope();
        using var input = rand(4, 1, 32, 32, generator: new Generator(2));
        using var a = new AllSkyAugmenter(new AugmentationOptions(), 7);
        using var b = new AllSkyAugmenter(new AugmentationOptions(), 7);
        using var c = new AllSkyAugmenter(new AugmentationOptions(), 8);

        using var va = a.Apply(input);
        using var vb = b.Apply(input);
        using var vc = c.Apply(input);

        Assert.Equal(0f, (va - vb).abs().max().item<float>());
        Assert.True((va - vc).abs().max().item<float>() > 0.01);
    }

    [Fact]
    public void Apply_IdentityGeometry_ReturnsTheMaskedInput()
    {
        using var scope = NewDisposeScope();
        using var augmenter = new AllSkyAugmenter(Geometry, 3);
        using var input = Bar();

        using var output = augmenter.Apply(input);

        Assert.True((output - (input * AllSkyAugmenter.Circle(64, 64, 0.85))).abs().max().item<float>() < 1e-5);
    }

    [Fact]
    public void Apply_FlipOnly_MirrorsLeftAndRight()
    {
        using var scope = NewDisposeScope();
        using var augmenter = new AllSkyAugmenter(new AugmentationOptions { MaxRotationDegrees = 0, FlipProbability = 1, MinCropScale = 1, Brightness = 0, Contrast = 0, MaxGamma = 1, BlurProbability = 0, MaxNoise = 0 }, 3);
        using var input = Bar();

        using var output = augmenter.Apply(input);
        using var left = output[.., .., .., ..32].sum();
        using var right = output[.., .., .., 32..].sum();

        Assert.True(left.item<float>() > 10 * (right.item<float>() + 1e-3), $"left {left.item<float>()} right {right.item<float>()}");
    }

    [Fact]
    public void Apply_RotationOnly_PreservesARotationallySymmetricSky()
    {
        using var scope = NewDisposeScope();
        const int size = 64;
        var disk = new float[size * size];
        for (var y = 0; y < size; y++)
        {
            for (var x = 0; x < size; x++)
            {
                var r2 = ((x - 31.5) * (x - 31.5)) + ((y - 31.5) * (y - 31.5));
                disk[(y * size) + x] = (float)Math.Exp(-r2 / (2 * 8.0 * 8.0));
            }
        }

        using var augmenter = new AllSkyAugmenter(new AugmentationOptions { FlipProbability = 0, MinCropScale = 1, Brightness = 0, Contrast = 0, MaxGamma = 1, BlurProbability = 0, MaxNoise = 0 }, 11);
        using var input = tensor(disk, [1, 1, size, size]);

        using var output = augmenter.Apply(input);

        Assert.True((output - input).abs().max().item<float>() < 0.02);
    }

    [Fact]
    public void Options_Invalid_AreRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new AllSkyAugmenter(new AugmentationOptions { MinCropScale = 0 }, 1));
}
