using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using AuroraStream.Core.Stream;

namespace AuroraStream.TestUtilities;

/// <summary>
/// A broker stand-in for the pipeline: serves its messages once, then either waits like an idle topic
/// (<paramref name="endWhenRead"/> false, the default: the run goes on until stopped) or ends, which ends the
/// run once everything read is done. Records what was marked (a mark going backwards throws) and committed.
/// </summary>
public sealed class MemoryMessageSource(IReadOnlyList<InboundMessage> messages, bool endWhenRead = false) : IMessageSource
{
    private int _read;
    private int _commits;

    /// <summary>The next offset marked processed, by partition.</summary>
    public ConcurrentDictionary<int, long> Marked { get; } = new();

    /// <summary>Messages handed to the pipeline so far.</summary>
    public int Read => Volatile.Read(ref _read);

    /// <summary>Commits asked for so far.</summary>
    public int Commits => Volatile.Read(ref _commits);

    /// <inheritdoc />
    public async IAsyncEnumerable<InboundMessage> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var message in messages)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Interlocked.Increment(ref _read);
            yield return message;
        }

        if (!endWhenRead)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public void MarkProcessed(int partition, long nextOffset) =>
        Marked.AddOrUpdate(partition, nextOffset, (_, old) => nextOffset > old ? nextOffset : throw new InvalidOperationException($"partition {partition} marked back from {old} to {nextOffset}"));

    /// <inheritdoc />
    public IReadOnlyCollection<int> TakeRevokedPartitions() => [];

    /// <inheritdoc />
    public Task CommitAsync(CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _commits);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
