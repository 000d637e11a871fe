using AuroraStream.Core.Preprocessing;

namespace AuroraStream.Core;

/// <summary>A classifier's output for one frame.</summary>
/// <remarks>
/// A frame whose out-of-distribution score exceeds the model's threshold is <see cref="IsUncertain"/>:
/// its representation lies further from everything the model was trained on than the held-out data
/// did, so its label is not to be trusted. So is a frame whose most probable class the sky ruled out
/// (<see cref="RuledOutBySky"/>, set by <see cref="Sky.SkyConsistency"/>), and a frame whose input shows
/// no sky, only pixel noise (<see cref="LacksStructure"/>, from <see cref="Preprocessing.SkyStructure"/>),
/// and a frame taken with the Sun above the horizon (<see cref="InDaylight"/>). <see cref="UncertainReasons"/>
/// says which. The six probabilities are kept either way.
/// </remarks>
public sealed class FramePrediction
{
    /// <summary>The label written for an uncertain frame (<see cref="LabelName"/>).</summary>
    public const string UncertainLabel = "uncertain";

    /// <summary>Reason: the out-of-distribution score is above the model's threshold.</summary>
    public const string OutOfDistributionReason = "out-of-distribution";

    /// <summary>Reason: the most probable class was the Moon, below the horizon (<see cref="RuledOutBySky"/>).</summary>
    public const string MoonDownReason = "moon-below-horizon";

    /// <summary>Reason: the input is pixel noise (<see cref="LacksStructure"/>).</summary>
    public const string NoStructureReason = "no-structure";

    /// <summary>Reason: the Sun is above the horizon (<see cref="InDaylight"/>).</summary>
    public const string DaylightReason = "daylight";

    private readonly float[] _probabilities;

    /// <summary>Creates a prediction from the six class probabilities in <see cref="AuroraClasses.All"/> order.</summary>
    /// <param name="probabilities">Six probabilities in OATH code order.</param>
    /// <param name="oodScore">Out-of-distribution score of the frame (larger is further from the training data), when the model gives one.</param>
    /// <param name="oodThreshold">Score above which the frame is uncertain; null when the model has none.</param>
    /// <param name="ruledOutBySky">Whether the class the model found most probable was impossible under the sky (see <see cref="RuledOutBySky"/>).</param>
    /// <param name="structure">Lag-1 spatial autocorrelation of the model input (<see cref="SkyStructure.Autocorrelation(ReadOnlySpan{float}, int, double)"/>), when measured.</param>
    /// <param name="inDaylight">Whether the Sun was above the horizon (see <see cref="InDaylight"/>).</param>
    /// <exception cref="ArgumentException">Not six probabilities.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A score, threshold or structure that is NaN.</exception>
    public FramePrediction(ReadOnlySpan<float> probabilities, double? oodScore = null, double? oodThreshold = null, bool ruledOutBySky = false, double? structure = null, bool inDaylight = false)
    {
        if (probabilities.Length != AuroraClasses.All.Count)
        {
            throw new ArgumentException($"A prediction has {AuroraClasses.All.Count} class probabilities, not {probabilities.Length}.", nameof(probabilities));
        }

        if (oodScore is { } s && double.IsNaN(s))
        {
            throw new ArgumentOutOfRangeException(nameof(oodScore), s, "The out-of-distribution score must be a number.");
        }

        if (oodThreshold is { } t && double.IsNaN(t))
        {
            throw new ArgumentOutOfRangeException(nameof(oodThreshold), t, "The out-of-distribution threshold must be a number.");
        }

        if (structure is { } a && double.IsNaN(a))
        {
            throw new ArgumentOutOfRangeException(nameof(structure), a, "The structure of the input must be a number.");
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
        OodScore = oodScore;
        OodThreshold = oodThreshold;
        RuledOutBySky = ruledOutBySky;
        Structure = structure;
        InDaylight = inDaylight;
    }

    /// <summary>The most probable class (also for an uncertain frame; see <see cref="LabelName"/>).</summary>
    public AuroraClass Label { get; }

    /// <summary>Probability of <see cref="Label"/>.</summary>
    public float Confidence => _probabilities[(int)Label];

    /// <summary>Probabilities of the six classes in OATH code order.</summary>
    public IReadOnlyList<float> Probabilities => _probabilities;

    /// <summary>Probability of aurora: arc + diffuse + discrete.</summary>
    public float AuroraProbability => _probabilities[0] + _probabilities[1] + _probabilities[2];

    /// <summary>Out-of-distribution score (dimensionless; larger is less like the training data), or null when the model gives none.</summary>
    public double? OodScore { get; }

    /// <summary>The model's out-of-distribution threshold, or null when it has none.</summary>
    public double? OodThreshold { get; }

    /// <summary>
    /// Whether the model gave at least half its probability to a class the sky rules out (the Moon
    /// below the horizon): what is left after removing it is a remainder, not a label to trust.
    /// </summary>
    public bool RuledOutBySky { get; }

    /// <summary>Lag-1 spatial autocorrelation of the model input (1 smooth, about 0 pixel noise), or null when not measured.</summary>
    public double? Structure { get; }

    /// <summary>
    /// Whether the input is pixel noise rather than a sky: <see cref="Structure"/> below
    /// <see cref="SkyStructure.MinimumAutocorrelation"/>. The model's label for such a frame means nothing.
    /// </summary>
    public bool LacksStructure => Structure is { } a && a < SkyStructure.MinimumAutocorrelation;

    /// <summary>
    /// Whether the Sun was above the horizon (set by <see cref="Sky.SkyConsistency"/>): aurora cannot be
    /// seen against the day sky, THEMIS imagers do not observe then, and no model here was trained on
    /// such frames, so no label of a daylight frame is trusted.
    /// </summary>
    public bool InDaylight { get; }

    /// <summary>Whether the out-of-distribution score is above the model's threshold.</summary>
    public bool IsOutOfDistribution => OodScore is { } s && OodThreshold is { } t && s > t;

    /// <summary>
    /// Whether the label is not to be trusted: the frame is unlike anything the model was trained on
    /// (score above threshold), <see cref="RuledOutBySky"/>, <see cref="LacksStructure"/> or <see cref="InDaylight"/>.
    /// </summary>
    public bool IsUncertain => RuledOutBySky || LacksStructure || InDaylight || IsOutOfDistribution;

    /// <summary>
    /// Why the frame is uncertain, in a fixed order (<see cref="DaylightReason"/>, <see cref="NoStructureReason"/>,
    /// <see cref="MoonDownReason"/>, <see cref="OutOfDistributionReason"/>); empty when it is not.
    /// </summary>
    public IReadOnlyList<string> UncertainReasons =>
    [
        .. InDaylight ? [DaylightReason] : Array.Empty<string>(),
        .. LacksStructure ? [NoStructureReason] : Array.Empty<string>(),
        .. RuledOutBySky ? [MoonDownReason] : Array.Empty<string>(),
        .. IsOutOfDistribution ? [OutOfDistributionReason] : Array.Empty<string>(),
    ];

    /// <summary>The reasons of <see cref="UncertainReasons"/> joined by <c>+</c> (e.g. <c>daylight+out-of-distribution</c>), or null when certain.</summary>
    public string? UncertainReason => IsUncertain ? string.Join('+', UncertainReasons) : null;

    /// <summary>The label written to outputs: <c>uncertain</c> when <see cref="IsUncertain"/>, else the class label.</summary>
    public string LabelName => IsUncertain ? UncertainLabel : Label.ToLabel();

    /// <summary>Probability of one class.</summary>
    public float this[AuroraClass auroraClass] => _probabilities[(int)auroraClass];
}
