using System.CommandLine;
using AuroraStream.Training.Classifier;
using AuroraStream.Training.Onnx;
using static System.FormattableString;

namespace AuroraStream.Cli.Commands;

/// <summary><c>aurorastream export --checkpoint DIR --out M.onnx [--notes TEXT]</c>.</summary>
internal static class ExportCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "Classifier checkpoint folder (from `train classifier`).", Required = true };
        var outPath = new Option<string>("--out") { Description = "ONNX file to write; its card is written beside it (name.card.json).", Required = true };
        var notes = new Option<string?>("--notes") { Description = "Notes for the card: what the model is for and what its numbers mean." };
        var command = new Command("export", "Export a trained classifier as ONNX (opset 17, input frames [N,1,H,W], outputs probabilities and representation) with its model card.")
        {
            checkpoint, outPath, notes,
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
                var card = ModelPackager.Export(model, info, path, result.GetValue(notes));
                output.WriteLine(Invariant($"export: {path} ({new FileInfo(path).Length:N0} bytes, sha256 {card.Sha256[..12]}..., {card.FlopsPerFrame / 1e9:0.000} GFLOP/frame, {card.Parameters:N0} parameters) and {Path.GetFileName(Core.Models.ModelCard.PathFor(path))}"));
            }

            return Task.FromResult(AuroraStreamCli.Success);
        }).ConfigureAwait(false));
        return command;
    }
}
