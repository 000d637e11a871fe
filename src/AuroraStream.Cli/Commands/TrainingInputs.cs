using System.Globalization;
using AuroraStream.Core;
using AuroraStream.Core.Preprocessing;
using AuroraStream.Core.Sky;
using AuroraStream.Formats.Detection;
using AuroraStream.Formats.IO;
using AuroraStream.Formats.Labels;
using AuroraStream.Formats.Oath;
using AuroraStream.Formats.SpaceWeather;
using AuroraStream.Synthetic;
using AuroraStream.Training.Evaluation;
using Spectre.Console;

namespace AuroraStream.Cli.Commands;

/// <summary>A preprocessed frame with where it came from and, for a real frame, its sky (null when the site is unknown).</summary>
internal sealed record PreparedFrame(string Site, DateTime Time, string File, int Index, float[] Pixels, SkyConditions? Sky = null);

/// <summary>The OATH set, preprocessed: one frame per entry (null when its image is missing).</summary>
internal sealed record PreparedOath(OathDataset Dataset, float[]?[] Frames, AuroraClass[] Classes, IReadOnlyList<BenchmarkSplit> Splits);

/// <summary>Loads and preprocesses the trainer's inputs through the foundation readers and the Core preprocessing.</summary>
internal static class TrainingInputs
{
    /// <summary>
    /// Reads every frame of the inputs (files or folders); failures are collected, frames before a
    /// corruption kept. A file reached through more than one input (a folder and a file in it, a
    /// folder and its parent, two spellings of one path) is read once, by its full normalised path,
    /// so each frame (file and index) comes once; <paramref name="onDuplicates"/> gets the number of
    /// frames skipped that way and the number of files, when any were. With
    /// <paramref name="fullSizeOnly"/>, frames <c>classify</c> refuses (not 256x256, such as the L1
    /// thumbnails, or not a THEMIS ASI frame) are left out as it leaves them out, one failure line per
    /// file naming the first and the count (<see cref="FrameRefusals"/>).
    /// </summary>
    public static List<PreparedFrame> LoadFrames(IEnumerable<string> inputs, FramePreprocessor preprocessor, ICollection<string> failures, int maxFrames = int.MaxValue, CancellationToken cancellationToken = default, Action<int, int>? onDuplicates = null, bool fullSizeOnly = false)
    {
        var frames = new List<PreparedFrame>();
        var skies = new SiteSky(StationCatalog.AsiLocations);
        var framesPerFile = new Dictionary<string, int>(FilePaths.Comparer);
        var duplicateFrames = 0;
        var duplicateFiles = 0;
        void Repeated(string path)
        {
            duplicateFrames += framesPerFile.GetValueOrDefault(FilePaths.Canonical(path));
            duplicateFiles++;
        }

        foreach (var (path, kind) in AsiFiles.FrameFiles(inputs, (_, e) => failures.Add(e.Message), onRepeated: Repeated))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (frames.Count >= maxFrames)
            {
                break;
            }

            var fullPath = FilePaths.Canonical(path);
            var before = frames.Count;
            var refused = fullSizeOnly ? new FrameRefusals(path, fullSizeOnly: true) : null;
            try
            {
                var index = 0;
                foreach (var frame in AsiFiles.ReadFrames(path, kind))
                {
                    if (refused?.Refuses(frame) == true)
                    {
                        index++;
                        continue;
                    }

                    var pixels = new float[preprocessor.OutputLength];
                    preprocessor.Process(frame.Pixels.Span, frame.Width, frame.Height, pixels);
                    frames.Add(new PreparedFrame(frame.Site, frame.CaptureTime, path, index++, pixels, skies.Of(frame)));
                    if (frames.Count >= maxFrames)
                    {
                        break;
                    }
                }
            }
            catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                failures.Add(e.Message);
            }
            finally
            {
                framesPerFile[fullPath] = frames.Count - before;
                if (refused?.Message is { } message)
                {
                    failures.Add(message);
                }
            }
        }

        if (duplicateFiles > 0)
        {
            onDuplicates?.Invoke(duplicateFrames, duplicateFiles);
        }

        return frames;
    }

    /// <summary>
    /// Keeps the first frame of each site and capture time. Two copies of one file under different
    /// paths (samples/ and tests/data hold some), which <see cref="LoadFrames"/> cannot tell apart
    /// by path, would otherwise weigh a frame twice in training, score it twice in an evaluation and,
    /// in a leave-one-scene-out evaluation, count it twice. <paramref name="warn"/> gets one line
    /// when any were dropped, naming the count, the first repeat and the frame it repeats.
    /// </summary>
    /// <param name="frames">Frames as read.</param>
    /// <param name="use">What is done once per frame, for the warning: "scored", "used in training".</param>
    /// <param name="warn">Receives the warning line.</param>
    public static List<PreparedFrame> DropRepeats(List<PreparedFrame> frames, string use, Action<string> warn)
    {
        ArgumentNullException.ThrowIfNull(frames);
        ArgumentNullException.ThrowIfNull(warn);
        var first = new Dictionary<(string, DateTime), PreparedFrame>();
        var kept = new List<PreparedFrame>(frames.Count);
        (PreparedFrame Repeat, PreparedFrame Of)? example = null;
        foreach (var frame in frames)
        {
            if (first.TryAdd((frame.Site, frame.Time), frame))
            {
                kept.Add(frame);
            }
            else
            {
                example ??= (frame, first[(frame.Site, frame.Time)]);
            }
        }

        if (example is var (repeat, of))
        {
            warn(string.Create(CultureInfo.InvariantCulture, $"warning: {frames.Count - kept.Count} frame(s) repeat the site and capture time of a frame already read and were skipped (each frame is {use} once); first: {repeat.File} frame {repeat.Index} repeats {of.File} frame {of.Index} ({repeat.Site} {repeat.Time:yyyy-MM-dd'T'HH:mm:ss.fff'Z'})"));
        }

        return kept;
    }

    /// <summary>
    /// The inputs (files or folders) that hold at least one of <paramref name="used"/>'s files, in
    /// the order given: a source description names where the frames came from, not an input whose
    /// every frame was skipped as a repeat.
    /// </summary>
    public static List<string> Contributing(IEnumerable<string> inputs, IEnumerable<string> used)
    {
        var files = used.Select(FilePaths.Canonical).ToHashSet(FilePaths.Comparer);
        return [.. inputs.Where(input =>
        {
            var root = FilePaths.Canonical(input);
            var folder = Path.TrimEndingDirectorySeparator(root) + Path.DirectorySeparatorChar;
            return files.Any(f => FilePaths.Comparer.Equals(f, root) || (f.Length > folder.Length && FilePaths.Comparer.Equals(f[..folder.Length], folder)));
        })];
    }

    /// <summary>The note for the frames <see cref="LoadFrames"/> skipped because inputs overlap.</summary>
    public static string DuplicatesNote(int frames, int files) => string.Create(
        CultureInfo.InvariantCulture,
        $"{frames} duplicate frame(s) skipped: {files} file(s) reached through more than one input (a folder and a file or folder inside it, or the same path spelt twice); each frame is used once");

    /// <summary>
    /// Joins frames with label files or folders of them (time,site,label...) on site and capture time (to the millisecond).
    /// A frame labelled twice alike is joined once; a frame given two different labels is left out, each
    /// conflict added to <paramref name="failures"/> naming both files.
    /// </summary>
    public static List<(PreparedFrame Frame, AuroraClass Class)> Join(IReadOnlyList<PreparedFrame> frames, IReadOnlyList<string> labelFiles, ICollection<string> failures)
    {
        var labels = new Dictionary<(string, long), (AuroraClass Class, string File)>();
        var conflicting = new HashSet<(string, long)>();
        foreach (var file in new LabelCsvSource(labelFiles).Files())
        {
            foreach (var row in LabelCsvSource.ReadFile(file))
            {
                if (!AuroraClasses.TryParseLabel(row.Label, out var c))
                {
                    failures.Add($"{file}: label '{row.Label}' at {row.Site} {row.Time:O} is not one of the six OATH classes");
                    continue;
                }

                var key = (row.Site, Millis(row.Time));
                if (labels.TryGetValue(key, out var first) && first.Class != c)
                {
                    // Two labels for one frame: neither is the truth to train or score against.
                    failures.Add($"{file}: {row.Site} {row.Time:yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'} is labelled {c.ToLabel()} here and {first.Class.ToLabel()} in {first.File}: the frame is left out");
                    conflicting.Add(key);
                }
                else if (first.File is null)
                {
                    labels[key] = (c, file);
                }
            }
        }

        var joined = new List<(PreparedFrame, AuroraClass)>();
        foreach (var frame in frames)
        {
            var key = (frame.Site, Millis(frame.Time));
            if (!conflicting.Contains(key) && labels.TryGetValue(key, out var labelled))
            {
                joined.Add((frame, labelled.Class));
            }
        }

        return joined;
    }

    /// <summary>Seeded synthetic frames with their classes.</summary>
    public static List<(PreparedFrame Frame, AuroraClass Class)> Synthetic(int count, int seed, FramePreprocessor preprocessor)
    {
        var sky = new SyntheticSky(new SyntheticSkyOptions { Seed = seed });
        return Prepare(count, preprocessor, sky.Draw, $"synthetic(seed {seed})");
    }

    /// <summary>Draws <paramref name="count"/> frames in parallel and preprocesses them, in index order.</summary>
    public static List<(PreparedFrame Frame, AuroraClass Class)> Prepare(int count, FramePreprocessor preprocessor, Func<int, SyntheticFrame> draw, string source)
    {
        var result = new (PreparedFrame, AuroraClass)[count];
        // A preprocessor keeps per-frame scratch state: each worker thread gets its own.
        Parallel.For(
            0,
            count,
            () => new FramePreprocessor(preprocessor.Parameters),
            (i, _, local) =>
            {
                var drawn = draw(i);
                var pixels = new float[local.OutputLength];
                local.Process(drawn.Frame.Pixels.Span, drawn.Frame.Width, drawn.Frame.Height, pixels);
                result[i] = (new PreparedFrame(drawn.Frame.Site, drawn.Frame.CaptureTime, source, i, pixels), drawn.Class);
                return local;
            },
            _ => { });
        return [.. result];
    }

    /// <summary>Reads an OATH data set (classifications, splits and whichever images are present).</summary>
    public static PreparedOath LoadOath(string root, FramePreprocessor preprocessor, ICollection<string> failures)
    {
        var dataset = OathDataset.Load(root);
        var frames = new float[]?[dataset.Entries.Count];
        for (var i = 0; i < dataset.Entries.Count; i++)
        {
            if (dataset.FindImage(dataset.Entries[i]) is not { } path)
            {
                continue;
            }

            try
            {
                var intensity = OathDataset.ReadIntensity(path, out var width, out var height);
                var pixels = new float[preprocessor.OutputLength];
                preprocessor.Process(intensity, width, height, pixels);
                frames[i] = pixels;
            }
            catch (Exception e) when (e is InvalidDataException or IOException)
            {
                failures.Add(e.Message);
            }
        }

        var splits = dataset.Splits.Select(s => new BenchmarkSplit(s.Number, s.Train, s.Test)).ToList();
        return new PreparedOath(dataset, frames, [.. dataset.Entries.Select(e => e.Class)], splits);
    }

    public static string Counts(IEnumerable<AuroraClass> classes)
    {
        var list = classes.ToList();
        return string.Join(", ", AuroraClasses.All.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.ToLabel()} {list.Count(x => x == c)}")));
    }

    private static long Millis(DateTime time) => time.Ticks / TimeSpan.TicksPerMillisecond;
}

/// <summary>Progress of a long run: a bar on a terminal, otherwise a line every twentieth of the work.</summary>
internal static class RunProgress
{
    public static async Task RunAsync(TextWriter error, string title, int total, Func<Action<int, string>, Task> work)
    {
        if (error != Console.Error || Console.IsErrorRedirected)
        {
            var every = Math.Max(1, total / 20);
            await work((done, status) =>
            {
                if (done % every == 0 || done == total)
                {
                    error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{title}: {done}{(total > 0 ? $"/{total}" : string.Empty)} {status}"));
                }
            }).ConfigureAwait(false);
            return;
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        await console.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(title, maxValue: Math.Max(1, total));
                await work((done, status) =>
                {
                    task.Value = done;
                    task.Description = $"{title} {Markup.Escape(status)}";
                }).ConfigureAwait(false);
            }).ConfigureAwait(false);
    }
}
