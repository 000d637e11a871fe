using System.CommandLine;
using System.Globalization;
using AuroraStream.Core;
using AuroraStream.Formats.Stream0;
using AuroraStream.Synthetic;
using CsvHelper;

namespace AuroraStream.Cli.Commands;

/// <summary><c>aurorastream synth --out DIR --frames N [--seed S] [--classes ...] [--site S]</c>.</summary>
internal static class SynthCommand
{
    private const int FramesPerFile = 20;

    public static Command Create(TextWriter output, TextWriter error)
    {
        var outDir = new Option<string>("--out") { Description = "Output folder (created).", Required = true };
        var frames = new Option<int>("--frames") { Description = "Number of frames (3 s apart, 20 per one-minute file).", Required = true }.AtLeast(1);
        var seed = new Option<int>("--seed") { Description = "Seed; the same seed gives the same frames.", DefaultValueFactory = _ => 1 };
        var classes = new Option<string?>("--classes") { Description = "Classes to draw from, comma-separated (arc,diffuse,discrete,cloudy,moon,clear); all six by default." };
        var site = new Option<string>("--site") { Description = "Site code written into the frames.", DefaultValueFactory = _ => "gill" };
        var command = new Command("synth", "Write seeded synthetic THEMIS all-sky frames as stream0 PGM files, with their classes in labels.csv.")
        {
            outDir, frames, seed, classes, site,
        };
        command.SetAction((result, cancellationToken) => CommandRunner.RunAsync(error, () =>
        {
            var count = result.GetValue(frames);
            var chosen = new List<AuroraClass>();
            foreach (var name in (result.GetValue(classes) ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                chosen.Add(AuroraClasses.TryParseLabel(name, out var c) ? c : throw new UsageException($"--classes '{name}': expected one of arc, diffuse, discrete, cloudy, moon, clear, comma-separated"));
            }

            var sky = new SyntheticSky(new SyntheticSkyOptions { Seed = result.GetValue(seed), Classes = chosen, Site = result.GetValue(site)! });
            var written = Write(sky, count, result.GetValue(outDir)!);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"synth: {count} frames in {written} file(s) and labels.csv under {result.GetValue(outDir)}"));
            return AuroraStreamCli.Success;
        }));
        return command;
    }

    private static int Write(SyntheticSky sky, int count, string folder)
    {
        Directory.CreateDirectory(folder);
        using var labels = CsvWriter.ToFile(Path.Combine(folder, "labels.csv"), new CsvWriterOptions { NewLine = "\n", FormatProvider = CultureInfo.InvariantCulture });
        labels.WriteHeader(["time", "site", "label", "file", "index"]);
        var files = 0;
        for (var start = 0; start < count; start += FramesPerFile)
        {
            var batch = Enumerable.Range(start, Math.Min(FramesPerFile, count - start)).Select(sky.Draw).ToList();
            var first = batch[0].Frame;
            var name = string.Create(CultureInfo.InvariantCulture, $"{first.CaptureTime:yyyyMMdd_HHmm}_{first.Site}_{first.Imager}_full.pgm.gz");
            Stream0PgmWriter.WriteFile(Path.Combine(folder, name), [.. batch.Select(b => b.Frame)]);
            files++;
            for (var i = 0; i < batch.Count; i++)
            {
                labels.WriteRecord([batch[i].Frame.CaptureTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture), batch[i].Frame.Site, batch[i].Class.ToLabel(), name, i.ToString(CultureInfo.InvariantCulture)]);
            }
        }

        return files;
    }
}
