namespace AuroraStream.Core;

/// <summary>A classifier's output for one frame.</summary>
public sealed class FramePrediction
{
    private readonly float[] _probabilities;

    /// <summary>Creates a prediction from the six class probabilities in <see cref="AuroraClasses.All"/> order.</summary>
    public FramePrediction(ReadOnlySpan<float> probabilities)
    {
        if (probabilities.Length != AuroraClasses.All.Count)
        {
            throw new ArgumentException($"A prediction has {AuroraClasses.All.Count} class probabilities, not {probabilities.Length}.", nameof(probabilities));
        }

        _probabilities = probabilities.ToArray();
        var best = 0;
        for (var i = 1; i < _probabilities.Length; i++)
        {
            if (_probabilities[i] > _probabilities[best])
            {
                best = i;
            }
        }

        Label = (AuroraClass)best;
    }

    /// <summary>The most probable class.</summary>
    public AuroraClass Label { get; }

    /// <summary>Probability of <see cref="Label"/>.</summary>
    public float Confidence => _probabilities[(int)Label];

    /// <summary>Probabilities of the six classes in OATH code order.</summary>
    public IReadOnlyList<float> Probabilities => _probabilities;

    /// <summary>Probability of aurora: arc + diffuse + discrete.</summary>
    public float AuroraProbability => _probabilities[0] + _probabilities[1] + _probabilities[2];

    /// <summary>Probability of one class.</summary>
    public float this[AuroraClass auroraClass] => _probabilities[(int)auroraClass];
}
