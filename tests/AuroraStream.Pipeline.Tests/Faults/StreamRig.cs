using System.Globalization;
using System.Net;
using System.Text;
using AuroraStream.Core;
using AuroraStream.Core.Stream;
using AuroraStream.Inference;
using AuroraStream.Influx;
using AuroraStream.Kafka;
using AuroraStream.Synthetic;
using AuroraStream.TestUtilities;
using Confluent.Kafka;

namespace AuroraStream.Pipeline.Tests.Faults;

/// <summary>
/// The stream with its real parts: the Kafka-protocol mock cluster over TCP, a real influxd,
/// the shipped ONNX model, the frame codec and the Dataflow graph, composed as <c>aurorastream
/// run</c> composes them. Topics, group and database are unique per rig.
/// </summary>
internal sealed class StreamRig : IDisposable
{
    private static readonly string[] SiteCodes = ["gill", "fsmi", "atha", "rank", "fsim", "snkq", "kuuj", "gako"];
    private readonly EmbeddedKafkaCluster _cluster = EmbeddedKafkaCluster.Start();

    public StreamRig(InfluxServer influx)
    {
        Influx = influx;
        var id = Guid.NewGuid().ToString("N")[..8];
        Database = $"db{id}";
        Influx.Execute($"CREATE DATABASE {Database}");
        Kafka = new KafkaOptions { BootstrapServers = _cluster.BootstrapServers, FramesTopic = $"frames-{id}", DeadLetterTopic = $"dead-{id}", GroupId = $"group-{id}", MaxMessageBytes = 8_000_000 };
    }

    public InfluxServer Influx { get; }

    public string Database { get; }

    public KafkaOptions Kafka { get; }

    public InfluxConnectionOptions InfluxOptions(Uri? url = null) => new() { Url = url ?? Influx.Url, Database = Database, Timeout = TimeSpan.FromSeconds(5) };

    /// <summary>Synthetic 256x256 THEMIS-like frames over several sites, 3 s apart per site.</summary>
    public static List<AllSkyFrame> Frames(int count, int sites = 8, int seed = 1, int start = 0)
    {
        var skies = SiteCodes.Take(sites).Select(s => new SyntheticSky(new SyntheticSkyOptions { Seed = seed, Site = s, Imager = "themis99" })).ToArray();
        return [.. Enumerable.Range(start, count).Select(i => skies[i % sites].Draw(i / sites).Frame)];
    }

    public static HashSet<(string Site, long Time)> Keys(IEnumerable<AllSkyFrame> frames) => [.. frames.Select(f => (f.Site, f.CaptureTimeUnixNanoseconds))];

    public async Task PublishAsync(IEnumerable<AllSkyFrame> frames)
    {
        await using var publisher = new FramePublisher(Kafka);
        foreach (var frame in frames)
        {
            publisher.Publish(frame);
        }

        await publisher.FlushAsync();
    }

    public async Task PublishRawAsync(string key, byte[] value)
    {
        await using var publisher = new FramePublisher(Kafka);
        publisher.Publish(key, value, $"raw {key}");
        await publisher.FlushAsync();
    }

    /// <summary>Starts the pipeline (real consumer, dead-letter producer, InfluxDB sink, ONNX model).</summary>
    public RunningStream Start(PipelineOptions? options = null, Uri? influxUrl = null) => new(this, options ?? new PipelineOptions(), influxUrl);

    /// <summary>Every aurora_frame point as (site, time ns), with how many rows the query returned.</summary>
    public async Task<List<(string Site, long Time)>> PointsAsync()
    {
        using var client = new InfluxQueryClient(InfluxOptions());
        var points = new List<(string, long)>();
        await foreach (var series in client.QueryAsync("SELECT p_aurora, confidence FROM aurora_frame GROUP BY site"))
        {
            points.AddRange(series.Values.Select(v => (series.Tags["site"], v[0].GetInt64())));
        }

        return points;
    }

    /// <summary>Reads the dead-letter topic until <paramref name="count"/> letters arrived (30 s at most).</summary>
    public List<(string Reason, string Stage, int Bytes)> DeadLetters(int count)
    {
        using var consumer = new ConsumerBuilder<string?, byte[]>(new ConsumerConfig { BootstrapServers = Kafka.BootstrapServers, GroupId = "dlq-" + Kafka.GroupId, AutoOffsetReset = AutoOffsetReset.Earliest }).Build();
        consumer.Subscribe(Kafka.DeadLetterTopic);
        var letters = new List<(string, string, int)>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (letters.Count < count && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { IsPartitionEOF: false } r)
            {
                letters.Add((Header(r, KafkaDeadLetterSink.ReasonHeader), Header(r, KafkaDeadLetterSink.StageHeader), r.Message.Value.Length));
            }
        }

        consumer.Close();
        return letters;
    }

    public void Dispose() => _cluster.Dispose();

    private static string Header(ConsumeResult<string?, byte[]> r, string name) =>
        r.Message.Headers.TryGetLastBytes(name, out var bytes) ? Encoding.UTF8.GetString(bytes) : "";

    /// <summary>One running pipeline; disposing stops it (drain, flush, commit) unless killed.</summary>
    internal sealed class RunningStream : IAsyncDisposable
    {
        private static readonly string ModelPath = Path.Combine(RepoPaths.Root, "onnx-models", "aurorastream-compact.onnx");
        private readonly OnnxAuroraClassifier _classifier;
        private readonly InfluxPredictionSink _sink;
        private readonly KafkaDeadLetterSink _deadLetters;
        private readonly KafkaMessageSource _source;
        private readonly CancellationTokenSource _stop = new();
        private readonly CancellationTokenSource _abort = new();
        private int _retries;

        public RunningStream(StreamRig rig, PipelineOptions options, Uri? influxUrl)
        {
            _classifier = new OnnxAuroraClassifier(new OnnxClassifierOptions { ModelPath = ModelPath, IntraOpThreads = 1 });
            _sink = new InfluxPredictionSink(rig.InfluxOptions(influxUrl), new InfluxRetryOptions { BaseDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromSeconds(1), OnRetry = (_, _) => Interlocked.Increment(ref _retries) });
            _deadLetters = new KafkaDeadLetterSink(rig.Kafka);
            _source = new KafkaMessageSource(rig.Kafka);
            Metrics = new PipelineMetrics(_source.Lag);
            Pipeline = new StreamPipeline(_source, new FrameMessageCodec(), _classifier, _sink, _deadLetters, options, Metrics);
            Run = Task.Run(() => Pipeline.RunAsync(_stop.Token, _abort.Token));
        }

        public StreamPipeline Pipeline { get; }

        public PipelineMetrics Metrics { get; }

        public Task Run { get; }

        public int Retries => Volatile.Read(ref _retries);

        public long Done => Metrics.Written + Metrics.DeadLettered;

        public long? Lag => _source.Lag();

        public string Describe() =>
            $"consumed {Metrics.Consumed}, decoded {Metrics.Decoded}, classified {Metrics.Classified}, written {Metrics.Written}, dead-lettered {Metrics.DeadLettered}, in flight {Pipeline.InFlight}, lag {Lag}, retries {Retries}, run {Run.Status}";

        public async Task StopAsync()
        {
            await _stop.CancelAsync();
            await Run.WaitAsync(TimeSpan.FromSeconds(60));
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            try
            {
                // A drain that cannot finish (the test failed with InfluxDB down) is abandoned.
                await Task.WhenAny(Run, Task.Delay(TimeSpan.FromSeconds(30)));
                if (!Run.IsCompleted)
                {
                    await _abort.CancelAsync();
                }

                await Run.ContinueWith(_ => { }, TaskScheduler.Default).WaitAsync(TimeSpan.FromSeconds(30));
            }
            finally
            {
                await _source.DisposeAsync();
                await _deadLetters.DisposeAsync();
                await _sink.DisposeAsync();
                _classifier.Dispose();
                Metrics.Dispose();
                _stop.Dispose();
                _abort.Dispose();
            }
        }
    }
}

/// <summary>An HTTP proxy in front of InfluxDB that holds every request for a fixed time (a slow server).</summary>
internal sealed class SlowProxy : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly HttpClient _client = new();
    private readonly Uri _target;
    private readonly TimeSpan _delay;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public SlowProxy(Uri target, TimeSpan delay)
    {
        _target = target;
        _delay = delay;
        var port = FreePort();
        Url = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
        _listener.Prefixes.Add(Url.ToString());
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public Uri Url { get; }

    public int Requests;

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _listener.Close();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // Stopped while serving.
        }

        _client.Dispose();
        _stop.Dispose();
    }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(context));
        }
    }

    private async Task ServeAsync(HttpListenerContext context)
    {
        try
        {
            Interlocked.Increment(ref Requests);
            await Task.Delay(_delay, _stop.Token);
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body, _stop.Token);
            using var request = new HttpRequestMessage(new HttpMethod(context.Request.HttpMethod), new Uri(_target, context.Request.Url!.PathAndQuery)) { Content = new ByteArrayContent(body.ToArray()) };
            using var response = await _client.SendAsync(request, _stop.Token);
            context.Response.StatusCode = (int)response.StatusCode;
            var bytes = await response.Content.ReadAsByteArrayAsync(_stop.Token);
            await context.Response.OutputStream.WriteAsync(bytes, _stop.Token);
            context.Response.Close();
        }
        catch (Exception e) when (e is OperationCanceledException or HttpListenerException or HttpRequestException or ObjectDisposedException)
        {
            context.Response.Abort();
        }
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
