using AuroraStream.Training.Torch;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AuroraStream.Training.Tests.Torch;

public sealed class ScalarSafeModulesTests
{
    // One libtorch thread: the comparisons below are bit for bit.
    public ScalarSafeModulesTests() => torch.set_num_threads(1);

    [Fact]
    public void BatchNorm_GivesTorchSharpsBatchNorm2dResults_InTrainingAndInference()
    {
#pragma warning disable RS0030 // TorchSharp's own BatchNorm2d is the reference here.
        using var reference = nn.BatchNorm2d(3);
#pragma warning restore RS0030
        using var safe = new ScalarSafeBatchNorm2d(3);
        var generator = new Generator(4);

        reference.train();
        safe.train();
        for (var i = 0; i < 3; i++)
        {
            using var scope = NewDisposeScope();
            var x = randn([5, 3, 4, 4], generator: generator);
            Assert.Equal(Values(reference.forward(x)), Values(safe.forward(x)));
        }

        Assert.Equal(Values(reference.running_mean!), Values(safe.running_mean!));
        Assert.Equal(Values(reference.running_var!), Values(safe.running_var!));
        Assert.Equal(3, safe.num_batches_tracked!.item<long>());
        Assert.Equal(
            reference.state_dict().Keys.Order(StringComparer.Ordinal),
            safe.state_dict().Keys.Order(StringComparer.Ordinal));

        reference.eval();
        safe.eval();
        using (var scope = NewDisposeScope())
        {
            var x = randn([2, 3, 4, 4], generator: generator);
            Assert.Equal(Values(reference.forward(x)), Values(safe.forward(x)));
        }

        Assert.Throws<ArgumentException>(() => safe.forward(zeros(3, 4)));
    }

    [Fact]
    public void AdamW_GivesTorchSharpsAdamWWeights_StepForStep()
    {
        using var referenceModel = Model(seed: 9);
        using var safeModel = Model(seed: 9);
#pragma warning disable RS0030 // TorchSharp's own AdamW is the reference here.
        using var reference = optim.AdamW(referenceModel.parameters(), 0.01, weight_decay: 0.05);
#pragma warning restore RS0030
        using var safe = new ScalarSafeAdamW(safeModel.parameters(), 0.01, 0.05);
        var generator = new Generator(2);

        for (var step = 0; step < 6; step++)
        {
            using var scope = NewDisposeScope();
            var x = randn([8, 5], generator: generator);
            var rate = 0.01 / (step + 1);
            foreach (var group in reference.ParamGroups)
            {
                group.LearningRate = rate;
            }

            safe.LearningRate = rate;
            reference.zero_grad();
            Loss(referenceModel, x).backward();
#pragma warning disable RS0030
            reference.step();
#pragma warning restore RS0030
            safe.ZeroGrad();
            Loss(safeModel, x).backward();
            safe.Step();

            Assert.Equal(ModuleWeights.Of(referenceModel), ModuleWeights.Of(safeModel));
        }

        Assert.NotEqual(ModuleWeights.Of(Model(seed: 9)), ModuleWeights.Of(safeModel));
    }

    [Fact]
    public void AdamW_RefusesNegativeRatesAndBetasOutsideTheUnitInterval()
    {
        using var model = Model(seed: 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ScalarSafeAdamW(model.parameters(), -0.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ScalarSafeAdamW(model.parameters(), 0.1, beta1: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ScalarSafeAdamW(model.parameters(), 0.1, weightDecay: double.NaN));
    }

    [Fact]
    public void UnderConstantCollections_BatchNormAndAdamW_GiveTheQuietResults()
    {
        var quiet = Train(iterations: 3000);
        using var storm = new CollectionStorm();

        var stormy = Train(iterations: 3000);

        Assert.True(storm.Collections > 100, $"only {storm.Collections} collections");
        Assert.Equal(quiet, stormy);
    }

    /// <summary>Many small steps through both modules; the final weights and running statistics.</summary>
    private static float[] Train(int iterations)
    {
        random.manual_seed(3);
        using var model = nn.Sequential(nn.Conv2d(1, 2, 3, padding: 1), new ScalarSafeBatchNorm2d(2), nn.Flatten(), nn.Linear(2 * 4 * 4, 1));
        using var optimizer = new ScalarSafeAdamW(model.parameters(), 1e-3, 0.01);
        var generator = new Generator(5);
        model.train();
        for (var i = 0; i < iterations; i++)
        {
            using var scope = NewDisposeScope();
            var x = randn([4, 1, 4, 4], generator: generator);
            optimizer.ZeroGrad();
            Loss(model, x).backward();
            optimizer.Step();
        }

        using var state = NewDisposeScope();
        return [.. model.state_dict().Values.SelectMany(t => t.to_type(ScalarType.Float32).data<float>().ToArray())];
    }

    private static Tensor Loss(Sequential model, Tensor x)
    {
        var y = model.forward(x);
        return y.mul(y).mean();
    }

    private static Sequential Model(int seed)
    {
        random.manual_seed(seed);
        return nn.Sequential(nn.Linear(5, 4), nn.ReLU(), nn.Linear(4, 1));
    }

    private static float[] Values(Tensor t) => t.detach().data<float>().ToArray();
}
