namespace AuroraStream.Training.Models;

/// <summary>
/// Floating-point operations of one forward pass per frame, counted analytically: 2 per
/// multiply-accumulate of every convolution and fully connected layer (batch norm, ReLU, pooling
/// and softmax are below 1% and not counted), the convention of published "FLOPs" x 2 for MACs.
/// </summary>
public static class ModelCost
{
    /// <summary>FLOPs per frame of a model at a square input size.</summary>
    public static long FlopsPerFrame(EncoderArchitecture architecture, ClassifierHead head, int inputSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputSize, 8);
        var representation = Encoders.RepresentationSize(architecture);
        var macs = architecture switch
        {
            EncoderArchitecture.Compact => CompactMacs(inputSize),
            EncoderArchitecture.ResNet18 => ResNet18Macs(inputSize),
            _ => throw new ArgumentOutOfRangeException(nameof(architecture), architecture, null),
        };
        macs += head switch
        {
            ClassifierHead.Linear => (long)representation * AuroraModel.Classes,
            ClassifierHead.Mlp => ((long)representation * AuroraModel.MlpHidden) + ((long)AuroraModel.MlpHidden * AuroraModel.Classes),
            _ => throw new ArgumentOutOfRangeException(nameof(head), head, null),
        };
        return 2 * macs;
    }

    /// <summary>FLOPs per frame of the exported out-of-distribution score: the D x D whitening and the distances to the six projected means.</summary>
    public static long OodScoreFlopsPerFrame(int representationSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(representationSize, 1);
        return 2 * (((long)representationSize * representationSize) + ((long)representationSize * (AuroraModel.Classes + 1)));
    }

    private static long CompactMacs(int size)
    {
        long macs = 0;
        var input = 1;
        foreach (var (channels, s) in CompactEncoder.Channels.Select((c, s) => (c, s)))
        {
            macs += Conv(ref size, input, channels, 3, 2, 1);
            if (s > 0)
            {
                macs += Conv(ref size, channels, channels, 3, 1, 1);
            }

            input = channels;
        }

        return macs;
    }

    private static long ResNet18Macs(int size)
    {
        var macs = Conv(ref size, 1, 64, 7, 2, 3);
        size = ((size + 2 - 3) / 2) + 1; // 3x3 max pool, stride 2, pad 1
        var input = 64;
        foreach (var (width, stride) in new[] { (64, 1), (128, 2), (256, 2), (512, 2) })
        {
            for (var block = 0; block < 2; block++)
            {
                var s = block == 0 ? stride : 1;
                var inSize = size;
                macs += Conv(ref size, input, width, 3, s, 1);
                var outSize = size;
                macs += Conv(ref size, width, width, 3, 1, 1);
                if (s != 1 || input != width)
                {
                    macs += Conv(ref inSize, input, width, 1, s, 0);
                    size = outSize;
                }

                input = width;
            }
        }

        return macs;
    }

    /// <summary>MACs of a square convolution; updates the spatial size to the output's.</summary>
    private static long Conv(ref int size, int input, int output, int kernel, int stride, int pad)
    {
        size = ((size + (2 * pad) - kernel) / stride) + 1;
        return (long)size * size * output * input * kernel * kernel;
    }
}
