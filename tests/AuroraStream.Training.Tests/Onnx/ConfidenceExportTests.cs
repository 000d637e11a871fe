using AuroraStream.Core;
using AuroraStream.Core.Models;
using AuroraStream.Core.Preprocessing;
using AuroraStream.Inference;
using AuroraStream.Synthetic;
using AuroraStream.TestUtilities;
using AuroraStream.Training.Classifier;
using AuroraStream.Training.Models;
using AuroraStream.Training.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace AuroraStream.Training.Tests.Onnx;

/// <summary>
/// A classifier with a temperature and a Mahalanobis score, carried through checkpoint, ONNX export,
/// card and the stream's ONNX Runtime classifier, against TorchSharp and a direct computation.
/// </summary>
public sealed class ConfidenceExportTests
{
    private const int Size = 64;
    private const int Classes = AuroraModel.Classes;
    private const double Temperature = 2.5;

    [Fact]
    public void Export_WithConfidence_ProbabilitiesAreSoftmaxOfLogitsOverTemperature_AndScoreIsTheMahalanobisMinimum()
    {
        using var fixture = new Fixture(seed: 31);
        var frames = SyntheticFrames(seed: 8, count: 9);
        var (logits, representations) = fixture.Torch(frames, 9);

        using var classifier = new OnnxAuroraClassifier(new OnnxClassifierOptions { ModelPath = fixture.Package("m.onnx"), IntraOpThreads = 1 });
        var predictions = classifier.Classify(frames, 9);

        var d = fixture.Confidence.RepresentationSize;
        for (var n = 0; n < 9; n++)
        {
            var expected = Softmax(logits.AsSpan(n * Classes, Classes), Temperature);
            for (var c = 0; c < Classes; c++)
            {
                Assert.True(Math.Abs(expected[c] - predictions[n].Probabilities[c]) <= 1e-4, $"frame {n} class {c}: {predictions[n].Probabilities[c]} vs softmax(logits/T) {expected[c]}");
            }

            var score = ReferenceScore(representations.AsSpan(n * d, d), fixture.Confidence);
            var ort = predictions[n].OodScore ?? throw new Xunit.Sdk.XunitException("no score");
            Assert.True(Math.Abs(ort - score) <= 1e-4 * score, $"frame {n}: score {ort} vs {score}");
            Assert.Equal(fixture.Confidence.OodThreshold, predictions[n].OodThreshold);
        }

        // The temperature changes the probabilities: T = 1 would give others.
        var plain = Softmax(logits.AsSpan(0, Classes), 1);
        Assert.True(Enumerable.Range(0, Classes).Max(c => Math.Abs(plain[c] - predictions[0].Probabilities[c])) > 1e-3);
    }

    [Fact]
    public void Classify_FrameFarFromTheClassMeans_IsUncertain_WithItsProbabilitiesKept()
    {
        using var fixture = new Fixture(seed: 32);
        var frames = fixture.FitFrames[..(2 * Size * Size)];
        var far = new float[Size * Size];
        Array.Fill(far, 40f);
        float[] batch = [.. frames, .. far];
        var (_, representations) = fixture.Torch(batch, 3);
        var d = fixture.Confidence.RepresentationSize;
        Assert.True(ReferenceScore(representations.AsSpan(2 * d, d), fixture.Confidence) > fixture.Confidence.OodThreshold, "the far frame is past the threshold");

        using var classifier = new OnnxAuroraClassifier(new OnnxClassifierOptions { ModelPath = fixture.Package("m.onnx") });
        var predictions = classifier.Classify(batch, 3);

        Assert.False(predictions[0].IsUncertain);
        Assert.False(predictions[1].IsUncertain);
        Assert.True(predictions[2].IsUncertain, $"score {predictions[2].OodScore} threshold {predictions[2].OodThreshold}");
        Assert.Equal(FramePrediction.UncertainLabel, predictions[2].LabelName);
        Assert.Equal(1.0, predictions[2].Probabilities.Sum(), 4);
    }

    [Fact]
    public void Package_WithConfidence_CardHasTheOutputAndTheSection_AndTheCheckpointRoundTrips()
    {
        using var fixture = new Fixture(seed: 33);
        var path = fixture.Package("m.onnx");
        var card = ModelCard.FromJson(File.ReadAllText(ModelCard.PathFor(path)), "m.card.json");

        Assert.Equal(OnnxExporter.OodScoreName, card.Input.OodScore);
        Assert.Equal(Temperature, card.Confidence!.Temperature);
        Assert.Equal(fixture.Confidence.OodThreshold, card.Confidence.OodThreshold);
        Assert.Equal("test fit", card.Confidence.Method);
        Assert.Equal(0.04, card.Confidence.ExpectedCalibrationError);
        Assert.Equal("3 x the largest held-out score", card.Confidence.ThresholdNote);
        Assert.Equal(ModelCost.FlopsPerFrame(EncoderArchitecture.Compact, ClassifierHead.Linear, Size) + ModelCost.OodScoreFlopsPerFrame(256), card.FlopsPerFrame);

        var read = ClassifierCheckpoint.ReadInfo(fixture.Checkpoint).Confidence!;
        Assert.Equal(fixture.Confidence.ClassMeans, read.ClassMeans);
        Assert.Equal(fixture.Confidence.Whitening, read.Whitening);
        Assert.Equal(fixture.Confidence with { ClassMeans = read.ClassMeans, Whitening = read.Whitening }, read);
        Assert.Equal(16 + (4 * ((6 * 256) + (256 * 256))), new FileInfo(Path.Combine(fixture.Checkpoint, ClassifierCheckpoint.ConfidenceFile)).Length);

        // Saved again without one: no stale arrays are left to be read.
        ClassifierCheckpoint.WriteInfo(fixture.Checkpoint, ClassifierCheckpoint.ReadInfo(fixture.Checkpoint) with { Confidence = null });
        Assert.Null(ClassifierCheckpoint.ReadInfo(fixture.Checkpoint).Confidence);
        Assert.False(File.Exists(Path.Combine(fixture.Checkpoint, ClassifierCheckpoint.ConfidenceFile)));
    }

    [Fact]
    public void ReadInfo_DamagedConfidenceFile_ThrowsInvalidDataExceptionNamingTheFileAndOffset()
    {
        using var fixture = new Fixture(seed: 34);
        var bin = Path.Combine(fixture.Checkpoint, ClassifierCheckpoint.ConfidenceFile);
        var good = File.ReadAllBytes(bin);

        string Error(Action<byte[]> damage)
        {
            var bytes = good.ToArray();
            damage(bytes);
            File.WriteAllBytes(bin, bytes);
            return Assert.Throws<InvalidDataException>(() => ClassifierCheckpoint.ReadInfo(fixture.Checkpoint)).Message;
        }

        Assert.Contains("confidence.bin: offset 0: magic", Error(b => b[0] = (byte)'X'), StringComparison.Ordinal);
        Assert.Contains("confidence.bin: offset 4: version 2", Error(b => b[4] = 2), StringComparison.Ordinal);
        Assert.Contains("confidence.bin: offset 12: representation size 257", Error(b => b[12] = 1), StringComparison.Ordinal);
        Assert.Contains("confidence.bin: offset 20: class mean value NaN", Error(b => BitConverter.GetBytes(float.NaN).CopyTo(b, 20)), StringComparison.Ordinal);
        File.WriteAllBytes(bin, good[..^4]);
        Assert.Contains($"confidence.bin: {good.Length - 4} bytes, not the {good.Length}", Assert.Throws<InvalidDataException>(() => ClassifierCheckpoint.ReadInfo(fixture.Checkpoint)).Message, StringComparison.Ordinal);
        File.Delete(bin);
        Assert.Contains("confidence.bin: missing", Assert.Throws<InvalidDataException>(() => ClassifierCheckpoint.ReadInfo(fixture.Checkpoint)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadInfo_CheckpointFromBeforeConfidence_HasNone_AndExportsThePlainGraph()
    {
        using var fixture = new Fixture(seed: 35, withConfidence: false);

        Assert.Null(ClassifierCheckpoint.ReadInfo(fixture.Checkpoint).Confidence);
        Assert.DoesNotContain("confidence", File.ReadAllText(Path.Combine(fixture.Checkpoint, "classifier.json")), StringComparison.Ordinal);
        using var classifier = new OnnxAuroraClassifier(new OnnxClassifierOptions { ModelPath = fixture.Package("old.onnx") });
        var prediction = classifier.Classify(SyntheticFrames(seed: 1, count: 1), 1).Single();
        Assert.Null(classifier.Card.Confidence);
        Assert.Null(classifier.Card.Input.OodScore);
        Assert.Null(prediction.OodScore);
        Assert.False(prediction.IsUncertain);
    }

    [Fact]
    public void Constructor_CardNamesAScoreTheModelLacks_ThrowsNamingTheOutput()
    {
        using var fixture = new Fixture(seed: 36, withConfidence: false);
        var path = fixture.Package("m.onnx");
        var cardPath = ModelCard.PathFor(path);
        var card = ModelCard.FromJson(File.ReadAllText(cardPath), cardPath);
        File.WriteAllText(cardPath, (card with
        {
            Input = card.Input with { OodScore = OnnxExporter.OodScoreName },
            Confidence = new ModelConfidence { Temperature = 1, OodThreshold = 10 },
        }).ToJson());

        var e = Assert.Throws<InvalidDataException>(() => new OnnxAuroraClassifier(new OnnxClassifierOptions { ModelPath = path }));

        Assert.Equal($"{path}: no output 'ood_score' (the card names it)", e.Message);
    }

    internal static float[] SyntheticFrames(int seed, int count)
    {
        var sky = new SyntheticSky(new SyntheticSkyOptions { Seed = seed });
        var preprocessor = new FramePreprocessor(new PreprocessingParameters { OutputSize = Size });
        var frames = new float[count * preprocessor.OutputLength];
        for (var i = 0; i < count; i++)
        {
            var drawn = sky.Draw(i);
            preprocessor.Process(drawn.Frame.Pixels.Span, drawn.Frame.Width, drawn.Frame.Height, frames.AsSpan(i * preprocessor.OutputLength, preprocessor.OutputLength));
        }

        return frames;
    }

    /// <summary>min over c of (x - mu_c)^T P (x - mu_c) with P = W W^T formed explicitly, in double: the definition, not the graph's expansion.</summary>
    internal static double ReferenceScore(ReadOnlySpan<float> x, ConfidenceModel confidence)
    {
        var d = confidence.RepresentationSize;
        var w = confidence.Whitening;
        var precision = new double[d, d];
        for (var i = 0; i < d; i++)
        {
            for (var j = 0; j < d; j++)
            {
                double sum = 0;
                for (var k = 0; k < d; k++)
                {
                    sum += (double)w[(i * d) + k] * w[(j * d) + k];
                }

                precision[i, j] = sum;
            }
        }

        var best = double.PositiveInfinity;
        var diff = new double[d];
        for (var c = 0; c < Classes; c++)
        {
            for (var i = 0; i < d; i++)
            {
                diff[i] = x[i] - (double)confidence.ClassMeans[(c * d) + i];
            }

            double q = 0;
            for (var i = 0; i < d; i++)
            {
                for (var j = 0; j < d; j++)
                {
                    q += diff[i] * precision[i, j] * diff[j];
                }
            }

            best = Math.Min(best, q);
        }

        return best;
    }

    private static double[] Softmax(ReadOnlySpan<float> logits, double temperature)
    {
        var max = double.NegativeInfinity;
        foreach (var l in logits)
        {
            max = Math.Max(max, l / temperature);
        }

        var e = new double[logits.Length];
        for (var i = 0; i < e.Length; i++)
        {
            e[i] = Math.Exp((logits[i] / temperature) - max);
        }

        var sum = e.Sum();
        return [.. e.Select(v => v / sum)];
    }

    /// <summary>
    /// A random compact model (with non-trivial batch-norm statistics) saved as a checkpoint, with a
    /// confidence model whose means sit near real representations and whose W is random.
    /// </summary>
    internal sealed class Fixture : IDisposable
    {
        private readonly TempFolder _temp = new();
        private readonly AuroraModel _model;

        public Fixture(int seed, bool withConfidence = true)
        {
            random.manual_seed(seed);
            _model = new AuroraModel(EncoderArchitecture.Compact, ClassifierHead.Linear);
            var frames = FitFrames = SyntheticFrames(seed + 100, 12);
            using (var batch = tensor(frames, [12, 1, Size, Size]))
            {
                _model.train();
                for (var i = 0; i < 3; i++)
                {
                    using var scope = NewDisposeScope();
                    using var gain = (1 + (0.3 * i)).ToScalar();
                    _model.forward(batch.mul(gain));
                }
            }

            _model.eval();
            var (_, representations) = Torch(frames, 12);
            var d = Encoders.RepresentationSize(EncoderArchitecture.Compact);
            var rms = Math.Sqrt(representations.Average(v => (double)v * v));
            var rng = new Random(seed);
            var means = new float[Classes * d];
            for (var i = 0; i < means.Length; i++)
            {
                means[i] = representations[i] + (float)(rms * Normal(rng));
            }

            var whitening = new float[d * d];
            for (var i = 0; i < whitening.Length; i++)
            {
                whitening[i] = (float)(Normal(rng) / (rms * Math.Sqrt(d)));
            }

            var unscaled = new ConfidenceModel { Temperature = Temperature, RepresentationSize = d, ClassMeans = means, Whitening = whitening, OodThreshold = 0 };
            var largest = Enumerable.Range(0, 12).Max(n => ReferenceScore(representations.AsSpan(n * d, d), unscaled));
            Confidence = unscaled with
            {
                OodThreshold = 3 * largest,
                Method = "test fit",
                ExpectedCalibrationError = 0.04,
                ThresholdNote = "3 x the largest held-out score",
            };
            Checkpoint = Path.Combine(_temp.Path, "checkpoint");
            ClassifierCheckpoint.Save(Checkpoint, _model, new ClassifierInfo
            {
                Architecture = EncoderArchitecture.Compact,
                Head = ClassifierHead.Linear,
                Preprocessing = new PreprocessingParameters { OutputSize = Size },
                Training = new ModelTraining { Head = "linear" },
                Confidence = withConfidence ? Confidence : null,
            });
        }

        public ConfidenceModel Confidence { get; }

        /// <summary>The 12 frames the means and threshold come from: all score at most a third of the threshold.</summary>
        public float[] FitFrames { get; }

        public string Checkpoint { get; }

        /// <summary>Loads the checkpoint (so the stored form is what is exported) and packages it.</summary>
        public string Package(string name, int? batchSize = null)
        {
            var path = _temp.File(name);
            var (model, info) = ClassifierCheckpoint.Load(Checkpoint);
            using (model)
            {
                ModelPackager.Export(model, info, path, batchSize: batchSize);
            }

            return path;
        }

        /// <summary>Logits [n, 6] and representations [n, D] from TorchSharp.</summary>
        public (float[] Logits, float[] Representations) Torch(float[] frames, int n)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var batch = tensor(frames, [n, 1, Size, Size]);
            var logits = _model.Logits(batch).data<float>().ToArray();
            var (_, representation) = _model.forward(batch);
            return (logits, representation.data<float>().ToArray());
        }

        public void Dispose()
        {
            _model.Dispose();
            _temp.Dispose();
        }

        private static double Normal(Random rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
    }
}
