using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AuroraStream.Training.Torch;

/// <summary>
/// <c>torch.nn.BatchNorm2d</c> without TorchSharp's temporary scalar: TorchSharp 0.107 counts batches
/// with <c>num_batches_tracked.add_(1)</c>, whose two implicit scalars can be freed while libtorch
/// reads them (see <see cref="Scalars"/>). Same parameters, buffers and names (weight, bias,
/// running_mean, running_var, num_batches_tracked), so checkpoints and the ONNX export are unchanged;
/// the same arithmetic in training and inference mode.
/// </summary>
internal sealed class ScalarSafeBatchNorm2d : BatchNorm
{
    /// <summary>Batch norm over <paramref name="features"/> channels: eps 1e-5, momentum 0.1, affine, running statistics.</summary>
    public ScalarSafeBatchNorm2d(long features)
        : base(features, 1e-5, 0.1, affine: true, track_running_stats: true, device: null, dtype: null, nameof(BatchNorm2d))
    {
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        ValidateInputDimensions(input);
        var factor = momentum ?? 0.0;
        if (training && track_running_stats && num_batches_tracked is not null)
        {
            num_batches_tracked.add_(Scalars.One, Scalars.One);
            if (momentum is null)
            {
                // A cumulative moving average, as torch.nn.BatchNorm2d does without a momentum.
                factor = 1.0 / num_batches_tracked.item<long>();
            }
        }

        // Batch statistics while training, or when there are no running statistics to use.
        var batchStatistics = training || (running_mean is null && running_var is null);
        var tracked = !training || track_running_stats;
        return nn.functional.batch_norm(input, tracked ? running_mean : null, tracked ? running_var : null, weight, bias, batchStatistics, factor, eps);
    }

    /// <inheritdoc />
    protected override void ValidateInputDimensions(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.ndim != 4)
        {
            throw new ArgumentException($"expected 4D input [N, C, H, W] (got {input.ndim}D input)", nameof(input));
        }
    }
}
