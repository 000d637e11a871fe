using System.CommandLine;
using System.Globalization;
using AuroraStream.Analysis;
using AuroraStream.Analysis.GeoEffect;
using AuroraStream.Analysis.Occurrence;
using AuroraStream.Analysis.Output;
using AuroraStream.Core;
using AuroraStream.Core.Sky;
using AuroraStream.Formats.Labels;
using AuroraStream.Formats.SpaceWeather;
using AuroraStream.Influx;
using Spectre.Console;

namespace AuroraStream.Cli.Commands;

/// <summary><c>aurorastream analyze occurrence|geoeffect ...</c>.</summary>
internal static class AnalyzeCommand
{
    /// <summary>The names of the occurrence parameters (bz, by, ..., month), whatever the data.</summary>
    private static readonly Lazy<string[]> OccurrenceParameters = new(() => [.. new SpaceWeatherConditions(new SeriesSet([]), null, null, null, TimeSpan.Zero).Parameters().Select(p => p.Name)]);

    public static Command Create(TextWriter output, TextWriter error)
    {
        var command = new Command("analyze", "Turn labels into science: occurrence vs solar wind, IMF, indices and MLT; geoeffectiveness with magnetometers.");
        command.Subcommands.Add(Occurrence(output, error));
        command.Subcommands.Add(GeoEffect(output, error));
        return command;
    }

    private static Command Occurrence(TextWriter output, TextWriter error)
    {
        var common = new CommonOptions();
        var omni = new Option<string[]>("--omni") { Description = "OMNI files or folders: 1-min CSV, OMNIWeb omni_min/omni_5min .asc, OMNI2 hourly .dat, OMNIWeb .lst (+ .fmt).", Required = true, AllowMultipleArgumentsPerToken = true };
        var kp = new Option<string?>("--kp") { Description = "Kp file: GFZ Kp_ap_Ap_SN_F107 (text or CSV) or CelesTrak SW-All.txt. Without it, OMNI's Kp column is used when present." };
        var indices = new Option<string[]>("--indices") { Description = "Kyoto WDC AE and/or ASY/SYM minute files (else AE and SYM-H come from OMNI).", AllowMultipleArgumentsPerToken = true };
        var lag = new Option<double>("--lag") { Description = "Extra lag in minutes added to OMNI's bow-shock time shift.", DefaultValueFactory = _ => 0 }.Finite();
        var minCount = new Option<int>("--min-count") { Description = "Bins with fewer valid frames get no rate.", DefaultValueFactory = _ => 100 }.AtLeast(1);
        var heatmap = new Option<string>("--heatmap-parameter") { Description = "The parameter of the MLT x parameter heat maps.", DefaultValueFactory = _ => "bz" }
            .Accepting(p => OccurrenceParameters.Value.Contains(p, StringComparer.Ordinal), $"one of {string.Join(", ", OccurrenceParameters.Value)}");
        var command = new Command("occurrence", "Occurrence rate of each label vs Bz, By, clock angle, Vsw, Np, Pdyn, Kp, AE, SYM-H, MLT, UT hour and month, with Wilson 95% intervals.")
        {
            omni, kp, indices, lag, minCount, heatmap,
        };
        common.AddTo(command);
        command.SetAction(async (result, cancellationToken) => await RunAsync(error, output, async () =>
        {
            var options = new OccurrenceOptions { MinCount = result.GetValue(minCount), HeatmapParameter = result.GetValue(heatmap)! };
            var omniData = Inputs.LoadOmni(result.GetValue(omni)!);
            var kpData = result.GetValue(kp) is { } kpPath ? KpReader.Read(kpPath) : null;
            var indexData = result.GetValue(indices) is { Length: > 0 } indexPaths ? KyotoWdcReader.Read(Inputs.Expand(indexPaths)) : null;
            var stations = common.Stations(result);
            var conditions = new SpaceWeatherConditions(omniData, kpData, indexData, stations, TimeSpan.FromMinutes(result.GetValue(lag)));
            var analyzer = new OccurrenceAnalyzer(conditions.Parameters(), options);
            var selection = common.Selection(result, stations);
            var coverage = new OmniCoverage(omniData);
            await ReadLabelsAsync(common.Source(result), common.Query(result), selection.Before(frame =>
            {
                coverage.Add(frame.Time);
                analyzer.Add(frame);
            }), error, cancellationToken).ConfigureAwait(false);
            CheckRead(selection, common.Source(result), error);
            var occurrence = analyzer.Result();
            var note = coverage.Note(result.GetValue(omni)!, occurrence.Coverage.FirstOrDefault(c => c.Parameter == "bz"));
            if (note is not null)
            {
                error.WriteLine($"note: {note}");
            }

            var provenance = common.Provenance(result, "analyze occurrence", [("OMNI", string.Join(" ", result.GetValue(omni)!)), ("Kp", result.GetValue(kp) ?? "OMNI column"), ("AE/SYM-H", result.GetValue(indices) is { Length: > 0 } i ? string.Join(" ", i) : "OMNI columns")], [Invariant($"Extra OMNI lag: {result.GetValue(lag)} min"), .. selection.Describe(), .. note is null ? Array.Empty<string>() : [$"Note: {note}"]]);
            var files = Reports.WriteOccurrence(common.Out(result), occurrence, provenance, selection);
            output.WriteLine(Invariant($"occurrence: {analyzer.Frames:N0} labelled frames; {Excluded(selection)}; wrote {files.Count} files to {common.Out(result)} (report: {files[^1]})"));
        }).ConfigureAwait(false));
        return command;
    }

    private static Command GeoEffect(TextWriter output, TextWriter error)
    {
        var common = new CommonOptions();
        var mag = new Option<string[]>("--mag") { Description = "Magnetometer files or folders: IAGA-2002 (.min, .sec) or THEMIS GMAG L2 CDF.", Required = true, AllowMultipleArgumentsPerToken = true };
        var command = new Command("geoeffect", "Per label, the distribution of |dB/dt| and of the horizontal perturbation from a quiet-time baseline at the co-located magnetometer.")
        {
            mag,
        };
        common.AddTo(command);
        command.SetAction(async (result, cancellationToken) => await RunAsync(error, output, async () =>
        {
            var magnetometers = Inputs.LoadMagnetometers(result.GetValue(mag)!);
            var analyzer = new GeoEffectAnalyzer(magnetometers);
            var selection = common.Selection(result, common.Stations(result));
            await ReadLabelsAsync(common.Source(result), common.Query(result), selection.Before(analyzer.Add), error, cancellationToken).ConfigureAwait(false);
            CheckRead(selection, common.Source(result), error);
            var provenance = common.Provenance(result, "analyze geoeffect", [("Magnetometers", string.Join(" ", result.GetValue(mag)!))], selection.Describe());
            var analysis = analyzer.Result();
            if (analysis.Joined == 0)
            {
                // Every distribution would be empty: say why rather than leave empty tables to be read as a result.
                error.WriteLine(Invariant($"warning: none of the {analysis.Frames:N0} labelled frames analysed was joined to a magnetometer: {analysis.NoMagnetometer:N0} at sites with no magnetometer of the same site code in {string.Join(" ", result.GetValue(mag)!)}, {analysis.NoData:N0} at times it has no value (gaps, outside its span)"));
            }
            var files = Reports.WriteGeoEffect(common.Out(result), analysis, provenance, selection);
            output.WriteLine(Invariant($"geoeffect: {analysis.Frames:N0} labelled frames, {analysis.Joined:N0} joined to a magnetometer; {Excluded(selection)}; wrote {files.Count} files to {common.Out(result)}"));
        }).ConfigureAwait(false));
        return command;
    }

    private static async Task ReadLabelsAsync(ILabelSource source, LabelQuery query, Action<LabelledFrame> add, TextWriter error, CancellationToken cancellationToken)
    {
        if (error != Console.Error || Console.IsErrorRedirected)
        {
            await foreach (var frame in source.ReadLabelsAsync(query, cancellationToken).ConfigureAwait(false))
            {
                add(frame);
            }

            return;
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        if (source is LabelCsvSource files)
        {
            // Label files: a bar over their bytes, advanced file by file.
            var list = files.Files().Select(f => (Path: f, Bytes: new FileInfo(f).Length)).ToList();
            await console.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .StartAsync(async context =>
                {
                    var task = context.AddTask("Reading labels", maxValue: Math.Max(1, list.Sum(f => f.Bytes)));
                    foreach (var (path, bytes) in list)
                    {
                        await foreach (var frame in new LabelCsvSource([path]).ReadLabelsAsync(query, cancellationToken).ConfigureAwait(false))
                        {
                            add(frame);
                        }

                        task.Increment(bytes);
                    }
                }).ConfigureAwait(false);
            return;
        }

        long count = 0;
        await console.Status().StartAsync("Reading labels...", async context =>
        {
            await foreach (var frame in source.ReadLabelsAsync(query, cancellationToken).ConfigureAwait(false))
            {
                add(frame);
                if (++count % 50_000 == 0)
                {
                    context.Status(Invariant($"Reading labels: {count:N0} frames"));
                }
            }
        }).ConfigureAwait(false);
    }

    private static async Task<int> RunAsync(TextWriter error, TextWriter output, Func<Task> run)
    {
        return await CommandRunner.RunAsync(error, async () =>
        {
            await run().ConfigureAwait(false);
            output.Flush();
            return AuroraStreamCli.Success;
        }).ConfigureAwait(false);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Refuses a run that read no labelled frame (an empty file or folder, a header alone, filters that
    /// leave nothing): an empty report would pass for a result. Then says on stderr when label rows
    /// repeated frames already read (each frame is counted once).
    /// </summary>
    private static void CheckRead(SkySelection selection, ILabelSource source, TextWriter error)
    {
        if (selection.Offered == 0)
        {
            throw new InvalidDataException($"no labelled frames read from {source.Description} (within --from, --to and --sites when given): nothing to analyse");
        }

        if (selection.Kept == 0)
        {
            throw new InvalidDataException(Invariant($"{selection.Offered:N0} labelled frames read from {source.Description}, none left to analyse: {Excluded(selection)}, {selection.Repeats:N0} repeats"));
        }

        if (selection.Repeats > 0 || selection.RepeatCheckStopped)
        {
            error.WriteLine($"{(selection.ConflictingRepeats > 0 ? "warning" : "note")}: {char.ToLowerInvariant(selection.RepeatNote[0])}{selection.RepeatNote[1..]}");
        }
    }

    private static string Excluded(SkySelection selection) => (selection.IncludeNonDark
        ? Invariant($"excluded {selection.ExcludedUncertain:N0} uncertain")
        : Invariant($"excluded {selection.ExcludedSky:N0} not under a dark sky ({selection.ExcludedTwilight:N0} twilight, {selection.ExcludedDaylight:N0} daylight, {selection.ExcludedUnknown:N0} unknown) and {selection.ExcludedUncertain:N0} uncertain")) + selection.ConfidenceNote;

    /// <summary>
    /// How many of the frames analysed fall within the time span of the OMNI data (from the start of
    /// its first sample to the end of its last, any parameter): when none or almost none do (under
    /// <see cref="AlmostNone"/>), every frame outside counts as missing its solar-wind inputs, and the
    /// note says why by naming both spans.
    /// </summary>
    private sealed class OmniCoverage(SeriesSet omni)
    {
        /// <summary>The share of frames within the OMNI span below which the note is written.</summary>
        public const double AlmostNone = 0.05;

        private readonly (DateTime Start, DateTime End)? _span = Span(omni);
        private long _frames;
        private long _inside;
        private DateTime _first = DateTime.MaxValue;
        private DateTime _last = DateTime.MinValue;

        public void Add(DateTime time)
        {
            _frames++;
            _first = time < _first ? time : _first;
            _last = time > _last ? time : _last;
            if (_span is { } span && time >= span.Start && time < span.End)
            {
                _inside++;
            }
        }

        /// <summary>
        /// The note, or null when enough frames fall within the OMNI span and have a Bz value (or there are no
        /// frames). <paramref name="bz"/>, the analysis' coverage of Bz, finds frames inside the span that fall
        /// in a gap of the OMNI data (yearly files with years missing between them, data gaps).
        /// </summary>
        public string? Note(IEnumerable<string> paths, ParameterCoverage? bz)
        {
            if (_frames == 0)
            {
                return null;
            }

            if (_inside >= AlmostNone * _frames)
            {
                var withBz = bz?.Used ?? _frames;
                return withBz >= AlmostNone * _frames
                    ? null
                    : Invariant($"{_frames - withBz:N0} of the {_frames:N0} labelled frames analysed ({100.0 * (_frames - withBz) / _frames:0.0}%) have no OMNI Bz, though {_inside:N0} fall within the time span of the OMNI data ({Text(_span!.Value.Start)} to {Text(_span.Value.End)}): they fall in its gaps (missing files or fill values), so they count as missing their solar-wind and IMF inputs; OMNI: {string.Join(", ", paths)}");
            }

            var share = _inside == 0
                ? Invariant($"none of the {_frames:N0} labelled frames analysed fall within the time span of the OMNI data, so all of them")
                : Invariant($"only {_inside:N0} of the {_frames:N0} labelled frames analysed ({100.0 * _inside / _frames:0.0}%) fall within the time span of the OMNI data, so the other {_frames - _inside:N0}");
            var omniSpan = _span is { } s ? $"{Text(s.Start)} to {Text(s.End)}" : "no samples";
            return $"{share} count as missing their solar-wind and IMF inputs: labels {Text(_first)} to {Text(_last)}; OMNI ({string.Join(", ", paths)}) {omniSpan}";
        }

        private static (DateTime Start, DateTime End)? Span(SeriesSet omni)
        {
            var series = omni.Names.Select(n => omni[n]!).Where(s => s.Count > 0).ToList();
            return series.Count == 0 ? null : (series.Min(s => s.Start), series.Max(s => s.End));
        }

        private static string Text(DateTime utc) => utc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
    }

    /// <summary>Options both analyses take.</summary>
    private sealed class CommonOptions
    {
        private readonly Option<string[]> _labels = new("--labels") { Description = "Label CSV files or folders (time, label, site or YYYYMMDD_site_ file names). Or read them from InfluxDB with --influx-url.", AllowMultipleArgumentsPerToken = true };
        private readonly Option<string?> _influxUrl = new Option<string?>("--influx-url") { Description = "Read labels from the stream's aurora_frame measurement in InfluxDB (v1 API; 2.x/3.x through their v1-compatible endpoint)." }.HttpUrl();
        private readonly Option<string> _influxDb = new("--influx-db") { Description = "InfluxDB database (or bucket mapped to it).", DefaultValueFactory = _ => "aurorastream" };
        private readonly Option<string?> _influxUser = new("--influx-user") { Description = "InfluxDB 1.x user; the password comes from AURORASTREAM_INFLUX_PASSWORD." };
        private readonly Option<string?> _influxModel = new("--influx-model") { Description = "Only labels of this model (the aurora_frame model tag)." };
        private readonly Option<string[]> _stations = new("--stations") { Description = "Station tables with CGM coordinates (gmag_station_cgm_*.txt) and/or ASI locations.", AllowMultipleArgumentsPerToken = true };
        private readonly Option<string> _out = new("--out") { Description = "Output folder (created).", Required = true };
        private readonly Option<DateTime?> _from = UtcTimeOption.Create("--from", "Only frames at or after this UTC time (e.g. 2020-01-01).");
        private readonly Option<DateTime?> _to = UtcTimeOption.Create("--to", "Only frames before this UTC time.");
        private readonly Option<string?> _sites = new("--sites") { Description = "Only these sites, comma-separated (e.g. gill,rank)." };
        private readonly Option<double?> _minConfidence = new Option<double?>("--min-confidence") { Description = "Keep only labels whose confidence (the calibrated probability the stream writes with each label) is at least P, in (0, 1]; rows without a confidence are left out too. The report counts what it leaves out." }
            .Accepting(v => v is null || (v > 0 && v <= 1), "a probability above 0 and at most 1");

        private readonly Option<bool> _includeTwilight = new("--include-twilight") { Description = "Keep frames not under a dark sky (twilight, daylight, unknown site); by default only frames with the sun below -12 deg (apparent elevation, refracted as the sky tag is) are analysed." };

        public void AddTo(Command command)
        {
            command.Options.Add(_labels);
            command.Options.Add(_influxUrl);
            command.Options.Add(_influxDb);
            command.Options.Add(_influxUser);
            command.Options.Add(_influxModel);
            command.Options.Add(_stations);
            command.Options.Add(_out);
            command.Options.Add(_from);
            command.Options.Add(_to);
            UtcTimeOption.RequireWindow(command, _from, _to);
            command.Options.Add(_sites);
            command.Options.Add(_includeTwilight);
            command.Options.Add(_minConfidence);
        }

        public ILabelSource Source(ParseResult result)
        {
            var paths = result.GetValue(_labels) ?? [];
            if (result.GetValue(_influxUrl) is { } text)
            {
                if (!Uri.TryCreate(text, UriKind.Absolute, out var url))
                {
                    throw new UsageException($"--influx-url '{text}': expected an absolute URL, such as http://127.0.0.1:8086/");
                }

                if (paths.Length > 0)
                {
                    throw new UsageException("give either --labels or --influx-url, not both");
                }

                // Secrets come from the environment so they never appear in a process list or a report.
                var options = new InfluxConnectionOptions
                {
                    Url = url,
                    Database = result.GetValue(_influxDb)!,
                    User = result.GetValue(_influxUser),
                    Password = result.GetValue(_influxUser) is null ? null : Environment.GetEnvironmentVariable("AURORASTREAM_INFLUX_PASSWORD") ?? string.Empty,
                    Token = Environment.GetEnvironmentVariable("AURORASTREAM_INFLUX_TOKEN") is { Length: > 0 } token && result.GetValue(_influxUser) is null ? token : null,
                };
                return new InfluxLabelSource(new InfluxQueryClient(options), options, result.GetValue(_influxModel));
            }

            if (paths.Length == 0)
            {
                throw new UsageException("give the labels: --labels FILES/FOLDERS or --influx-url URL");
            }

            foreach (var path in paths)
            {
                if (!File.Exists(path) && !Directory.Exists(path))
                {
                    throw new FileNotFoundException($"{path}: no such file or directory", path);
                }
            }

            return new LabelCsvSource(paths);
        }

        public StationCatalog? Stations(ParseResult result) =>
            result.GetValue(_stations) is { Length: > 0 } paths ? StationCatalog.Read([.. Inputs.Expand(paths)]) : null;

        /// <summary>Dark-sky, uncertainty and confidence selection; sites' coordinates from --stations first, then the built-in ASI locations.</summary>
        public SkySelection Selection(ParseResult result, StationCatalog? stations) =>
            new(new SiteSky(stations is null ? StationCatalog.AsiLocations : stations.Then(StationCatalog.AsiLocations)), result.GetValue(_includeTwilight), result.GetValue(_minConfidence));

        public string Out(ParseResult result) => result.GetValue(_out)!;

        public LabelQuery Query(ParseResult result)
        {
            var sites = result.GetValue(_sites)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s => s.ToLowerInvariant()).ToHashSet();
            return new LabelQuery(Utc(result.GetValue(_from)), Utc(result.GetValue(_to)), sites);
        }

        public AnalysisProvenance Provenance(ParseResult result, string command, IEnumerable<(string, string)> inputs, IEnumerable<string> filters)
        {
            var query = Query(result);
            var all = new List<(string, string)> { ("Labels", result.GetValue(_influxUrl) is { } url ? $"InfluxDB {url} db={result.GetValue(_influxDb)} measurement aurora_frame" : string.Join(" ", result.GetValue(_labels) ?? [])) };
            all.AddRange(inputs);
            if (result.GetValue(_stations) is { Length: > 0 } s)
            {
                all.Add(("Stations", string.Join(" ", s)));
            }

            var window = new List<string>
            {
                Invariant($"Time window: {query.From?.ToString("u", CultureInfo.InvariantCulture) ?? "start"} to {query.To?.ToString("u", CultureInfo.InvariantCulture) ?? "end"}"),
                $"Sites: {(query.Sites is { Count: > 0 } sites ? string.Join(", ", sites.Order(StringComparer.Ordinal)) : "all")}",
            };
            window.AddRange(filters);
            return new AnalysisProvenance($"aurorastream {command}", all, window);
        }

        private static DateTime? Utc(DateTime? t) => t is { } v ? DateTime.SpecifyKind(v, DateTimeKind.Utc) : null;
    }
}
