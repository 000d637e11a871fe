using AuroraStream.Training.Torch;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace AuroraStream.Training.Models;

/// <summary>Which encoder architecture.</summary>
public enum EncoderArchitecture
{
    /// <summary>Compact CPU-friendly CNN for 128 px input, 256-d representation (the default on CPU).</summary>
    Compact,

    /// <summary>ResNet-18 with a single-channel stem, 512-d representation, for parity with the paper's released model.</summary>
    ResNet18,
}

/// <summary>Builds encoders. Both take [N, 1, H, W] float input and return [N, D] representations.</summary>
public static class Encoders
{
    /// <summary>Representation size of an architecture.</summary>
    public static int RepresentationSize(EncoderArchitecture architecture) => architecture switch
    {
        EncoderArchitecture.Compact => CompactEncoder.Channels[^1],
        EncoderArchitecture.ResNet18 => 512,
        _ => throw new ArgumentOutOfRangeException(nameof(architecture), architecture, null),
    };

    /// <summary>A new, randomly initialised encoder (seed torch first for reproducibility).</summary>
    public static Module<Tensor, Tensor> Create(EncoderArchitecture architecture) => architecture switch
    {
        EncoderArchitecture.Compact => new CompactEncoder(),
        EncoderArchitecture.ResNet18 => new ResNet18Encoder(),
        _ => throw new ArgumentOutOfRangeException(nameof(architecture), architecture, null),
    };
}

/// <summary>
/// The compact encoder: four stride-2 stages of 3x3 convolutions (32, 64, 128, 256 channels; the
/// last three with a second convolution), batch norm and ReLU, then global average pooling to a
/// 256-d representation. About 0.34 GFLOP per 128x128 frame, a tenth of ResNet-18 at 224.
/// </summary>
internal sealed class CompactEncoder : Module<Tensor, Tensor>
{
    // Widths are multiples of 32: with 24/48/96/192 channels, libtorch 2.10's CPU convolutions
    // (TorchSharp 0.107) gave intermittent NaN and results 3e-4 away from ONNX Runtime on this
    // machine; at these widths 20 of 20 soak runs were clean and ONNX Runtime agrees within 1e-4.
    internal static readonly int[] Channels = [32, 64, 128, 256];

    private readonly Sequential _features;

    public CompactEncoder()
        : base(nameof(CompactEncoder))
    {
        var layers = new List<(string, Module<Tensor, Tensor>)>();
        var input = 1;
        for (var s = 0; s < Channels.Length; s++)
        {
            layers.Add(($"stage{s}_down", ConvBnRelu(input, Channels[s], 2)));
            if (s > 0)
            {
                layers.Add(($"stage{s}_conv", ConvBnRelu(Channels[s], Channels[s], 1)));
            }

            input = Channels[s];
        }

        layers.Add(("pool", AdaptiveAvgPool2d(1)));
        layers.Add(("flatten", Flatten()));
        _features = Sequential(layers);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input) => _features.forward(input);

    private static Sequential ConvBnRelu(int input, int output, int stride) =>
        Sequential(Conv2d(input, output, 3, stride: stride, padding: 1, bias: false), new ScalarSafeBatchNorm2d(output), ReLU(inplace: true));
}

/// <summary>ResNet-18 (He et al. 2016) with a one-channel 7x7 stem and no classification layer.</summary>
internal sealed class ResNet18Encoder : Module<Tensor, Tensor>
{
    private readonly Sequential _stem;
    private readonly Sequential _layers;
    private readonly AdaptiveAvgPool2d _pool;

    public ResNet18Encoder()
        : base(nameof(ResNet18Encoder))
    {
        _stem = Sequential(Conv2d(1, 64, 7, stride: 2, padding: 3, bias: false), new ScalarSafeBatchNorm2d(64), ReLU(inplace: true), MaxPool2d(3, stride: 2, padding: 1));
        var blocks = new List<(string, Module<Tensor, Tensor>)>();
        var input = 64;
        foreach (var (width, stride, index) in new[] { (64, 1, 1), (128, 2, 2), (256, 2, 3), (512, 2, 4) })
        {
            blocks.Add(($"layer{index}_0", new BasicBlock($"layer{index}_0", input, width, stride)));
            blocks.Add(($"layer{index}_1", new BasicBlock($"layer{index}_1", width, width, 1)));
            input = width;
        }

        _layers = Sequential(blocks);
        _pool = AdaptiveAvgPool2d(1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var stem = _stem.forward(input);
        using var features = _layers.forward(stem);
        using var pooled = _pool.forward(features);
        return pooled.flatten(1);
    }

    private sealed class BasicBlock : Module<Tensor, Tensor>
    {
        private readonly Sequential _body;
        private readonly Sequential? _shortcut;

        public BasicBlock(string name, int input, int output, int stride)
            : base(name)
        {
            _body = Sequential(
                Conv2d(input, output, 3, stride: stride, padding: 1, bias: false),
                new ScalarSafeBatchNorm2d(output),
                ReLU(inplace: true),
                Conv2d(output, output, 3, stride: 1, padding: 1, bias: false),
                new ScalarSafeBatchNorm2d(output));
            if (stride != 1 || input != output)
            {
                _shortcut = Sequential(Conv2d(input, output, 1, stride: stride, bias: false), new ScalarSafeBatchNorm2d(output));
            }

            RegisterComponents();
        }

        public override Tensor forward(Tensor input)
        {
            using var body = _body.forward(input);
            using var shortcut = _shortcut?.forward(input);
            return functional.relu(body.add(shortcut ?? input, Scalars.One));
        }
    }
}

/// <summary>The SimCLR projection head of the paper's model: representation -> 512 -> 64, no biases.</summary>
internal sealed class ProjectionHead : Module<Tensor, Tensor>
{
    private readonly Sequential _mlp;

    public ProjectionHead(int representation, int hidden = 512, int output = 64)
        : base(nameof(ProjectionHead))
    {
        _mlp = Sequential(Linear(representation, hidden, hasBias: false), ReLU(inplace: true), Linear(hidden, output, hasBias: false));
        RegisterComponents();
    }

    public override Tensor forward(Tensor input) => _mlp.forward(input);
}
