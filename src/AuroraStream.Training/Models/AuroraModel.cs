using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace AuroraStream.Training.Models;

/// <summary>The classifier on top of the representation.</summary>
public enum ClassifierHead
{
    /// <summary>One linear layer (a linear probe).</summary>
    Linear,

    /// <summary>Linear, ReLU, linear with <see cref="AuroraModel.MlpHidden"/> hidden units.</summary>
    Mlp,
}

/// <summary>
/// The deployed model: an encoder and a classifier head over its representation, giving the six
/// OATH class probabilities and the representation.
/// </summary>
public sealed class AuroraModel : Module<Tensor, (Tensor Probabilities, Tensor Representation)>
{
    /// <summary>Number of output classes (the OATH six).</summary>
    public const int Classes = 6;

    /// <summary>Hidden units of the MLP head.</summary>
    public const int MlpHidden = 128;

    private readonly Module<Tensor, Tensor> _encoder;
    private readonly Sequential _classifier;

    /// <summary>Creates a randomly initialised model (seed torch first for reproducibility).</summary>
    public AuroraModel(EncoderArchitecture architecture, ClassifierHead head = ClassifierHead.Linear)
        : this(architecture, Encoders.Create(architecture), head)
    {
    }

    /// <summary>Creates a model over an existing (e.g. pretrained) encoder, which it takes over, and a new head.</summary>
    public AuroraModel(EncoderArchitecture architecture, Module<Tensor, Tensor> encoder, ClassifierHead head)
        : base(nameof(AuroraModel))
    {
        ArgumentNullException.ThrowIfNull(encoder);
        Architecture = architecture;
        Head = head;
        _encoder = encoder;
        _classifier = CreateHead(Encoders.RepresentationSize(architecture), head);
        RegisterComponents();
    }

    /// <summary>The encoder architecture.</summary>
    public EncoderArchitecture Architecture { get; }

    /// <summary>The classifier head.</summary>
    public ClassifierHead Head { get; }

    internal Module<Tensor, Tensor> Encoder => _encoder;

    /// <summary>A new encoder with a copy of this model's encoder weights and statistics.</summary>
    public Module<Tensor, Tensor> CloneEncoder()
    {
        var copy = Encoders.Create(Architecture);
        copy.load_state_dict(_encoder.state_dict());
        return copy;
    }

    internal Sequential Classifier => _classifier;

    /// <summary>A new head for a representation size.</summary>
    internal static Sequential CreateHead(int representation, ClassifierHead head) => head switch
    {
        ClassifierHead.Linear => Sequential(("0", Linear(representation, Classes))),
        ClassifierHead.Mlp => Sequential(("0", Linear(representation, MlpHidden)), ("1", ReLU()), ("2", Linear(MlpHidden, Classes))),
        _ => throw new ArgumentOutOfRangeException(nameof(head), head, "Unknown classifier head."),
    };

    /// <summary>Logits of the six classes.</summary>
    public Tensor Logits(Tensor input)
    {
        using var representation = _encoder.forward(input);
        return _classifier.forward(representation);
    }

    /// <inheritdoc />
    public override (Tensor Probabilities, Tensor Representation) forward(Tensor input)
    {
        var representation = _encoder.forward(input);
        using var logits = _classifier.forward(representation);
        return (functional.softmax(logits, 1), representation);
    }
}
