using System.Buffers.Binary;
using System.IO.Compression;
using AuroraStream.Formats.Cdf;
using AuroraStream.Formats.Stream0;
using AuroraStream.Formats.Themis;

namespace AuroraStream.Benchmarks;

/// <summary>
/// Decode throughput of the format readers beside plain inflate of the same compressed bytes,
/// measured in the same run (the ratio is what docs/performance.md reports).
/// </summary>
internal static class FormatBenchmark
{
    public static void Run(string root, double seconds)
    {
        Console.WriteLine($"Format benchmarks ({seconds:0.#} s per pair, medians of 15 interleaved samples)");
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
            },
            seconds);

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
            },
            seconds);
    }

    private static void Report(string name, int frames, long compressedBytes, Action decode, Action inflate, double seconds)
    {
        var (decodeSeconds, inflateSeconds) = Timing.Interleaved(decode, inflate, seconds);
        var decodeRate = frames / decodeSeconds;
        var inflateRate = frames / inflateSeconds;
        var allocated = AllocatedPerRun(decode) / frames;
        Console.WriteLine($"{name}: {frames} frames, {compressedBytes / 1e6:0.00} MB compressed");
        Console.WriteLine($"  decode   {decodeRate,9:0} frames/s  ({compressedBytes / decodeSeconds / 1e6:0.0} MB/s compressed)  {allocated / 1024.0:0.0} KiB allocated per frame");
        Console.WriteLine($"  inflate  {inflateRate,9:0} frames/s  ({compressedBytes / inflateSeconds / 1e6:0.0} MB/s compressed, GZipStream into a null sink)");
        Console.WriteLine($"  ratio    {decodeRate / inflateRate,9:0.00} x inflate (target >= 0.80)");
        Console.WriteLine();
    }

    private static long AllocatedPerRun(Action action)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    // The compressed payload of every CVVR, found by walking the file's contiguous internal records.
    private static List<byte[]> CompressedPayloads(byte[] cdf)
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
}
