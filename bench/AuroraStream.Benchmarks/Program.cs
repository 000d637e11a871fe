using System.Globalization;
using AuroraStream.Benchmarks;

// make bench [BENCH_ARGS="section ... [--seconds S] [--replay-frames N] [--live-seconds S]"]: sections formats, analysis, model, stream
// (default: all). Every ratio docs/performance.md reports compares two figures measured in the same run.
var root = FindRoot();
var seconds = 3.0;
var replayFrames = 100_000;
var liveSeconds = 60.0;
var sections = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
for (var i = 0; i < args.Length; i++)
{
    if (args[i] == "--seconds" && i + 1 < args.Length)
    {
        seconds = double.Parse(args[++i], CultureInfo.InvariantCulture);
    }
    else if (args[i] == "--replay-frames" && i + 1 < args.Length)
    {
        replayFrames = int.Parse(args[++i], CultureInfo.InvariantCulture);
    }
    else if (args[i] == "--live-seconds" && i + 1 < args.Length)
    {
        liveSeconds = double.Parse(args[++i], CultureInfo.InvariantCulture);
    }
    else
    {
        sections.Add(args[i]);
    }
}

string[] known = ["formats", "analysis", "model", "stream"];
if (sections.FirstOrDefault(s => !known.Contains(s, StringComparer.OrdinalIgnoreCase)) is { } unknown)
{
    Console.Error.WriteLine($"unknown benchmark section '{unknown}'; choose from {string.Join(", ", known)}");
    return 2;
}

bool Want(string section) => sections.Count == 0 || sections.Contains(section);
Console.WriteLine($"AuroraStream benchmarks ({Environment.ProcessorCount} cores, .NET {Environment.Version})");
Console.WriteLine();
if (Want("formats"))
{
    FormatBenchmark.Run(root, seconds);
}

if (Want("analysis"))
{
    AnalysisBenchmark.Run(root);
}

if (Want("stream"))
{
    StreamBenchmark.Run(root, replayFrames, liveSeconds);
}

// Last: it has glibc keep freed memory for the rest of the process, as the training commands do
// and the stream command does not (TorchRuntime.KeepFreedMemory).
if (Want("model"))
{
    ModelBenchmark.Run(root, seconds);
}

return 0;

static string FindRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "AuroraStream.sln")))
        {
            return dir.FullName;
        }
    }

    throw new InvalidOperationException("Run from inside the AuroraStream repository.");
}
