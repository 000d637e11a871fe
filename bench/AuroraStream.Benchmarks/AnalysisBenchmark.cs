using System.Diagnostics;
using System.Globalization;
using System.Text;
using AuroraStream.Analysis.Occurrence;
using AuroraStream.Analysis.Output;
using AuroraStream.Formats.Labels;
using AuroraStream.Formats.SpaceWeather;

namespace AuroraStream.Benchmarks;

/// <summary>
/// An occurrence analysis over 1 million labelled frames (a label CSV on disk, 12 sites at 3 s)
/// against a year of 1-min OMNI CSV (525,600 rows), timed end to end: OMNI parse, label parse and
/// join, and the outputs (tidy CSV, PNGs, report). Inputs are generated, seeded, in a temp folder.
/// </summary>
internal static class AnalysisBenchmark
{
    public static void Run(string root)
    {
        var folder = Path.Combine(Path.GetTempPath(), "aurorastream-bench-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(folder);
        try
        {
            var omniPath = Path.Combine(folder, "OMNI_HIGH_RES_1min_2020.csv");
            var labelsPath = Path.Combine(folder, "labels.csv");
            WriteOmniYear(omniPath);
            WriteLabels(labelsPath, 1_000_000);
            var total = Stopwatch.StartNew();
            var omni = OmniReader.ReadHighResCsvFile(omniPath);
            var omniSeconds = total.Elapsed.TotalSeconds;
            var kp = KpReader.Read(Path.Combine(root, "tests", "data", "indices", "Kp_ap_Ap_SN_F107_since_1932.csv"));
            var stations = StationCatalog.Read([Path.Combine(root, "tests", "data", "stations", "gmag_station_cgm_2020.txt")]);
            var analyzer = new OccurrenceAnalyzer(new SpaceWeatherConditions(omni, kp, null, stations, TimeSpan.Zero).Parameters());
            var joinWatch = Stopwatch.StartNew();
            foreach (var frame in LabelCsvSource.ReadFile(labelsPath))
            {
                analyzer.Add(frame);
            }

            var joinSeconds = joinWatch.Elapsed.TotalSeconds;
            var outputWatch = Stopwatch.StartNew();
            var files = Reports.WriteOccurrence(Path.Combine(folder, "out"), analyzer.Result(), new AnalysisProvenance("bench", [], []));
            var outputSeconds = outputWatch.Elapsed.TotalSeconds;
            Console.WriteLine($"occurrence analysis: {analyzer.Frames:N0} labelled frames, a year of 1-min OMNI (525,600 rows), 12 parameters");
            Console.WriteLine($"  OMNI year parse     {omniSeconds,6:0.00} s");
            Console.WriteLine($"  labels parse + join {joinSeconds,6:0.00} s  ({analyzer.Frames / joinSeconds:N0} frames/s)");
            Console.WriteLine($"  outputs             {outputSeconds,6:0.00} s  ({files.Count} files: CSV, PNGs, report)");
            Console.WriteLine($"  total               {total.Elapsed.TotalSeconds,6:0.00} s  (peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1e6:0} MB)");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static void WriteOmniYear(string path)
    {
        var random = new Random(2020);
        var t = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var sb = new StringBuilder(OmniReader.HighResCsvHeader).Append('\n');
        for (var m = 0; m < 525_600; m++, t = t.AddMinutes(1))
        {
            var bz = (random.NextDouble() * 16) - 8;
            var gap = random.Next(10) == 0;
            sb.Append(CultureInfo.InvariantCulture, $"{t:yyyy-MM-dd HH:mm:ss},{5 + random.NextDouble():0.00},{random.NextDouble() - 0.5:0.00},{(random.NextDouble() * 10) - 5:0.00},{bz:0.00},");
            sb.Append(gap ? ",,,," : string.Create(CultureInfo.InvariantCulture, $"{300 + (random.NextDouble() * 400):0.0},{random.NextDouble() * 15:0.00},{50000 + (random.NextDouble() * 1e5):0.0},{random.NextDouble() * 5:0.00},"));
            sb.Append(CultureInfo.InvariantCulture, $"{random.Next(-60, 20)}\n");
        }

        File.WriteAllText(path, sb.ToString());
    }

    private static void WriteLabels(string path, int frames)
    {
        string[] sites = ["atha", "fsim", "fsmi", "gako", "gill", "inuv", "kapu", "kian", "pina", "rank", "snkq", "talo"];
        string[] labels = ["arc", "diffuse", "discrete", "cloudy", "moon", "clear"];
        var random = new Random(1_000_000);
        using var w = new StreamWriter(path);
        w.WriteLine("time,site,label,confidence");
        var t = new DateTime(2020, 1, 1, 4, 0, 0, DateTimeKind.Utc);
        for (var i = 0; i < frames; i++)
        {
            if (i % sites.Length == 0)
            {
                t = t.AddSeconds(3);
                if (t.Hour == 14)
                {
                    t = t.AddHours(14);
                }
            }

            w.Write(t.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            w.Write(',');
            w.Write(sites[i % sites.Length]);
            w.Write(',');
            w.Write(labels[random.Next(labels.Length)]);
            w.Write(',');
            w.WriteLine(random.NextDouble().ToString("0.000", CultureInfo.InvariantCulture));
        }
    }
}
