using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using AuroraStream.Core;
using AuroraStream.Core.Sky;
using AuroraStream.Core.Stream;
using AuroraStream.Formats.Detection;
using AuroraStream.Formats.SpaceWeather;
using AuroraStream.Inference;
using AuroraStream.Influx;
using AuroraStream.Kafka;
using AuroraStream.Pipeline;
using Spectre.Console;
using static System.FormattableString;

namespace AuroraStream.Cli.Commands;

/// <summary><c>aurorastream publish</c>, <c>run</c> and <c>demo</c>.</summary>
internal static class StreamCommands
{
    public static Command Publish(TextWriter output, TextWriter error)
    {
        var paths = new Argument<string[]>("paths") { Description = "stream0 PGM / L1 CDF files or folders (archive replay).", Arity = ArgumentArity.ZeroOrMore };
        var speed = new Option<string>("--speed") { Description = "Replay pace: N x real time, or max.", DefaultValueFactory = _ => "max" }.Accepting(s => TryParseSpeed(s, out _), "a positive number (x real time) or max");
        var from = UtcTimeOption.Create("--from", "First capture time (UTC) to publish.");
        var to = UtcTimeOption.Create("--to", "Publish capture times before this (UTC).");
        var site = new Option<string[]>("--site") { Description = "Publish only these sites.", AllowMultipleArgumentsPerToken = true };
        var watch = new Option<string?>("--watch") { Description = "Live: publish new files appearing under this folder (UCalgary tree YYYY/MM/DD/site_imager/utHH/) once complete." };
        var state = new Option<string?>("--state") { Description = "With --watch: file recording what was published (default: .aurorastream-published in the watched folder); STATE.alive beside it holds the time of the last completed scan, for health checks." };
        var config = StreamSettings.ConfigOption();
        var sets = StreamSettings.SetOption();
        var bootstrap = StreamSettings.BootstrapOption();
        var topic = StreamSettings.TopicOption();
        var command = new Command("publish", "Publish THEMIS ASI frames to Kafka: archive replay merged in capture-time order, or live from a watched folder.")
        {
            paths, speed, from, to, site, watch, state, config, sets, bootstrap, topic,
        };
        UtcTimeOption.RequireWindow(command, from, to);
        command.SetAction(async (result, cancellationToken) => await CommandRunner.RunAsync(error, async () =>
        {
            var settings = Settings(result, config, sets, bootstrap, topic, null, null, null);
            TryParseSpeed(result.GetValue(speed)!, out var pace);
            var filter = new ReplayFilter(Utc(result.GetValue(from)), Utc(result.GetValue(to)), (result.GetValue(site) ?? []).Select(s => s.ToLowerInvariant()).ToHashSet());
            KafkaConnectivity.CheckReachable(settings.Kafka);
            await using var publisher = new FramePublisher(settings.Kafka, KafkaLine(error));
            var failures = new List<string>();
            var coordinates = new UnusableCoordinates(error);
            if (result.GetValue(watch) is { } folder)
            {
                using var stop = StopOnSignals(cancellationToken);
                var watcher = new FolderWatcher(folder, result.GetValue(state) ?? Path.Combine(folder, ".aurorastream-published"), TimeProvider.System);
                await watcher.RunAsync(
                    path =>
                    {
                        var count = PublishFrames(publisher, ArchiveReplay.ReadMerged([path], filter, (p, e) => failures.Add(e.Message)).Select(coordinates.Check), null, failures, stop.Token);
                        publisher.FlushAsync(stop.Token).GetAwaiter().GetResult();
                        output.WriteLine(Invariant($"publish: {path}: {count} frames"));
                    },
                    stop.Token).ConfigureAwait(false);
                return AuroraStreamCli.Success;
            }

            var inputs = result.GetValue(paths) ?? [];
            if (inputs.Length == 0)
            {
                throw new UsageException("give files or folders to replay, or --watch DIR");
            }

            var watchTime = Stopwatch.StartNew();
            var published = 0;
            await RunProgress.RunAsync(error, "publish", 0, report =>
            {
                published = PublishFrames(publisher, ArchiveReplay.ReadMerged(inputs, filter, (p, e) => failures.Add(e.Message)).Select(coordinates.Check), pace, failures, cancellationToken, n => report(n, Invariant($"frames queued, {publisher.Delivered} delivered ({publisher.Delivered / Math.Max(0.001, watchTime.Elapsed.TotalSeconds):0} frames/s)")));
                return Task.CompletedTask;
            }).ConfigureAwait(false);
            await publisher.FlushAsync(cancellationToken).ConfigureAwait(false);
            CommandRunner.ReportFailures(error, failures);
            output.WriteLine(Invariant($"publish: {published} frames delivered to {settings.Kafka.FramesTopic} in {watchTime.Elapsed.TotalSeconds:0.0} s ({published / Math.Max(0.001, watchTime.Elapsed.TotalSeconds):0} frames/s); {failures.Count} input problem(s)"));
            return failures.Count == 0 ? AuroraStreamCli.Success : AuroraStreamCli.InputFailed;
        }).ConfigureAwait(false));
        return command;
    }

    public static Command Run(TextWriter output, TextWriter error)
    {
        var config = StreamSettings.ConfigOption();
        var sets = StreamSettings.SetOption();
        var bootstrap = StreamSettings.BootstrapOption();
        var topic = StreamSettings.TopicOption();
        var influxUrl = new Option<string?>("--influx-url") { Description = "InfluxDB URL (Influx:Url); without it frames go to the file store (Output:Folder)." }.HttpUrl();
        var influxDb = new Option<string?>("--influx-db") { Description = "InfluxDB database (Influx:Database)." };
        var model = new Option<string?>("--model") { Description = $"ONNX model (Model:Path; default onnx-models/{DefaultModel.FileName})." };
        var device = new Option<string?>("--device") { Description = "cpu or cuda (Model:Device)." }.OneOf("cpu", "cuda");
        var idle = new Option<double?>("--exit-when-idle") { Description = "Exit after this many seconds caught up: partitions assigned and read to the end, nothing consumed, nothing in flight (replays, tests)." }.AtLeast(0);
        var command = new Command("run", "Run the stream: consume frames, classify them with the ONNX model, write labels and events to InfluxDB (or the file store), commit offsets after writes. Ctrl-C / SIGTERM drains and exits.")
        {
            config, sets, bootstrap, topic, influxUrl, influxDb, model, device, idle,
        };
        command.SetAction(async (result, cancellationToken) => await CommandRunner.RunAsync(error, async () =>
        {
            var settings = Settings(result, config, sets, bootstrap, topic, influxUrl, influxDb, model, device);
            using var stop = StopOnSignals(cancellationToken);
            var metrics = await RunPipelineAsync(settings, output, error, result.GetValue(idle) is { } s ? TimeSpan.FromSeconds(s) : null, null, stop.Token).ConfigureAwait(false);
            output.WriteLine(Invariant($"run: {metrics.Consumed} consumed, {metrics.Written} written, {metrics.DeadLettered} dead-lettered"));
            return AuroraStreamCli.Success;
        }).ConfigureAwait(false));
        return command;
    }

    public static Command Demo(TextWriter output, TextWriter error)
    {
        var input = new Option<string?>("--input") { Description = "Folder or file to replay (default: the bundled sample archive, samples/ here or beside the installed program)." };
        var influxUrl = new Option<string?>("--influx-url") { Description = "Write to this InfluxDB instead of the file store." }.HttpUrl();
        var influxDb = new Option<string?>("--influx-db") { Description = "InfluxDB database." };
        var outDir = new Option<string>("--out") { Description = "File store folder.", DefaultValueFactory = _ => "out" };
        var model = new Option<string?>("--model") { Description = "ONNX model (default: the shipped one)." };
        var command = new Command("demo", "Everything in one process: an embedded Kafka-protocol broker, the input published to it, the stream run with the default model into the file store (or InfluxDB), and a per-site summary.")
        {
            input, influxUrl, influxDb, outDir, model,
        };
        command.SetAction(async (result, cancellationToken) => await CommandRunner.RunAsync(error, async () =>
        {
            // A missing input fails before a broker and a stream are started for nothing.
            var inputPath = result.GetValue(input) ?? DefaultModel.Samples()
                ?? throw new FileNotFoundException($"no sample archive: samples/ is neither under {Environment.CurrentDirectory} nor beside {AppContext.BaseDirectory}; pass --input FOLDER", "samples");
            if (!File.Exists(inputPath) && !Directory.Exists(inputPath))
            {
                throw new FileNotFoundException($"{inputPath}: no such file or directory", inputPath);
            }

            using var cluster = EmbeddedKafkaCluster.Start(log: KafkaLine(error));
            var overrides = new Dictionary<string, string?>
            {
                ["Kafka:BootstrapServers"] = cluster.BootstrapServers,
                ["Output:Folder"] = result.GetValue(outDir),
                ["Influx:Url"] = result.GetValue(influxUrl),
                ["Influx:Database"] = result.GetValue(influxDb),
                ["Model:Path"] = result.GetValue(model),
                ["Output:SummaryInterval"] = "00:01:00",
            };
            var settings = StreamSettings.Load(null, overrides);
            output.WriteLine($"demo: embedded Kafka-protocol broker at {cluster.BootstrapServers}");
            var failures = new List<string>();

            // The embedded broker keeps only the newest few MB of each partition, so the demo publishes
            // alongside the stream and pauses while 24 frames (about 3 MB) are outstanding.
            var metrics = await RunPipelineAsync(settings, output, error, TimeSpan.FromSeconds(60), feed: async (m, token) =>
            {
                await using var publisher = new FramePublisher(settings.Kafka, KafkaLine(error));
                var queued = 0;
                var coordinates = new UnusableCoordinates(error);
                foreach (var frame in ArchiveReplay.ReadMerged([inputPath], new ReplayFilter(), (p, e) => failures.Add(e.Message)).Select(coordinates.Check))
                {
                    while (queued - m.Written - m.DeadLettered >= 24)
                    {
                        await Task.Delay(20, token).ConfigureAwait(false);
                    }

                    if (!TryPublish(publisher, frame, failures))
                    {
                        continue;
                    }

                    if (++queued % 8 == 0)
                    {
                        await publisher.FlushAsync(token).ConfigureAwait(false);
                    }
                }

                await publisher.FlushAsync(token).ConfigureAwait(false);
                output.WriteLine(Invariant($"demo: published {publisher.Delivered} frames from {inputPath}"));
                return publisher.Delivered;
            }, stop: cancellationToken, onDeadLetter: letter => error.WriteLine($"error: dead-lettered ({letter.Stage}): {letter.Reason}")).ConfigureAwait(false);
            CommandRunner.ReportFailures(error, failures);
            WriteSummary(output, metrics, settings);

            // A dead-lettered frame is an input that failed, as a file that cannot be read is: exit 2.
            return metrics.Consumed == metrics.Written && metrics.DeadLettered == 0 && failures.Count == 0 ? AuroraStreamCli.Success : AuroraStreamCli.InputFailed;
        }).ConfigureAwait(false));
        return command;
    }

    /// <summary>Composes the stream from settings and runs it until stopped, idle, or, with <paramref name="feed"/>, until every message it reports published is done.</summary>
    internal static async Task<PipelineMetrics> RunPipelineAsync(StreamSettings settings, TextWriter output, TextWriter error, TimeSpan? exitWhenIdle, Func<PipelineMetrics, CancellationToken, Task<long>>? feed, CancellationToken stop, Action<DeadLetter>? onDeadLetter = null)
    {
        using var classifier = new OnnxAuroraClassifier(new OnnxClassifierOptions
        {
            ModelPath = settings.Model.Path ?? DefaultModel.Resolve(),
            Device = settings.Model.Device,
            IntraOpThreads = settings.Model.IntraOpThreads,
        });
        if (classifier.DeviceNote is { } note)
        {
            error.WriteLine($"note: {note}");
        }

        IPredictionSink sink = settings.Influx is { } influx
            ? new InfluxPredictionSink(influx, new InfluxRetryOptions { OnRetry = (n, why) => error.WriteLine($"influx: retry {n}: {why}") })
            : new FilePredictionSink(settings.Output.Folder);
        await using var sinkLifetime = sink.ConfigureAwait(false);
        await CheckReachableAsync(settings, stop).ConfigureAwait(false);
        await using var kafkaDeadLetters = new KafkaDeadLetterSink(settings.Kafka, KafkaLine(error));
        IDeadLetterSink deadLetters = onDeadLetter is null ? kafkaDeadLetters : new ReportingDeadLetterSink(kafkaDeadLetters, onDeadLetter);
        await using var source = new KafkaMessageSource(settings.Kafka, KafkaLine(error));
        using var metrics = new PipelineMetrics(source.Lag);
        using var server = settings.Output.MetricsPort > 0 ? new Prometheus.MetricServer(settings.Output.MetricsHost, settings.Output.MetricsPort).Start() : null;
        var sky = new SiteSky(StationCatalog.AsiLocations, site => error.WriteLine($"warning: site '{site}' is not in the site catalog and its frames carry no usable coordinates: its frames are written with sky=unknown and raise no onset"), (_, message) => error.WriteLine($"warning: {message}"));
        var pipeline = new StreamPipeline(source, new FrameMessageCodec(), classifier, sink, deadLetters, settings.Pipeline, metrics, sky: sky);
        await using var exporter = settings.Influx is { } metricsTarget && settings.Output.InfluxMetricsInterval > TimeSpan.Zero
            ? new InfluxMetricsExporter(
                metricsTarget,
                new InfluxMetricsExporterOptions
                {
                    Interval = settings.Output.InfluxMetricsInterval,
                    Meters = [PipelineMetrics.MeterName],
                    Tags = new Dictionary<string, string> { ["instance"] = settings.Output.Instance, ["model"] = classifier.Card.Name },
                },
                onError: line => error.WriteLine($"influx: {line}"))
            : null;
        error.WriteLine($"run: {settings.Kafka} -> {sink.Description}; model {classifier.Card.Name} ({classifier.Device})");
        using var done = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var run = pipeline.RunAsync(done.Token);
        var feeding = feed?.Invoke(metrics, stop);
        long? expected = null;
        var lastConsumed = -1L;
        var idleSince = Stopwatch.StartNew();
        var summary = Stopwatch.StartNew();
        while (!run.IsCompleted)
        {
            await Task.WhenAny(run, Task.Delay(200, CancellationToken.None)).ConfigureAwait(false);
            if (feeding is { IsCompleted: true } && expected is null)
            {
                expected = await feeding.ConfigureAwait(false);
            }

            // Not idle while partitions are unassigned (a restart waits out the old member's session).
            if (metrics.Consumed != lastConsumed || pipeline.InFlight > 0 || source.Lag() is null or > 0)
            {
                lastConsumed = metrics.Consumed;
                idleSince.Restart();
            }

            if ((expected is { } n && metrics.Written + metrics.DeadLettered >= n && pipeline.InFlight == 0)
                || (feeding is { IsFaulted: true })
                || (exitWhenIdle is { } limit && idleSince.Elapsed >= limit && pipeline.InFlight == 0))
            {
                await done.CancelAsync().ConfigureAwait(false);
            }

            if (summary.Elapsed >= settings.Output.SummaryInterval)
            {
                summary.Restart();
                error.WriteLine(Invariant($"stream: {metrics.Consumed} consumed, {metrics.Classified} classified, {metrics.Written} written, {metrics.DeadLettered} dead-lettered, {pipeline.InFlight} in flight, lag {source.Lag()?.ToString(CultureInfo.InvariantCulture) ?? "?"}"));
            }
        }

        await run.ConfigureAwait(false);
        if (feeding is not null)
        {
            await feeding.ConfigureAwait(false);
        }

        return metrics;
    }

    private static async Task CheckReachableAsync(StreamSettings settings, CancellationToken cancellationToken)
    {
        // Bad configuration fails fast with a clear message instead of retrying for ever.
        KafkaConnectivity.CheckReachable(settings.Kafka);
        if (settings.Influx is { } influx)
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            try
            {
                using var response = await http.GetAsync(new Uri(influx.Url!, "ping"), cancellationToken).ConfigureAwait(false);
                if ((int)response.StatusCode >= 400)
                {
                    throw new IOException($"InfluxDB {influx.Url}: /ping answered HTTP {(int)response.StatusCode}");
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                throw new IOException($"InfluxDB {influx.Url}: not reachable ({e.Message})", e);
            }

            // InfluxDB 1.x answers writes to a missing database with 404, which would dead-letter every frame.
            if (influx.WriteApi == InfluxWriteApi.V1)
            {
                using var query = new InfluxQueryClient(influx);
                var found = false;
                try
                {
                    await foreach (var series in query.QueryAsync("SHOW DATABASES", cancellationToken).ConfigureAwait(false))
                    {
                        found |= series.Values.Any(v => v.Length > 0 && v[0].GetString() == influx.Database);
                    }
                }
                catch (InfluxException e)
                {
                    throw new IOException($"InfluxDB {influx.Url}: {e.Message}", e);
                }

                if (!found)
                {
                    throw new IOException($"InfluxDB {influx.Url}: database '{influx.Database}' does not exist (create it, e.g. CREATE DATABASE {influx.Database}, or set Influx:Database)");
                }
            }
        }
    }

    /// <summary>librdkafka's lines, summarised by <see cref="KafkaLog"/>, on stderr.</summary>
    private static Action<string> KafkaLine(TextWriter error) => line => error.WriteLine($"kafka: {line}");

    private static void WriteSummary(TextWriter output, PipelineMetrics metrics, StreamSettings settings)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.No });
        console.Profile.Width = 140;
        var table = new Table().AddColumns("site", "frames", "labels", "events", "dead letters");
        foreach (var (site, tally) in metrics.Sites.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            var labels = string.Join(", ", tally.Labels.Where(l => l.Value > 0).Select(l => $"{l.Key} {l.Value}"));
            table.AddRow(site, tally.Frames.ToString(CultureInfo.InvariantCulture), labels, tally.Events.ToString(CultureInfo.InvariantCulture), tally.DeadLetters.ToString(CultureInfo.InvariantCulture));
        }

        // Messages refused before a site could be trusted (undecodable, or a site code line
        // protocol cannot carry) belong to no row; they get one of their own so the column adds up.
        var unattributed = metrics.DeadLettered - metrics.Sites.Values.Sum(t => (long)t.DeadLetters);
        if (unattributed > 0)
        {
            table.AddRow("(no valid site)", "0", string.Empty, "0", unattributed.ToString(CultureInfo.InvariantCulture));
        }

        console.Write(table);
        output.WriteLine(Invariant($"demo: {metrics.Written} frames written to {(settings.Influx is null ? Path.GetFullPath(settings.Output.Folder) : settings.Influx.ToString())}, {metrics.DeadLettered} dead-lettered"));
    }

    /// <summary>Publishes a frame, or counts it among <paramref name="failures"/> when the frame message cannot carry it.</summary>
    private static bool TryPublish(FramePublisher publisher, AllSkyFrame frame, List<string> failures)
    {
        try
        {
            publisher.Publish(frame);
            return true;
        }
        catch (FrameNotPublishableException e)
        {
            failures.Add(e.Message);
            return false;
        }
    }

    /// <summary>
    /// Warns once per site, where frames are read for publishing, when a frame's header had
    /// coordinates that cannot be used (<see cref="AllSkyFrame.LocationProblem"/>): the frame message
    /// carries only usable ones, so the stream's sky step never sees the problem.
    /// </summary>
    internal sealed class UnusableCoordinates(TextWriter error)
    {
        private readonly HashSet<string> _warned = new(StringComparer.Ordinal);

        /// <summary>Passes the frame through, warning first when it is the site's first with a problem.</summary>
        public AllSkyFrame Check(AllSkyFrame frame)
        {
            if (frame.LocationProblem is { } problem && _warned.Add(frame.Site))
            {
                error.WriteLine($"warning: {frame.Origin.Source} frame {frame.Origin.Index}: {problem}; the frame is published without coordinates, and the stream takes site '{frame.Site}''s from the site catalog");
            }

            return frame;
        }
    }

    internal static int PublishFrames(FramePublisher publisher, IEnumerable<AllSkyFrame> frames, double? speed, List<string> failures, CancellationToken cancellationToken, Action<int>? progress = null)
    {
        var count = 0;
        DateTime? firstCapture = null;
        var clock = Stopwatch.StartNew();
        foreach (var frame in frames)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (speed is { } s)
            {
                firstCapture ??= frame.CaptureTime;
                var due = (frame.CaptureTime - firstCapture.Value) / s;
                var wait = due - clock.Elapsed;
                if (wait > TimeSpan.Zero)
                {
                    cancellationToken.WaitHandle.WaitOne(wait);
                }
            }

            if (!TryPublish(publisher, frame, failures))
            {
                continue;
            }

            if (++count % 100 == 0)
            {
                progress?.Invoke(count);
            }
        }

        progress?.Invoke(count);
        return count;
    }

    private static StreamSettings Settings(ParseResult result, Option<string?> config, Option<string[]> sets, Option<string?> bootstrap, Option<string?> topic, Option<string?>? influxUrl, Option<string?>? influxDb, Option<string?>? model, Option<string?>? device = null)
    {
        var overrides = StreamSettings.ParseSets(result.GetValue(sets) ?? []).ToList();
        void Add(string key, Option<string?>? option)
        {
            if (option is not null && result.GetValue(option) is { } value)
            {
                overrides.Add(new(key, value));
            }
        }

        Add("Kafka:BootstrapServers", bootstrap);
        Add("Kafka:FramesTopic", topic);
        Add("Influx:Url", influxUrl);
        Add("Influx:Database", influxDb);
        Add("Model:Path", model);
        Add("Model:Device", device);
        return StreamSettings.Load(result.GetValue(config), overrides);
    }

    private static bool TryParseSpeed(string speed, out double? pace)
    {
        pace = null;
        if (speed.Equals("max", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (double.TryParse(speed, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s > 0 && double.IsFinite(s))
        {
            pace = s;
            return true;
        }

        return false;
    }

    private static DateTime? Utc(DateTime? time) => time is { } t ? DateTime.SpecifyKind(t.Kind == DateTimeKind.Local ? t.ToUniversalTime() : t, DateTimeKind.Utc) : null;

    private static SignalStop StopOnSignals(CancellationToken cancellationToken) => new(cancellationToken);

    /// <summary>Passes dead letters on and tells <c>onDeadLetter</c> of each once the destination has it (demo prints them).</summary>
    private sealed class ReportingDeadLetterSink(IDeadLetterSink inner, Action<DeadLetter> onDeadLetter) : IDeadLetterSink
    {
        public async Task SendAsync(IReadOnlyList<DeadLetter> letters, CancellationToken cancellationToken = default)
        {
            await inner.SendAsync(letters, cancellationToken).ConfigureAwait(false);
            foreach (var letter in letters)
            {
                onDeadLetter(letter);
            }
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    /// <summary>A stop token cancelled by the caller's token or SIGTERM (Ctrl-C arrives through the caller's token); keeps the signal registration alive.</summary>
    private sealed class SignalStop : IDisposable
    {
        private readonly CancellationTokenSource _source;
        private readonly PosixSignalRegistration _registration;

        public SignalStop(CancellationToken cancellationToken)
        {
            _source = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            _registration = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
            {
                context.Cancel = true;
                _source.Cancel();
            });
        }

        public CancellationToken Token => _source.Token;

        public void Dispose()
        {
            _registration.Dispose();
            _source.Dispose();
        }
    }
}
