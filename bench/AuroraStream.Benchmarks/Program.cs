using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using AuroraStream.Formats.Cdf;
using AuroraStream.Formats.Stream0;
using AuroraStream.Formats.Themis;

// make bench: decode throughput of the format readers beside plain inflate of the same
// compressed bytes, measured in the same run (the ratio is what the README reports).
var root = FindRoot();
var seconds = args.Length > 0 ? double.Parse(args[0], CultureInfo.InvariantCulture) : 3.0;
Console.WriteLine($"AuroraStream format benchmarks ({Environment.ProcessorCount} cores, .NET {Environment.Version}, {seconds:0.#} s per pair, medians of 15 interleaved samples)");
Console.WriteLine();

var pgmFiles = Directory.GetFiles(Path.Combine(root, "samples", "themis-asi", "stream0-pgm"), "*.pgm.gz").Order().Select(File.ReadAllBytes).ToArray();
var pgmFrames = pgmFiles.Sum(b => Stream0PgmReader.Read(new MemoryStream(b), "bench.pgm.gz").Count());
Report(
    "stream0 .pgm.gz",
    pgmFrames,
    pgmFiles.Sum(b => (long)b.Length),
    () =>
    {
        foreach (var bytes in pgmFiles)
        {
            foreach (var frame in Stream0PgmReader.Read(new MemoryStream(bytes), "bench.pgm.gz"))
            {
                GC.KeepAlive(frame);
            }
        }
    },
    () =>
    {
        foreach (var bytes in pgmFiles)
        {
            using var gz = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
            gz.CopyTo(Stream.Null);
        }
    });

var cdfBytes = File.ReadAllBytes(Path.Combine(root, "samples", "themis-asi", "l1-cdf", "thg_l1_asf_gako_2011010617_v01.cdf"));
var cvvrPayloads = CompressedPayloads(cdfBytes);
var cdfFrames = ThemisL1AsiReader.Read(CdfFile.Open(new MemoryStream(cdfBytes), "bench.cdf")).Count();
Report(
    "L1 CDF (GZIP CVVR)",
    cdfFrames,
    cvvrPayloads.Sum(p => (long)p.Length),
    () =>
    {
        using var cdf = CdfFile.Open(new MemoryStream(cdfBytes), "bench.cdf");
        foreach (var frame in ThemisL1AsiReader.Read(cdf))
        {
            GC.KeepAlive(frame);
        }
    },
    () =>
    {
        foreach (var payload in cvvrPayloads)
        {
            using var gz = new GZipStream(new MemoryStream(payload), CompressionMode.Decompress);
            gz.CopyTo(Stream.Null);
        }
    });

AuroraStream.Benchmarks.AnalysisBenchmark.Run(root);

static void Report(string name, int frames, long compressedBytes, Action decode, Action inflate)
{
    var (decodeSeconds, inflateSeconds) = MeasurePair(decode, inflate);
    var decodeRate = frames / decodeSeconds;
    var inflateRate = frames / inflateSeconds;
    var allocated = AllocatedPerRun(decode) / frames;
    Console.WriteLine($"{name}: {frames} frames, {compressedBytes / 1e6:0.00} MB compressed");
    Console.WriteLine($"  decode   {decodeRate,9:0} frames/s  ({compressedBytes / decodeSeconds / 1e6:0.0} MB/s compressed)  {allocated / 1024.0:0.0} KiB allocated per frame");
    Console.WriteLine($"  inflate  {inflateRate,9:0} frames/s  ({compressedBytes / inflateSeconds / 1e6:0.0} MB/s compressed, GZipStream into a null sink)");
    Console.WriteLine($"  ratio    {decodeRate / inflateRate,9:0.00} x inflate (target >= 0.80)");
    Console.WriteLine();
}

// Decode and inflate samples alternate (ABAB...), so clock and thermal drift of a shared machine
// falls on both alike; each figure is the median of its samples.
static (double Decode, double Inflate) MeasurePair(Action decode, Action inflate)
{
    for (var i = 0; i < 20; i++)
    {
        decode();
        inflate();
    }

    var budget = double.Parse(Environment.GetCommandLineArgs().Skip(1).FirstOrDefault() ?? "3", CultureInfo.InvariantCulture);
    const int Samples = 15;
    var a = new List<double>();
    var b = new List<double>();
    for (var s = 0; s < Samples; s++)
    {
        a.Add(TimePerRun(decode, budget / (2 * Samples)));
        b.Add(TimePerRun(inflate, budget / (2 * Samples)));
    }

    return (Median(a), Median(b));
}

static double TimePerRun(Action action, double seconds)
{
    var runs = 0;
    var watch = Stopwatch.StartNew();
    while (watch.Elapsed.TotalSeconds < seconds || runs == 0)
    {
        action();
        runs++;
    }

    return watch.Elapsed.TotalSeconds / runs;
}

static double Median(List<double> values)
{
    values.Sort();
    return values[values.Count / 2];
}

static long AllocatedPerRun(Action action)
{
    var before = GC.GetAllocatedBytesForCurrentThread();
    action();
    return GC.GetAllocatedBytesForCurrentThread() - before;
}

// The compressed payload of every CVVR, found by walking the file's contiguous internal records.
static List<byte[]> CompressedPayloads(byte[] cdf)
{
    var payloads = new List<byte[]>();
    long offset = 8;
    while (offset + 12 <= cdf.Length)
    {
        var size = BinaryPrimitives.ReadInt64BigEndian(cdf.AsSpan((int)offset));
        var type = BinaryPrimitives.ReadInt32BigEndian(cdf.AsSpan((int)offset + 8));
        if (size <= 0)
        {
            break;
        }

        if (type == 13)
        {
            var compressed = BinaryPrimitives.ReadInt64BigEndian(cdf.AsSpan((int)offset + 16));
            payloads.Add(cdf.AsSpan((int)offset + 24, (int)compressed).ToArray());
        }

        offset += size;
    }

    return payloads;
}

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
