using AuroraStream.Training.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace AuroraStream.Training.SimClr;

/// <summary>
/// The normalised temperature-scaled cross-entropy loss of SimCLR (Chen et al. 2020): for 2N
/// projections of N frames seen twice, each view must pick its partner among the other 2N - 1 by
/// cosine similarity divided by the temperature.
/// </summary>
public static class NtXentLoss
{
    /// <summary>The mean loss over both views of every frame.</summary>
    /// <param name="first">Projections of the first views, [N, D].</param>
    /// <param name="second">Projections of the second views, [N, D].</param>
    /// <param name="temperature">Softmax temperature (SimCLR: 0.1 to 0.5).</param>
    public static Tensor Compute(Tensor first, Tensor second, double temperature)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        if (temperature <= 0 || double.IsNaN(temperature))
        {
            throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "The temperature must be positive.");
        }

        if (first.shape.Length != 2 || !first.shape.SequenceEqual(second.shape))
        {
            throw new ArgumentException($"Both views must be [N, D] of one shape (got [{string.Join(",", first.shape)}] and [{string.Join(",", second.shape)}]).", nameof(second));
        }

        var n = first.shape[0];
        using var scope = NewDisposeScope();
        var z = nn.functional.normalize(cat([first, second], 0), p: 2, dim: 1);
        using var temperatureScalar = temperature.ToScalar();
        var similarity = z.matmul(z.t()).div_(temperatureScalar);

        // A view is never its own candidate.
        var self = eye(2 * n, dtype: ScalarType.Bool, device: z.device);
        similarity = similarity.masked_fill(self, Scalars.NegativeInfinity);
        using var views = n.ToScalar();
        using var allViews = (2 * n).ToScalar();
        var partners = cat([arange(views, allViews, Scalars.One, device: z.device), arange(Scalars.Zero, views, Scalars.One, device: z.device)]);
        return nn.functional.cross_entropy(similarity, partners).MoveToOuterDisposeScope();
    }
}
