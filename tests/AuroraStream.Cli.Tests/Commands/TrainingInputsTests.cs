using AuroraStream.Cli.Commands;
using AuroraStream.Core.Preprocessing;
using AuroraStream.Synthetic;

namespace AuroraStream.Cli.Tests.Commands;

public sealed class TrainingInputsTests
{
    [Fact]
    public void Synthetic_PreparedInParallel_EachFrameIsItsOwnPreprocessedDraw()
    {
        // Frames are drawn and preprocessed on several threads; a preprocessor shared between them
        // mixed frames' histograms and scratch images (found in the stream, fixed in both places).
        var parameters = new PreprocessingParameters { OutputSize = 32 };

        var prepared = TrainingInputs.Synthetic(200, 17, new FramePreprocessor(parameters));

        var sky = new SyntheticSky(new SyntheticSkyOptions { Seed = 17 });
        var alone = new FramePreprocessor(parameters);
        var expected = new float[alone.OutputLength];
        Assert.Equal(200, prepared.Count);
        for (var i = 0; i < prepared.Count; i++)
        {
            var drawn = sky.Draw(i);
            alone.Process(drawn.Frame.Pixels.Span, drawn.Frame.Width, drawn.Frame.Height, expected);
            Assert.True(expected.AsSpan().SequenceEqual(prepared[i].Frame.Pixels), $"synthetic frame {i} differs from its own preprocessing");
            Assert.Equal(drawn.Class, prepared[i].Class);
        }
    }
}
