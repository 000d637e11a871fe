using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace AuroraStream.Training.Models;

/// <summary>
/// The deployed model: an encoder and a linear classifier over its representation, giving the six
/// OATH class probabilities and the representation.
/// </summary>
public sealed class AuroraModel : Module<Tensor, (Tensor Probabilities, Tensor Representation)>
{
    /// <summary>Number of output classes (the OATH six).</summary>
    public const int Classes = 6;

    private readonly Module<Tensor, Tensor> _encoder;
    private readonly Linear _classifier;

    /// <summary>Creates a randomly initialised model (seed torch first for reproducibility).</summary>
    public AuroraModel(EncoderArchitecture architecture)
        : base(nameof(AuroraModel))
    {
        Architecture = architecture;
        _encoder = Encoders.Create(architecture);
        _classifier = Linear(Encoders.RepresentationSize(architecture), Classes);
        RegisterComponents();
    }

    /// <summary>The encoder architecture.</summary>
    public EncoderArchitecture Architecture { get; }

    internal Module<Tensor, Tensor> Encoder => _encoder;

    /// <inheritdoc />
    public override (Tensor Probabilities, Tensor Representation) forward(Tensor input)
    {
        var representation = _encoder.forward(input);
        using var logits = _classifier.forward(representation);
        return (functional.softmax(logits, 1), representation);
    }
}
