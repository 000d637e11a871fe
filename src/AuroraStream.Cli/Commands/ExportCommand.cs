using System.CommandLine;
using AuroraStream.Training.Classifier;
using AuroraStream.Training.Onnx;
using static System.FormattableString;

namespace AuroraStream.Cli.Commands;

/// <summary><c>aurorastream export --checkpoint DIR --out M.onnx [--notes TEXT] [--batch N]</c>.</summary>
internal static class ExportCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "Classifier checkpoint folder (from `train classifier`).", Required = true };
        var outPath = new Option<string>("--out") { Description = "ONNX file to write; its card is written beside it (name.card.json).", Required = true };
        var notes = new Option<string?>("--notes") { Description = "Notes for the card: what the model is for and what its numbers mean." };
        var batch = new Option<int?>("--batch") { Description = "Fix the input's batch size (1..4096) for runtimes that need one; by default any batch size." };
        var command = new Command("export", "Export a trained classifier as ONNX (opset 17, input frames [N,1,H,W], outputs probabilities and representation, and ood_score when the checkpoint has a confidence model) with its model card.")
        {
            checkpoint, outPath, notes, batch,
        };
        command.SetAction(async (result, cancellationToken) => await CommandRunner.RunTorchAsync(error, () =>
        {
            var path = result.GetValue(outPath)!;
            if (!path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))
            {
                throw new UsageException($"--out '{path}': expected a file name ending in .onnx");
            }

            var (model, info) = ClassifierCheckpoint.Load(result.GetValue(checkpoint)!);
            using (model)
            {
                var size = result.GetValue(batch);
                if (size is < 1 or > 4096)
                {
                    throw new ArgumentException(Invariant($"--batch {size}: the batch size must be within 1..4096"));
                }

                var card = ModelPackager.Export(model, info, path, result.GetValue(notes), size);
                var confidence = card.Confidence is { } c ? Invariant($", temperature {c.Temperature:0.###}, out-of-distribution threshold {c.OodThreshold:G6}") : string.Empty;
                output.WriteLine(Invariant($"export: {path} ({new FileInfo(path).Length:N0} bytes, sha256 {card.Sha256[..12]}..., {card.FlopsPerFrame / 1e9:0.000} GFLOP/frame, {card.Parameters:N0} parameters{confidence}) and {Path.GetFileName(Core.Models.ModelCard.PathFor(path))}"));
            }

            return Task.FromResult(AuroraStreamCli.Success);
        }).ConfigureAwait(false));
        return command;
    }
}
