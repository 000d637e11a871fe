using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Tasks.Dataflow;
using AuroraStream.Core;
using AuroraStream.Core.Preprocessing;
using AuroraStream.Core.Sky;
using AuroraStream.Core.Stream;

namespace AuroraStream.Pipeline;

/// <summary>
/// The stream: messages from the broker through a bounded TPL Dataflow graph, decode (parallel,
/// unordered) -> preprocess (the model card's parameters) -> batch (size or time) -> classify ->
/// sky (sun and moon per frame, and the label kept consistent with it) -> events -> sink, with undecodable messages and rejected points routed to the dead-letter sink.
/// A message is done when its frame is written or it is dead-lettered; the source is told the
/// per-partition watermark of done messages, so commits never run ahead of the sink. Per-message
/// failures are values routed to the dead-letter block; only infrastructure failures fault the
/// graph. Stopping (the stop token) ends consumption, drains what is in flight, and commits.
/// </summary>
public sealed class StreamPipeline
{
    private readonly IMessageSource _source;
    private readonly IFrameDecoder _decoder;
    private readonly IAuroraClassifier _classifier;
    private readonly IPredictionSink _sink;
    private readonly IDeadLetterSink _deadLetters;
    private readonly PipelineOptions _options;
    private readonly TimeProvider _time;
    private readonly OffsetTracker _offsets = new();
    private readonly AuroraEventDetector _events;
    private readonly PreprocessingParameters _parameters;
    private readonly ConcurrentBag<FramePreprocessor> _preprocessors = [];
    private readonly ArrayPool<float> _preprocessed;

    private readonly SiteSky? _sky;

    /// <summary>Wires the graph to its ports.</summary>
    /// <param name="source">The broker.</param>
    /// <param name="decoder">Messages to frames.</param>
    /// <param name="classifier">The model.</param>
    /// <param name="sink">Where labelled frames and events go.</param>
    /// <param name="deadLetters">Where failures go.</param>
    /// <param name="options">Settings.</param>
    /// <param name="metrics">Counters.</param>
    /// <param name="timeProvider">The clock (default: the system's).</param>
    /// <param name="sky">
    /// The sky of each frame (from its header's coordinates or the site catalog): written with it, and
    /// applied to its label (<see cref="SkyConsistency"/>) and to events. Null: every frame's sky is unknown.
    /// </param>
    public StreamPipeline(IMessageSource source, IFrameDecoder decoder, IAuroraClassifier classifier, IPredictionSink sink, IDeadLetterSink deadLetters, PipelineOptions options, PipelineMetrics metrics, TimeProvider? timeProvider = null, SiteSky? sky = null)
    {
        _sky = sky;
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _source = source ?? throw new ArgumentNullException(nameof(source));
        _decoder = decoder ?? throw new ArgumentNullException(nameof(decoder));
        _classifier = classifier ?? throw new ArgumentNullException(nameof(classifier));
        _sink = sink ?? throw new ArgumentNullException(nameof(sink));
        _deadLetters = deadLetters ?? throw new ArgumentNullException(nameof(deadLetters));
        _options = options;
        Metrics = metrics ?? throw new ArgumentNullException(nameof(metrics));
        _time = timeProvider ?? TimeProvider.System;
        _events = new AuroraEventDetector(options.Events);
        _parameters = classifier.Card.Preprocessing;
        _preprocessors.Add(new FramePreprocessor(_parameters));
        // Preprocessed frames in flight come from (and go back to) this pool, sized to what the graph holds.
        _preprocessed = ArrayPool<float>.Create(OutputLength, options.InFlightLimit);
        Metrics.ObserveInFlight(() => InFlight);
    }

    private int OutputLength => _parameters.OutputSize * _parameters.OutputSize;

    /// <summary>Counts and per-site tallies.</summary>
    public PipelineMetrics Metrics { get; }

    /// <summary>Messages read but not yet written or dead-lettered.</summary>
    public int InFlight => _offsets.InFlight;

    /// <summary>
    /// Runs until <paramref name="stop"/> is cancelled (or the source ends), then drains and commits.
    /// <paramref name="abort"/> abandons the drain (what is in flight is not committed and is read again).
    /// </summary>
    public async Task RunAsync(CancellationToken stop, CancellationToken abort = default)
    {
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(abort);
        var work = failed.Token;
        var bounded = _options.StageCapacity;
        // Decoding and preprocessing run in parallel but hand frames on in arrival order: the event
        // detector takes each site's frames in capture order and ignores one older than the last it
        // saw, so frames overtaking each other across batches would drop votes and move onsets.
        var decode = new TransformBlock<InboundMessage, Work>(
            m => Decode(m),
            new ExecutionDataflowBlockOptions { MaxDegreeOfParallelism = _options.Parallelism, BoundedCapacity = bounded, EnsureOrdered = true, CancellationToken = work });
        var preprocess = new TransformBlock<Work, Work>(
            Preprocess,
            new ExecutionDataflowBlockOptions { MaxDegreeOfParallelism = _options.Parallelism, BoundedCapacity = bounded, EnsureOrdered = true, CancellationToken = work });
        var batch = new BatchBlock<Work>(_options.BatchSize, new GroupingDataflowBlockOptions { BoundedCapacity = Math.Max(bounded, _options.BatchSize), CancellationToken = work });
        var classify = new TransformBlock<Work[], Work[]>(
            Classify,
            new ExecutionDataflowBlockOptions { MaxDegreeOfParallelism = 1, BoundedCapacity = 2, CancellationToken = work });
        var write = new ActionBlock<Work[]>(
            batchOfWork => WriteAsync(batchOfWork, work),
            new ExecutionDataflowBlockOptions { MaxDegreeOfParallelism = 1, BoundedCapacity = 2, CancellationToken = work });
        var deadLetter = new ActionBlock<Work>(
            w => SendDeadLettersAsync([w], work),
            new ExecutionDataflowBlockOptions { MaxDegreeOfParallelism = 1, BoundedCapacity = bounded, CancellationToken = work });
        // Both links of a stage filter: a bounded target that is full postpones a message, and the
        // source then offers it to its next link, so an unfiltered dead-letter link would take good
        // frames whenever the next stage is busy.
        var link = new DataflowLinkOptions { PropagateCompletion = true };
        var toDeadLetters = new DataflowLinkOptions { PropagateCompletion = false };
        decode.LinkTo(preprocess, link, w => w.Letter is null);
        decode.LinkTo(deadLetter, toDeadLetters, w => w.Letter is not null);
        preprocess.LinkTo(batch, link, w => w.Letter is null);
        preprocess.LinkTo(deadLetter, toDeadLetters, w => w.Letter is not null);
        batch.LinkTo(classify, link);
        classify.LinkTo(write, link);

        // A partial batch goes on after BatchTimeout, so latency stays bounded at live rates.
        using var timer = _time.CreateTimer(_ => batch.TriggerBatch(), null, _options.BatchTimeout, _options.BatchTimeout);

        // Any faulted block stops everything: the feeding loop and the other blocks.
        var blocks = new IDataflowBlock[] { decode, preprocess, batch, classify, write, deadLetter };
        foreach (var block in blocks)
        {
            _ = block.Completion.ContinueWith(t => failed.Cancel(), CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }

        using var feedStop = CancellationTokenSource.CreateLinkedTokenSource(stop, work);
        try
        {
            await foreach (var message in _source.ReadAsync(feedStop.Token).ConfigureAwait(false))
            {
                foreach (var revoked in _source.TakeRevokedPartitions())
                {
                    _offsets.Revoke(revoked);
                }

                _offsets.Track(message.Partition, message.Offset);
                Metrics.OnConsumed();
                if (!await decode.SendAsync(message, feedStop.Token).ConfigureAwait(false))
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (feedStop.IsCancellationRequested)
        {
            // Stop asked for (or a block failed, reported below): drain what was read.
        }

        decode.Complete();
        await Task.WhenAll(decode.Completion, preprocess.Completion).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
        deadLetter.Complete();
        var all = Task.WhenAll(blocks.Select(b => b.Completion));
        try
        {
            await all.ConfigureAwait(false);
        }
        catch (Exception) when (all.Exception is { } aggregate)
        {
            var cause = aggregate.Flatten().InnerExceptions.FirstOrDefault(e => e is not OperationCanceledException);
            if (cause is not null)
            {
                throw new InvalidOperationException($"the stream stopped: {cause.Message}", cause);
            }

            abort.ThrowIfCancellationRequested();
            throw;
        }

        foreach (var revoked in _source.TakeRevokedPartitions())
        {
            _offsets.Revoke(revoked);
        }

        await _source.CommitAsync(CancellationToken.None).ConfigureAwait(false);
    }

    private Work Decode(InboundMessage message)
    {
        var frame = _decoder.Decode(message, out var reason);
        if (frame is null)
        {
            return new Work(message) { Letter = new DeadLetter(message, "decode", reason ?? "undecodable") };
        }

        Metrics.OnDecoded();

        // What a sink cannot store is refused here, one frame at a time: thrown inside the write
        // block it would stop the whole stream, and a restart would meet it again at the same offset.
        if ((FrameIdentity.Problem(frame) ?? _options.CaptureTimeProblem(frame.CaptureTime, _time.GetUtcNow())) is { } problem)
        {
            _decoder.Release(frame);
            return new Work(message) { Letter = new DeadLetter(message, "validate", $"{frame.Origin}: {problem}") };
        }

        return new Work(message) { Frame = frame };
    }

    private Work Preprocess(Work work)
    {
        var frame = work.Frame!;
        var length = OutputLength;
        var pixels = _preprocessed.Rent(length);
        // This block runs in parallel and a preprocessor keeps per-frame scratch state: each call takes
        // one of its own from the pool (one per concurrent call, reused).
        if (!_preprocessors.TryTake(out var preprocessor))
        {
            preprocessor = new FramePreprocessor(_parameters);
        }

        try
        {
            preprocessor.Process(frame.Pixels.Span, frame.Width, frame.Height, pixels.AsSpan(0, length));
        }
        catch (ArgumentException e)
        {
            _preprocessed.Return(pixels);
            return work with { Letter = new DeadLetter(work.Message, "preprocess", $"{frame.Site} {frame.CaptureTime:O}: {e.Message}") };
        }
        finally
        {
            _preprocessors.Add(preprocessor);

            // From here on only the frame's metadata is read: its pixel buffer goes back to the decoder.
            _decoder.Release(frame);
        }

        return work with { Pixels = pixels };
    }

    private Work[] Classify(Work[] batch)
    {
        var length = OutputLength;
        var input = ArrayPool<float>.Shared.Rent(batch.Length * length);
        IReadOnlyList<FramePrediction> predictions;
        var watch = Stopwatch.StartNew();
        try
        {
            for (var i = 0; i < batch.Length; i++)
            {
                batch[i].Pixels.AsSpan(0, length).CopyTo(input.AsSpan(i * length));
                _preprocessed.Return(batch[i].Pixels!);
            }

            watch.Restart();
            predictions = _classifier.Classify(input.AsSpan(0, batch.Length * length), batch.Length);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(input);
        }

        Metrics.OnClassified(batch.Length, watch.Elapsed.TotalMilliseconds);
        var result = new Work[batch.Length];
        for (var i = 0; i < batch.Length; i++)
        {
            var frame = batch[i].Frame!;
            var sky = _sky?.Of(frame);
            result[i] = batch[i] with
            {
                Pixels = null,
                Classified = new ClassifiedFrame(frame.Site, frame.Imager, frame.CaptureTimeUnixNanoseconds, _classifier.Card.Name, SkyConsistency.Apply(predictions[i], sky), frame.Origin, sky),
                Started = watch,
            };
        }

        return result;
    }

    private async Task WriteAsync(Work[] batch, CancellationToken cancellationToken)
    {
        // A frame the sink cannot store goes to the dead letters alone, before it can affect events.
        var refused = new List<Work>(0);
        foreach (var w in batch)
        {
            if (_sink.CheckWritable(w.Classified!) is { } problem)
            {
                refused.Add(w with { Letter = new DeadLetter(w.Message, "sink", $"{w.Classified!.Origin}: {_sink.Description} cannot store it: {problem}") });
            }
        }

        if (refused.Count > 0)
        {
            await SendDeadLettersAsync(refused, cancellationToken).ConfigureAwait(false);
            batch = [.. batch.Where(w => !refused.Any(r => ReferenceEquals(r.Message, w.Message)))];
            if (batch.Length == 0)
            {
                return;
            }
        }

        // Events need each site's frames in capture order; a batch holds frames in arrival order,
        // which for frames of one site published out of capture order is not that order.
        var ordered = batch.OrderBy(w => w.Classified!.Site, StringComparer.Ordinal).ThenBy(w => w.Classified!.CaptureTimeUnixNanoseconds).ToArray();
        var frames = ordered.Select(w => w.Classified!).ToList();
        var events = new List<AuroraEvent>();
        foreach (var frame in frames)
        {
            events.AddRange(_events.Observe(frame));
        }

        var result = await _sink.WriteAsync(frames, events, cancellationToken).ConfigureAwait(false);
        if (result.Rejected is { } why)
        {
            await SendDeadLettersAsync([.. ordered.Select(w => w with { Letter = new DeadLetter(w.Message, "sink", $"rejected by {_sink.Description}: {why}") })], cancellationToken).ConfigureAwait(false);
            return;
        }

        var now = _time.GetUtcNow().UtcDateTime;
        Metrics.OnWritten(frames.Count, ordered[0].Started?.Elapsed.TotalMilliseconds ?? 0);
        foreach (var w in ordered)
        {
            var tally = Metrics.Site(w.Classified!.Site);
            tally.Frame(w.Classified.Prediction);
            Metrics.OnLatency((now - w.Classified.CaptureTime).TotalMilliseconds);
            Done(w.Message);
        }

        foreach (var e in events)
        {
            Metrics.Site(e.Site).Event();
        }
    }

    private async Task SendDeadLettersAsync(IReadOnlyList<Work> letters, CancellationToken cancellationToken)
    {
        await _deadLetters.SendAsync([.. letters.Select(w => w.Letter!)], cancellationToken).ConfigureAwait(false);
        foreach (var w in letters)
        {
            Metrics.OnDeadLettered(SiteOf(w.Frame?.Site ?? w.Message.Key));
            Done(w.Message);
        }
    }

    /// <summary>The site a dead letter is tallied under: only a valid site code (anything else would become a row of the summary).</summary>
    private static string? SiteOf(string? site)
    {
        var code = site?.Trim().ToLowerInvariant();
        return FrameIdentity.SiteProblem(code) is null ? code : null;
    }

    private void Done(InboundMessage message)
    {
        if (_offsets.Complete(message.Partition, message.Offset) is { } next)
        {
            _source.MarkProcessed(message.Partition, next);
        }
    }

    private sealed record Work(InboundMessage Message)
    {
        /// <summary>The decoded frame; after preprocessing its pixels belong to the decoder again, so only its metadata is read.</summary>
        public AllSkyFrame? Frame { get; init; }

        /// <summary>The preprocessed frame, a buffer from the pipeline's pool (at least the model's input length) until classified.</summary>
        public float[]? Pixels { get; init; }

        public ClassifiedFrame? Classified { get; init; }

        public DeadLetter? Letter { get; init; }

        public Stopwatch? Started { get; init; }
    }
}
