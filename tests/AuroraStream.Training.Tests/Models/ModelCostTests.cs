using AuroraStream.Training.Models;

namespace AuroraStream.Training.Tests.Models;

public sealed class ModelCostTests
{
    [Fact]
    public void Compact_At128_CountsEveryConvolutionAndTheHead()
    {
        // stage0 1->32 at 64x64; stage1 32->64 and 64->64 at 32x32; stage2 at 16x16; stage3 at 8x8 (3x3 kernels).
        long macs = (64 * 64 * 32 * 1 * 9)
            + (32 * 32 * 64 * 32 * 9) + (32 * 32 * 64 * 64 * 9)
            + (16 * 16 * 128 * 64 * 9) + (16 * 16 * 128 * 128 * 9)
            + (8 * 8 * 256 * 128 * 9) + (8 * 8 * 256 * 256 * 9)
            + (256 * 6);

        Assert.Equal(2 * macs, ModelCost.FlopsPerFrame(EncoderArchitecture.Compact, ClassifierHead.Linear, 128));
        Assert.Equal(2 * (macs - (256 * 6) + (256 * 128) + (128 * 6)), ModelCost.FlopsPerFrame(EncoderArchitecture.Compact, ClassifierHead.Mlp, 128));
    }

    [Fact]
    public void ResNet18_At224_IsThePublishedCostWithAOneChannelStem()
    {
        // torchvision's ResNet-18 is 1.814 GMAC at 224 px with 3 input channels; the stem conv is
        // 112*112*64*3*49 = 118.0 M of it, so one channel saves two thirds of that.
        var flops = ModelCost.FlopsPerFrame(EncoderArchitecture.ResNet18, ClassifierHead.Linear, 224);
        var expected = 2 * (1.8144e9 - (112 * 112 * 64 * 2 * 49) - (512 * 1000) + (512 * 6));

        Assert.InRange(flops, expected * 0.999, expected * 1.001);
    }
}
