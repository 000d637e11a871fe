using AuroraStream.Core.Models;
using AuroraStream.Core.Preprocessing;
using AuroraStream.Training.Classifier;
using AuroraStream.Formats.Stream0;
using AuroraStream.Training.Models;
using AuroraStream.Training.Onnx;
using AuroraStream.TestUtilities;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace AuroraStream.Training.Tests.Onnx;

public sealed class OnnxExporterTests
{
    [Theory]
    [InlineData(EncoderArchitecture.Compact, 128, ClassifierHead.Linear)]
    [InlineData(EncoderArchitecture.Compact, 128, ClassifierHead.Mlp)]
    [InlineData(EncoderArchitecture.ResNet18, 224, ClassifierHead.Linear)]
    public void Export_RunInOnnxRuntime_MatchesTorchSharpOnRealFrames(EncoderArchitecture architecture, int size, ClassifierHead head)
    {
        random.manual_seed(17);
        using var model = new AuroraModel(architecture, head);
        var frames = Preprocessed(size, 4);
        using var batch = tensor(frames, [4, 1, size, size]);

        // A few training-mode passes give the batch norms non-trivial running statistics.
        model.train();
        for (var i = 0; i < 3; i++)
        {
            using var scope = NewDisposeScope();
            using var gain = (1 + (0.3 * i)).ToScalar();
            model.forward(batch.mul(gain));
        }

        model.eval();
        float[] torchProbabilities, torchRepresentation;
        using (no_grad())
        {
            var (p, r) = model.forward(batch);
            torchProbabilities = p.data<float>().ToArray();
            torchRepresentation = r.data<float>().ToArray();
            p.Dispose();
            r.Dispose();
        }

        using var temp = new TempFolder();
        var path = temp.File("model.onnx");
        OnnxExporter.Export(model, size, path, new Dictionary<string, string> { ["architecture"] = architecture.ToString() });
        using var session = new InferenceSession(path);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(OnnxExporter.InputName, new DenseTensor<float>(frames, [4, 1, size, size]))]);
        var ortProbabilities = results.Single(r => r.Name == OnnxExporter.ProbabilitiesName).AsEnumerable<float>().ToArray();
        var ortRepresentation = results.Single(r => r.Name == OnnxExporter.RepresentationName).AsEnumerable<float>().ToArray();

        Assert.Equal(4 * AuroraModel.Classes, ortProbabilities.Length);
        Assert.Equal(4 * Encoders.RepresentationSize(architecture), ortRepresentation.Length);
        Assert.True(MaxAbsDiff(torchProbabilities, ortProbabilities) <= 1e-4, $"probabilities differ by {MaxAbsDiff(torchProbabilities, ortProbabilities)}");
        Assert.True(MaxAbsDiff(torchRepresentation, ortRepresentation) <= 1e-4, $"representations differ by {MaxAbsDiff(torchRepresentation, ortRepresentation)}; largest value {torchRepresentation.Max(Math.Abs)}");
        Assert.Equal(architecture.ToString(), session.ModelMetadata.CustomMetadataMap["architecture"]);
        Assert.Equal(17, OnnxExporter.Opset);
    }

    [Fact]
    public void Export_DynamicBatch_RunsAnyBatchSize()
    {
        random.manual_seed(3);
        using var model = new AuroraModel(EncoderArchitecture.Compact);
        model.eval();
        using var temp = new TempFolder();
        var path = temp.File("model.onnx");
        OnnxExporter.Export(model, 64, path);
        using var session = new InferenceSession(path);

        foreach (var n in new[] { 1, 5 })
        {
            using var results = session.Run([NamedOnnxValue.CreateFromTensor(OnnxExporter.InputName, new DenseTensor<float>(new float[n * 64 * 64], [n, 1, 64, 64]))]);
            var probabilities = results.Single(r => r.Name == OnnxExporter.ProbabilitiesName).AsEnumerable<float>().ToArray();
            Assert.Equal(n * 6, probabilities.Length);
            Assert.All(Enumerable.Range(0, n), i => Assert.Equal(1.0, probabilities.Skip(6 * i).Take(6).Sum(), 5));
        }
    }

    [Fact]
    public void Package_WritesModelAndCard_WhoseHashCostAndInputMatchTheFile()
    {
        random.manual_seed(5);
        using var model = new AuroraModel(EncoderArchitecture.Compact, ClassifierHead.Mlp);
        model.eval();
        var info = new ClassifierInfo
        {
            Architecture = EncoderArchitecture.Compact,
            Head = ClassifierHead.Mlp,
            Preprocessing = new PreprocessingParameters { OutputSize = 64 },
            Training = new ModelTraining { Head = "mlp", LabelledCounts = new Dictionary<string, int> { ["arc"] = 3 } },
            Evaluations = [new ModelEvaluation("synthetic-held-out", 10, 0.9, null, 1.0, "test")],
        };
        using var temp = new TempFolder();
        var path = temp.File("m.onnx");

        var card = ModelPackager.Export(model, info, path, "notes");

        var read = ModelCard.FromJson(File.ReadAllText(temp.File("m.card.json")), "m.card.json");
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path))), read.Sha256);
        Assert.Equal(card.Sha256, read.Sha256);
        Assert.Equal([-1, 1, 64, 64], read.Input.Shape);
        Assert.Equal(64, read.Preprocessing.OutputSize);
        Assert.Equal(ModelCost.FlopsPerFrame(EncoderArchitecture.Compact, ClassifierHead.Mlp, 64), read.FlopsPerFrame);
        Assert.Equal(model.parameters().Sum(p => p.numel()), read.Parameters);
        Assert.Equal("m", read.Name);
        Assert.Equal(0.9, read.Evaluations.Single().Accuracy);
        using var session = new InferenceSession(path);
        Assert.Equal([-1, 1, 64, 64], session.InputMetadata[read.Input.Name].Dimensions);
    }

    [Fact]
    public void Card_Tampered_IsRefusedNamingTheProblem()
    {
        var good = new ModelCard
        {
            Name = "m",
            Architecture = "compact",
            RepresentationSize = 256,
            Input = new ModelInputSpec("frames", [-1, 1, 64, 64], "float32", "probabilities", "representation"),
            Preprocessing = new PreprocessingParameters(),
            Training = new ModelTraining { Head = "linear" },
            FlopsPerFrame = 1,
            Parameters = 1,
            ModelFile = "m.onnx",
            Sha256 = new string('a', 64),
        };

        Assert.Equal(good.Sha256, ModelCard.FromJson(good.ToJson(), "x").Sha256);
        Assert.Contains("sha256", Assert.Throws<InvalidDataException>(() => ModelCard.FromJson((good with { Sha256 = "zz" }).ToJson(), "card.json")).Message, StringComparison.Ordinal);
        Assert.Contains("OATH six", Assert.Throws<InvalidDataException>(() => ModelCard.FromJson((good with { Classes = ["a", "b"] }).ToJson(), "card.json")).Message, StringComparison.Ordinal);
        Assert.Contains("MaskRadiusFraction", Assert.Throws<InvalidDataException>(() => ModelCard.FromJson((good with { Preprocessing = new PreprocessingParameters { MaskRadiusFraction = 5 } }).ToJson(), "card.json")).Message, StringComparison.Ordinal);
        Assert.StartsWith("card.json: not a model card", Assert.Throws<InvalidDataException>(() => ModelCard.FromJson("{", "card.json")).Message, StringComparison.Ordinal);
    }

    private static float[] Preprocessed(int size, int count)
    {
        var preprocessor = new FramePreprocessor(new PreprocessingParameters { OutputSize = size });
        var output = new float[count * size * size];
        var i = 0;
        foreach (var frame in Stream0PgmReader.ReadFile(RepoPaths.Stream0Gz).Take(count))
        {
            preprocessor.Process(frame.Pixels.Span, frame.Width, frame.Height, output.AsSpan(i++ * size * size, size * size));
        }

        return output;
    }

    private static double MaxAbsDiff(float[] a, float[] b) => a.Zip(b, (x, y) => Math.Abs((double)x - y)).Max();
}
