namespace AuroraStream.Core.Stream;

/// <summary>A message as the stream receives it from the broker.</summary>
/// <param name="Partition">Partition.</param>
/// <param name="Offset">Offset within the partition.</param>
/// <param name="Key">Message key (the site), if any.</param>
/// <param name="Value">Message bytes.</param>
public sealed record InboundMessage(int Partition, long Offset, string? Key, ReadOnlyMemory<byte> Value)
{
    /// <inheritdoc />
    public override string ToString() => $"partition {Partition} offset {Offset}";
}

/// <summary>A message or point the stream could not process, with why.</summary>
/// <param name="Message">The original message.</param>
/// <param name="Stage">Where it failed: decode, validate, preprocess, sink.</param>
/// <param name="Reason">Why, naming what was wrong.</param>
public sealed record DeadLetter(InboundMessage Message, string Stage, string Reason);

/// <summary>The broker side of the stream: messages in, progress out.</summary>
public interface IMessageSource : IAsyncDisposable
{
    /// <summary>Messages from the assigned partitions, until cancelled.</summary>
    IAsyncEnumerable<InboundMessage> ReadAsync(CancellationToken cancellationToken = default);

    /// <summary>Marks every message of a partition before <paramref name="nextOffset"/> as done (to be committed).</summary>
    void MarkProcessed(int partition, long nextOffset);

    /// <summary>Partitions whose assignment was revoked since the last call (their in-flight progress must not be marked).</summary>
    IReadOnlyCollection<int> TakeRevokedPartitions();

    /// <summary>Commits what has been marked.</summary>
    Task CommitAsync(CancellationToken cancellationToken = default);
}

/// <summary>Turns a message into a frame, or says why it is not one.</summary>
public interface IFrameDecoder
{
    /// <summary>Decodes a message; on failure returns null and the reason.</summary>
    AllSkyFrame? Decode(InboundMessage message, out string? reason);

    /// <summary>
    /// Hands back the pixels of a frame this decoder returned, once the caller reads them no more
    /// (the rest of the frame stays valid). A decoder that pools pixel buffers gives the buffer to a
    /// later frame, so a released frame's <see cref="AllSkyFrame.Pixels"/> must not be read again,
    /// and a frame is released at most once. Default: nothing (the garbage collector takes it).
    /// </summary>
    void Release(AllSkyFrame frame)
    {
    }
}

/// <summary>Where undecodable messages and rejected points go, with their reason.</summary>
public interface IDeadLetterSink : IAsyncDisposable
{
    /// <summary>Sends dead letters; returns once the destination has them.</summary>
    Task SendAsync(IReadOnlyList<DeadLetter> letters, CancellationToken cancellationToken = default);
}

/// <summary>The outcome of a sink write.</summary>
/// <param name="Rejected">The destination refused the batch (e.g. HTTP 4xx): its message, else null.</param>
public sealed record SinkWriteResult(string? Rejected)
{
    /// <summary>Everything was written.</summary>
    public static SinkWriteResult Written { get; } = new((string?)null);
}

/// <summary>Where labelled frames and events go (InfluxDB, the embedded file store).</summary>
public interface IPredictionSink : IAsyncDisposable
{
    /// <summary>A short description for logs and summaries (never with secrets).</summary>
    string Description { get; }

    /// <summary>
    /// Writes frames and events; retries transient failures itself until written or cancelled.
    /// Returns <see cref="SinkWriteResult.Rejected"/> when the destination refuses the data for good.
    /// </summary>
    Task<SinkWriteResult> WriteAsync(IReadOnlyList<ClassifiedFrame> frames, IReadOnlyList<AuroraEvent> events, CancellationToken cancellationToken = default);

    /// <summary>
    /// Why this sink cannot store a frame (a value its format cannot carry), or null when it can.
    /// The stream asks before writing and dead-letters a refused frame on its own, so one frame never
    /// stops the stream. Default: every frame can be stored.
    /// </summary>
    string? CheckWritable(ClassifiedFrame frame) => null;
}
