using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using AuroraStream.Core;
using AuroraStream.Core.Preprocessing;
using AuroraStream.Core.Sky;
using AuroraStream.Formats.Detection;
using AuroraStream.Formats.SpaceWeather;
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
            var skies = new SiteSky(StationCatalog.AsiLocations, site => error.WriteLine($"warning: site '{site}' is not in the site catalog and its frames carry no usable coordinates: sky unknown"), (_, message) => error.WriteLine($"warning: {message}"));
            var failures = 0;
            var frames = 0;
            var repeated = 0;
            var window = new Pipeline.PipelineOptions();

            // One label per site and capture time, as the stream keeps one point per frame: a second frame
            // with the same site and time (a file concatenated with itself, a copy under another name) is skipped.
            var classified = new Dictionary<(string Site, DateTime Time), FrameOrigin>();
            var (repeatedFrames, firstRepeat) = (0, (string?)null);
            bool IsNew(AllSkyFrame frame)
            {
                if (classified.TryAdd((frame.Site, frame.CaptureTime), frame.Origin))
                {
                    return true;
                }

                var first = classified[(frame.Site, frame.CaptureTime)];
                firstRepeat ??= Invariant($"{frame.Origin.Source} frame {frame.Origin.Index} repeats {first.Source} frame {first.Index} ({frame.Site} {frame.CaptureTime:yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'})");
                repeatedFrames++;
                return false;
            }

            var inputs = result.GetValue(paths) ?? [];
            foreach (var (path, kind) in AsiFiles.FrameFiles(
                inputs,
                (_, e) =>
                {
                    error.WriteLine($"error: {e.Message}");
                    failures++;
                },
                (path, kind) => error.WriteLine($"note: {SkippedNote(path, kind)}"),
                _ => repeated++))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var refused = new FrameRefusals(path, fullSizeOnly: true, captureTimeProblem: time => window.CaptureTimeProblem(time, DateTimeOffset.UtcNow));
                var pending = new List<AllSkyFrame>(Batch);
                void Flush()
                {
                    if (pending.Count == 0)
                    {
                        return;
                    }

                    var buffer = new float[pending.Count * preprocessor.OutputLength];
                    for (var i = 0; i < pending.Count; i++)
                    {
                        preprocessor.Process(pending[i].Pixels.Span, pending[i].Width, pending[i].Height, buffer.AsSpan(i * preprocessor.OutputLength, preprocessor.OutputLength));
                    }

                    var predictions = classifier.Classify(buffer, pending.Count);
                    for (var i = 0; i < pending.Count; i++)
                    {
                        var sky = skies.Of(pending[i]);
                        var prediction = SkyConsistency.Apply(predictions[i], sky);
                        output.WriteLine(result.GetValue(json) ? Json(path, pending[i].Origin.Index, pending[i], prediction, sky) : Text(path, pending[i].Origin.Index, pending[i], prediction, sky));
                        frames++;
                    }

                    pending.Clear();
                }

                try
                {
                    foreach (var frame in AsiFiles.ReadFrames(path, kind).Where(f => !refused.Refuses(f) && IsNew(f)))
                    {
                        pending.Add(frame);
                        if (pending.Count == Batch)
                        {
                            Flush();
                        }
                    }

                    Flush();
                }
                catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
                {
                    // The complete frames read before the corruption are still classified, as inspect prints them.
                    Flush();
                    error.WriteLine($"error: {e.Message}");
                    failures++;
                }

                if (refused.Message is { } message)
                {
                    error.WriteLine($"error: {message}");
                    failures++;
                }
            }

            if (repeated > 0)
            {
                error.WriteLine($"note: {AsiFiles.RepeatedNote(repeated)}");
            }

            if (repeatedFrames > 0)
            {
                error.WriteLine(Invariant($"warning: {repeatedFrames} frame(s) repeat the site and capture time of a frame already classified and were skipped (one label per frame, as the stream keeps); first: {firstRepeat}"));
            }

            if (frames == 0 && failures == 0)
            {
                // Nothing to classify is a failed run, not an empty success: a wrong folder must not pass unseen.
                error.WriteLine($"error: no frames in {string.Join(", ", inputs)}: no stream0 PGM (plain or .gz) or THEMIS L1 CDF file holding frames was found");
                failures++;
            }

            error.WriteLine(Invariant($"classify: {frames} frames with {classifier.Card.Name}, {failures} input(s) failed"));
            return Task.FromResult(failures == 0 ? AuroraStreamCli.Success : AuroraStreamCli.InputFailed);
        }).ConfigureAwait(false));
        return command;
    }

    /// <summary>
    /// The note for a file in a folder that holds no frames, in <c>inspect</c>'s words; a skymap or PNG
    /// that cannot be read is still only skipped here (classify looks for frames, not skymaps).
    /// </summary>
    private static string SkippedNote(string path, AsiFileKind kind)
    {
        try
        {
            return $"{path}: {NonFrameFiles.Describe(path, kind)}";
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            var reason = e.Message.StartsWith(path, StringComparison.Ordinal) ? e.Message[path.Length..].TrimStart(':', ' ') : e.Message;
            return $"{path}: {kind} file that holds no frames ({reason}): skipped";
        }
    }

    /// <summary>
    /// Tab-separated: file, index, site, time, label (<c>uncertain</c> when out of distribution), the six
    /// probabilities as <c>name=p</c>, then <c>sky=dark|twilight|daylight|unknown</c> and, when known,
    /// <c>sun_elevation=</c>, <c>moon_elevation=</c> (apparent, degrees) and <c>moon_illumination=</c>, and
    /// <c>ood_score=</c> when the model gives one, <c>structure=</c> (the input's lag-1 autocorrelation,
    /// <see cref="Core.Preprocessing.SkyStructure"/>) and, for an uncertain frame, <c>uncertain_reason=</c>
    /// (<see cref="FramePrediction.UncertainReason"/>), all space-separated <c>key=value</c> in the last column.
    /// </summary>
    private static string Text(string path, int index, AllSkyFrame frame, FramePrediction prediction, SkyConditions? sky)
    {
        var extra = new List<string> { $"sky={SiteSky.Tag(sky)}" };
        if (sky is { } s)
        {
            extra.Add(Invariant($"sun_elevation={s.SunApparentElevationDeg:0.00}"));
            extra.Add(Invariant($"moon_elevation={s.MoonApparentElevationDeg:0.00}"));
            extra.Add(Invariant($"moon_illumination={s.MoonIlluminatedFraction:0.000}"));
        }

        if (prediction.OodScore is { } ood)
        {
            extra.Add(Invariant($"ood_score={ood:0.####}"));
        }

        if (prediction.Structure is { } structure)
        {
            extra.Add(Invariant($"structure={structure:0.###}"));
        }

        if (prediction.UncertainReason is { } reason)
        {
            extra.Add($"uncertain_reason={reason}");
        }

        return Invariant($"{path}\t{index}\t{frame.Site}\t{frame.CaptureTime:yyyy-MM-dd'T'HH:mm:ss.fff'Z'}\t{prediction.LabelName}\t") +
            string.Join(' ', AuroraClasses.All.Select(c => Invariant($"{c.ToLabel()}={prediction[c]:0.0000}"))) + "\t" + string.Join(' ', extra);
    }

    private static string Json(string path, int index, AllSkyFrame frame, FramePrediction prediction, SkyConditions? sky)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteString("file", path);
            writer.WriteNumber("index", index);
            writer.WriteString("site", frame.Site);
            writer.WriteString("time", frame.CaptureTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            writer.WriteString("label", prediction.LabelName);
            writer.WriteNumber("confidence", Math.Round(prediction.Confidence, 6));
            writer.WriteString("sky", SiteSky.Tag(sky));
            if (sky is { } s)
            {
                writer.WriteNumber("sun_elevation", Math.Round(s.SunApparentElevationDeg, 3));
                writer.WriteNumber("moon_elevation", Math.Round(s.MoonApparentElevationDeg, 3));
                writer.WriteNumber("moon_illumination", Math.Round(s.MoonIlluminatedFraction, 4));
            }

            if (prediction.OodScore is { } ood)
            {
                writer.WriteNumber("ood_score", Math.Round(ood, 6));
            }

            if (prediction.Structure is { } structure)
            {
                writer.WriteNumber("structure", Math.Round(structure, 4));
            }

            if (prediction.UncertainReason is { } reason)
            {
                writer.WriteString("uncertain_reason", reason);
            }

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
