using System.Diagnostics;
using System.Globalization;
using AuroraStream.Core.Models;
using AuroraStream.Core.Preprocessing;
using AuroraStream.Formats.Detection;
using AuroraStream.Inference;
using AuroraStream.Training.Classifier;
using AuroraStream.Training.Models;
using AuroraStream.Training.Onnx;
using AuroraStream.Training.SimClr;
using TorchSharp;
using static TorchSharp.torch;

namespace AuroraStream.Benchmarks;

/// <summary>
/// The trainer's and the classifier's speed, all figures from one run so they can be compared:
/// a large SGEMM (libtorch, n = 4096) as this machine's practical FLOP/s limit; for the compact
/// default architecture and ResNet-18 at 224 px, the same model with the same weights and batch
/// in TorchSharp eager and in ONNX Runtime (our own export), samples interleaved; the shipped
/// default model with and without the Core preprocessing of real frames; SimCLR training steps.
/// </summary>
internal static class ModelBenchmark
{
    public static void Run(string root, double seconds)
    {
        var cores = Environment.ProcessorCount;
        torch.set_num_threads(cores);

        // As the training commands run: glibc keeps freed memory for the next tensors.
        var kept = Training.TorchRuntime.KeepFreedMemory();
        Console.WriteLine($"Model benchmarks ({cores} cores, libtorch threads {torch.get_num_threads()}, ONNX Runtime default intra-op threads; glibc mallopt thresholds set: {(kept ? "yes" : "no")})");
        var sgemm = Sgemm(4096, seconds);
        Console.WriteLine($"  SGEMM n=4096 (torch.mm)          {sgemm / 1e9,8:0.0} GFLOP/s  (the practical limit the model figures are compared with)");
        Console.WriteLine();

        var folder = Directory.CreateTempSubdirectory("aurorastream-model-bench-").FullName;
        try
        {
            SameModel(folder, EncoderArchitecture.Compact, ClassifierHead.Mlp, 64, 64, sgemm, seconds);
            SameModel(folder, EncoderArchitecture.ResNet18, ClassifierHead.Linear, 224, 16, sgemm, seconds);
            DefaultModel(root, seconds);
            SimClr(EncoderArchitecture.Compact, 64, 64, steps: 12);
            SimClr(EncoderArchitecture.Compact, 128, 64, steps: 8);
            SimClr(EncoderArchitecture.ResNet18, 224, 16, steps: 4);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static double Sgemm(int n, double seconds)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var a = randn(n, n);
        var b = randn(n, n);
        var time = Timing.MedianSeconds(() => mm(a, b).Dispose(), seconds / 4, warmUp: 2);
        return 2.0 * n * n * n / time;
    }

    private static void SameModel(string folder, EncoderArchitecture architecture, ClassifierHead head, int size, int batch, double sgemm, double seconds)
    {
        random.manual_seed(1);
        using var model = new AuroraModel(architecture, head);
        model.eval();
        var path = Path.Combine(folder, $"{architecture}-{size}.onnx");
        ModelPackager.Export(model, new ClassifierInfo
        {
            Architecture = architecture,
            Head = head,
            Preprocessing = new PreprocessingParameters { OutputSize = size },
            Training = new ModelTraining { Head = head.ToString().ToLowerInvariant() },
        }, path, "benchmark: random weights");

        var input = new float[batch * size * size];
        var rng = new Random(5);
        for (var i = 0; i < input.Length; i++)
        {
            input[i] = (float)rng.NextDouble();
        }

        using var classifier = new OnnxAuroraClassifier(new OnnxClassifierOptions { ModelPath = path });
        using var x = tensor(input, [batch, 1, size, size]);
        void Eager()
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            model.forward(x);
        }

        void Ort() => classifier.Classify(input, batch);

        var (eager, ort) = Timing.Interleaved(Eager, Ort, seconds, samples: 7);
        var flops = ModelCost.FlopsPerFrame(architecture, head, size);
        Console.WriteLine($"  {architecture} + {head} head at {size} px, batch {batch} ({flops / 1e9:0.000} GFLOP/frame), same weights:");
        Console.WriteLine($"    TorchSharp eager  {batch / eager,9:0.0} frames/s  {flops * batch / eager / 1e9,7:0.0} GFLOP/s  {flops * batch / eager / sgemm,5:0.00} x SGEMM");
        Console.WriteLine($"    ONNX Runtime      {batch / ort,9:0.0} frames/s  {flops * batch / ort / 1e9,7:0.0} GFLOP/s  {flops * batch / ort / sgemm,5:0.00} x SGEMM");
        Console.WriteLine($"    ratio             {eager / ort,9:0.00} x TorchSharp eager (target >= 1.3)");
        if (architecture == EncoderArchitecture.ResNet18)
        {
            Console.WriteLine($"    ResNet-18 at {size} px in ONNX Runtime reaches {flops * batch / ort / sgemm:0.00} of the same-run SGEMM (target >= 0.6)");
        }

        Console.WriteLine();
    }

    private static void DefaultModel(string root, double seconds)
    {
        var path = Path.Combine(root, "onnx-models", "aurorastream-compact.onnx");
        using var classifier = new OnnxAuroraClassifier(new OnnxClassifierOptions { ModelPath = path });
        var preprocessor = new FramePreprocessor(classifier.Card.Preprocessing);
        var frames = AsiFiles.FrameFiles([Path.Combine(root, "samples", "themis-asi")], (_, _) => { })
            .SelectMany(file => AsiFiles.ReadFrames(file.Path, file.Kind))
            .Take(64)
            .ToArray();
        var batch = frames.Length;
        var input = new float[batch * preprocessor.OutputLength];
        void Preprocess()
        {
            for (var i = 0; i < batch; i++)
            {
                var f = frames[i];
                preprocessor.Process(f.Pixels.Span, f.Width, f.Height, input.AsSpan(i * preprocessor.OutputLength, preprocessor.OutputLength));
            }
        }

        Preprocess();
        var infer = Timing.MedianSeconds(() => classifier.Classify(input, batch), seconds / 2, warmUp: 5);
        var both = Timing.MedianSeconds(() =>
        {
            Preprocess();
            classifier.Classify(input, batch);
        }, seconds / 2, warmUp: 2);
        Console.WriteLine($"  Default model {Path.GetFileName(path)} ({classifier.Card.Preprocessing.OutputSize} px), batch {batch} of real 256x256 frames:");
        Console.WriteLine($"    inference                      {batch / infer,9:0} frames/s  (target >= 500)");
        Console.WriteLine($"    preprocessing + inference      {batch / both,9:0} frames/s  (one thread preprocessing)");
        Console.WriteLine();
    }

    private static void SimClr(EncoderArchitecture architecture, int size, int batch, int steps)
    {
        var rng = new Random(3);
        var frames = Enumerable.Range(0, 256).Select(_ =>
        {
            var f = new float[size * size];
            for (var i = 0; i < f.Length; i++)
            {
                f[i] = (float)rng.NextDouble();
            }

            return f;
        }).ToArray();
        var times = new List<double>();
        using var trainer = new SimClrTrainer(new SimClrOptions { Architecture = architecture, InputSize = size, BatchSize = batch, Steps = steps, WarmupSteps = 1 });
        var watch = Stopwatch.StartNew();
        trainer.TrainAsync(frames, new SyncProgress<SimClrProgress>(_ =>
        {
            times.Add(watch.Elapsed.TotalSeconds);
            watch.Restart();
        })).GetAwaiter().GetResult();

        // The first two steps include allocation and kernel selection; the rest is the steady state.
        var steady = times.Skip(2).ToList();
        var step = Timing.Median(steady);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  SimCLR step, {architecture} at {size} px, batch {batch} (2 views, AdamW): {batch / step,7:0.0} frames/s  ({2 * batch / step:0.0} views/s, median of {steady.Count} steps)"));
    }

    private sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
