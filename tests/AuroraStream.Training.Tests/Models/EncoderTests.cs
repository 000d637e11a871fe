using AuroraStream.Training.Models;
using AuroraStream.Training.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace AuroraStream.Training.Tests.Models;

public sealed class EncoderTests
{
    [Theory]
    [InlineData(EncoderArchitecture.Compact, 128, 256)]
    [InlineData(EncoderArchitecture.ResNet18, 224, 512)]
    public void Forward_SingleChannelBatch_GivesOneRepresentationPerFrame(EncoderArchitecture architecture, int size, int dimension)
    {
        using var scope = NewDisposeScope();
        random.manual_seed(1);
        using var encoder = Encoders.Create(architecture);
        encoder.eval();

        using var output = encoder.forward(randn(3, 1, size, size));

        Assert.Equal(new long[] { 3, dimension }, output.shape);
        Assert.Equal(dimension, Encoders.RepresentationSize(architecture));
        Assert.True(output.isfinite().all().item<bool>());
    }

    [Fact]
    public void ResNet18_HasTheParameterCountOfItsArchitecture()
    {
        using var encoder = Encoders.Create(EncoderArchitecture.ResNet18);
        using var head = new ProjectionHead(512);

        // torchvision's resnet18 has 11,689,512 parameters; without its 512x1000 classifier
        // (513,000) and with a one-channel stem (64*1*7*7 instead of 64*3*7*7): 11,170,240.
        Assert.Equal(11_170_240, encoder.parameters().Sum(p => p.numel()));
        Assert.Equal((512 * 512) + (512 * 64), head.parameters().Sum(p => p.numel()));
    }

    [Fact]
    public void Training_FewAdamWSteps_ReduceTheLossThroughThePatchedNativeLibrary()
    {
        random.manual_seed(7);
        using var encoder = Encoders.Create(EncoderArchitecture.Compact);
        using var head = new ProjectionHead(256, 64, 6);
        var parameters = encoder.parameters().Concat(head.parameters());
        using var optimizer = new ScalarSafeAdamW(parameters, learningRate: 0.01);
        using var x = randn(8, 1, 64, 64);
        using var y = tensor(Enumerable.Range(0, 8).Select(i => (long)(i % 6)).ToArray());
        var losses = new List<float>();
        for (var step = 0; step < 15; step++)
        {
            using var scope = NewDisposeScope();
            optimizer.ZeroGrad();
            var loss = nn.functional.cross_entropy(head.forward(encoder.forward(x)), y);
            loss.backward();
            optimizer.Step();
            losses.Add(loss.item<float>());
        }

        Assert.True(losses[^1] < losses[0] * 0.5, $"loss {losses[0]:0.000} -> {losses[^1]:0.000}");
    }
}
