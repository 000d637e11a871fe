using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using AuroraStream.Core;
using AuroraStream.Core.Preprocessing;
using AuroraStream.Formats.Detection;
using AuroraStream.Inference;
using static System.FormattableString;

namespace AuroraStream.Cli.Commands;

/// <summary><c>aurorastream classify &lt;files or folders...&gt; [--model M.onnx] [--json]</c>.</summary>
internal static class ClassifyCommand
{
    private const int Batch = 32;

    public static Command Create(TextWriter output, TextWriter error)
    {
        var paths = new Argument<string[]>("paths") { Description = "stream0 PGM / L1 CDF files or folders.", Arity = ArgumentArity.OneOrMore };
        var model = new Option<string?>("--model") { Description = $"ONNX model with its card beside it (default: onnx-models/{DefaultModel.FileName})." };
        var json = new Option<bool>("--json") { Description = "One JSON object per frame (JSON lines)." };
        var device = new Option<InferenceDevice>("--device") { Description = "Cpu or Cuda (falls back to the CPU with a note).", DefaultValueFactory = _ => InferenceDevice.Cpu };
        var command = new Command("classify", "Classify local frames offline: one line per frame with file, index, site, time, label and the six class probabilities.")
        {
            paths, model, json, device,
        };
        command.SetAction(async (result, cancellationToken) => await CommandRunner.RunAsync(error, () =>
        {
            using var classifier = new OnnxAuroraClassifier(new OnnxClassifierOptions
            {
                ModelPath = result.GetValue(model) ?? DefaultModel.Resolve(),
                Device = result.GetValue(device),
            });
            if (classifier.DeviceNote is { } note)
            {
                error.WriteLine($"note: {note}");
            }

            var preprocessor = new FramePreprocessor(classifier.Card.Preprocessing);
            var failures = 0;
            var frames = 0;
            foreach (var (path, kind) in AsiFiles.FrameFiles(result.GetValue(paths) ?? [], (_, e) =>
            {
                error.WriteLine($"error: {e.Message}");
                failures++;
            }))
            {
                cancellationToken.ThrowIfCancellationRequested();
                try
                {
                    var index = 0;
                    foreach (var chunk in AsiFiles.ReadFrames(path, kind).Chunk(Batch))
                    {
                        var buffer = new float[chunk.Length * preprocessor.OutputLength];
                        for (var i = 0; i < chunk.Length; i++)
                        {
                            preprocessor.Process(chunk[i].Pixels.Span, chunk[i].Width, chunk[i].Height, buffer.AsSpan(i * preprocessor.OutputLength, preprocessor.OutputLength));
                        }

                        var predictions = classifier.Classify(buffer, chunk.Length);
                        for (var i = 0; i < chunk.Length; i++)
                        {
                            output.WriteLine(result.GetValue(json) ? Json(path, index, chunk[i], predictions[i]) : Text(path, index, chunk[i], predictions[i]));
                            index++;
                            frames++;
                        }
                    }
                }
                catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
                {
                    error.WriteLine($"error: {e.Message}");
                    failures++;
                }
            }

            error.WriteLine(Invariant($"classify: {frames} frames with {classifier.Card.Name}, {failures} input(s) failed"));
            return Task.FromResult(failures == 0 ? AuroraStreamCli.Success : AuroraStreamCli.InputFailed);
        }).ConfigureAwait(false));
        return command;
    }

    private static string Text(string path, int index, AllSkyFrame frame, FramePrediction prediction) =>
        Invariant($"{path}\t{index}\t{frame.Site}\t{frame.CaptureTime:yyyy-MM-dd'T'HH:mm:ss.fff'Z'}\t{prediction.Label.ToLabel()}\t") +
        string.Join(' ', AuroraClasses.All.Select(c => Invariant($"{c.ToLabel()}={prediction[c]:0.0000}")));

    private static string Json(string path, int index, AllSkyFrame frame, FramePrediction prediction)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteString("file", path);
            writer.WriteNumber("index", index);
            writer.WriteString("site", frame.Site);
            writer.WriteString("time", frame.CaptureTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            writer.WriteString("label", prediction.Label.ToLabel());
            writer.WriteNumber("confidence", Math.Round(prediction.Confidence, 6));
            writer.WriteStartObject("probabilities");
            foreach (var c in AuroraClasses.All)
            {
                writer.WriteNumber(c.ToLabel(), Math.Round(prediction[c], 6));
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}
