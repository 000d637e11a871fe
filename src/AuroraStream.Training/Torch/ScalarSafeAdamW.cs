using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AuroraStream.Training.Torch;

/// <summary>
/// AdamW (Loshchilov and Hutter 2019) with every scalar held for the whole libtorch call: TorchSharp
/// 0.107's <c>optim.AdamW</c> computes its update with implicit scalars that a collection on another
/// thread can free mid-call (see <see cref="Scalars"/>). The arithmetic is TorchSharp's, operation for
/// operation, so a run gives the same weights: decoupled weight decay, then the bias-corrected first
/// and second moments.
/// </summary>
internal sealed class ScalarSafeAdamW : IDisposable
{
    private readonly List<State> _states;
    private readonly double _beta1;
    private readonly double _beta2;
    private readonly double _epsilon;
    private readonly double _weightDecay;
    private readonly Scalar _beta1Scalar;
    private readonly Scalar _beta2Scalar;
    private readonly Scalar _gradientWeight;
    private readonly Scalar _squareWeight;
    private readonly Scalar _epsilonScalar;

    /// <summary>Creates the optimiser over <paramref name="parameters"/>.</summary>
    /// <param name="parameters">The parameters to update.</param>
    /// <param name="learningRate">Initial learning rate (may be changed between steps).</param>
    /// <param name="weightDecay">Decoupled weight decay.</param>
    /// <param name="beta1">First-moment decay.</param>
    /// <param name="beta2">Second-moment decay.</param>
    /// <param name="epsilon">Added to the denominator.</param>
    public ScalarSafeAdamW(IEnumerable<Parameter> parameters, double learningRate, double weightDecay = 0, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(learningRate >= 0) || !(weightDecay >= 0) || !(epsilon >= 0) || beta1 is < 0 or >= 1 || beta2 is < 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(learningRate), "AdamW: the learning rate, weight decay and epsilon must be non-negative, beta1 and beta2 within [0, 1).");
        }

        (_beta1, _beta2, _epsilon, _weightDecay, LearningRate) = (beta1, beta2, epsilon, weightDecay, learningRate);
        _beta1Scalar = beta1.ToScalar();
        _beta2Scalar = beta2.ToScalar();
        _gradientWeight = (1 - beta1).ToScalar();
        _squareWeight = (1 - beta2).ToScalar();
        _epsilonScalar = epsilon.ToScalar();
        _states = [.. parameters.Select(p => new State(p))];
    }

    /// <summary>The learning rate of the next step.</summary>
    public double LearningRate { get; set; }

    /// <summary>Zeroes the gradients of all parameters.</summary>
    public void ZeroGrad()
    {
        using var scope = NewDisposeScope();
        foreach (var state in _states)
        {
            state.Parameter.grad?.zero_();
        }
    }

    /// <summary>One update of every parameter that has a gradient.</summary>
    public void Step()
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        using var decay = (1 - (LearningRate * _weightDecay)).ToScalar();
        foreach (var state in _states)
        {
            var gradient = state.Parameter.grad;
            if (gradient is null)
            {
                continue;
            }

            state.Steps++;
            var correction1 = 1 - Math.Pow(_beta1, state.Steps);
            var correction2 = 1 - Math.Pow(_beta2, state.Steps);
            using var root = Math.Sqrt(correction2).ToScalar();
            using var stepSize = (-LearningRate / correction1).ToScalar();

            state.Parameter.mul_(decay);
            state.Average.mul_(_beta1Scalar).add_(gradient, _gradientWeight);
            state.SquareAverage.mul_(_beta2Scalar).addcmul_(gradient, gradient, _squareWeight);
            var denominator = state.SquareAverage.sqrt().div_(root).add_(_epsilonScalar, Scalars.One);
            state.Parameter.addcdiv_(state.Average, denominator, stepSize);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var state in _states)
        {
            state.Average.Dispose();
            state.SquareAverage.Dispose();
        }

        _beta1Scalar.Dispose();
        _beta2Scalar.Dispose();
        _gradientWeight.Dispose();
        _squareWeight.Dispose();
        _epsilonScalar.Dispose();
    }

    private sealed class State(Parameter parameter)
    {
        public Parameter Parameter { get; } = parameter;

        public Tensor Average { get; } = zeros_like(parameter).DetachFromDisposeScope();

        public Tensor SquareAverage { get; } = zeros_like(parameter).DetachFromDisposeScope();

        public long Steps { get; set; }
    }
}
