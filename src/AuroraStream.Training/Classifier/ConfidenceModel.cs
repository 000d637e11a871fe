using AuroraStream.Training.Models;

namespace AuroraStream.Training.Classifier;

/// <summary>
/// Temperature scaling (Guo et al. 2017, "On Calibration of Modern Neural Networks", ICML, section 4.2)
/// and a Mahalanobis out-of-distribution score with a tied covariance (Lee et al. 2018, "A Simple
/// Unified Framework for Detecting Out-of-Distribution Samples and Adversarial Attacks", NeurIPS,
/// equation 2), both carried into the exported graph.
/// </summary>
/// <remarks>
/// The score of a representation x is min over classes c of ||(x - mu_c) W||^2 = (x - mu_c)^T W W^T (x - mu_c),
/// with W W^T the inverse of the tied covariance; it is dimensionless (a squared Mahalanobis distance).
/// In a checkpoint the scalars are in <c>classifier.json</c> and the two arrays in <c>confidence.bin</c>
/// (<see cref="ClassifierCheckpoint"/>).
/// </remarks>
public sealed record ConfidenceModel
{
    /// <summary>Logits are divided by it before the softmax; greater than 0.</summary>
    public required double Temperature { get; init; }

    /// <summary>D, the size of the representation the means and the whitening are over.</summary>
    public required int RepresentationSize { get; init; }

    /// <summary>[6, D] row-major: the class means of the training representations, in OATH code order.</summary>
    public required float[] ClassMeans { get; init; }

    /// <summary>[D, D] row-major W with W W^T the inverse tied covariance.</summary>
    public required float[] Whitening { get; init; }

    /// <summary>Score above which a frame is uncertain.</summary>
    public required double OodThreshold { get; init; }

    /// <summary>How the two were fitted, for the card.</summary>
    public string? Method { get; init; }

    /// <summary>Expected calibration error on held-out data after scaling, for the card.</summary>
    public double? ExpectedCalibrationError { get; init; }

    /// <summary>How the threshold was chosen, for the card.</summary>
    public string? ThresholdNote { get; init; }

    /// <summary>Largest representation size accepted (a ResNet-18 has 512).</summary>
    internal const int MaxRepresentationSize = 8192;

    /// <summary>Checks sizes and values; the message names <paramref name="source"/> and what is wrong.</summary>
    /// <exception cref="InvalidDataException">A size, a value or the representation size of <paramref name="architecture"/> does not fit.</exception>
    public void Validate(string source, EncoderArchitecture? architecture = null)
    {
        if (!double.IsFinite(Temperature) || Temperature <= 0)
        {
            throw new InvalidDataException($"{source}: confidence temperature {Temperature} is not a positive number");
        }

        if (RepresentationSize is < 1 or > MaxRepresentationSize)
        {
            throw new InvalidDataException($"{source}: confidence representation size {RepresentationSize} is not within 1..{MaxRepresentationSize}");
        }

        if (architecture is { } a && Encoders.RepresentationSize(a) != RepresentationSize)
        {
            throw new InvalidDataException($"{source}: confidence representation size {RepresentationSize} is not the {a} encoder's {Encoders.RepresentationSize(a)}");
        }

        if (ClassMeans is null || ClassMeans.Length != AuroraModel.Classes * RepresentationSize)
        {
            throw new InvalidDataException($"{source}: confidence class means have {ClassMeans?.Length ?? 0} values, not {AuroraModel.Classes} x {RepresentationSize}");
        }

        if (Whitening is null || Whitening.Length != RepresentationSize * RepresentationSize)
        {
            throw new InvalidDataException($"{source}: confidence whitening has {Whitening?.Length ?? 0} values, not {RepresentationSize} x {RepresentationSize}");
        }

        if (Array.FindIndex(ClassMeans, v => !float.IsFinite(v)) is var m and >= 0)
        {
            throw new InvalidDataException($"{source}: confidence class mean value {m} is {ClassMeans[m]}");
        }

        if (Array.FindIndex(Whitening, v => !float.IsFinite(v)) is var w and >= 0)
        {
            throw new InvalidDataException($"{source}: confidence whitening value {w} is {Whitening[w]}");
        }

        if (!double.IsFinite(OodThreshold))
        {
            throw new InvalidDataException($"{source}: confidence out-of-distribution threshold {OodThreshold} is not a number");
        }
    }
}
