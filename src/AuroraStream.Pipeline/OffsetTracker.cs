namespace AuroraStream.Pipeline;

/// <summary>
/// Per-partition watermark of fully processed messages: a partition's committable position is its
/// lowest offset still in flight (or one past the highest seen when none is), so a commit never
/// covers a message that has not been written or dead-lettered, whatever order they finish in.
/// Thread-safe.
/// </summary>
internal sealed class OffsetTracker
{
    private readonly Dictionary<int, Partition> _partitions = [];
    private readonly Lock _lock = new();

    /// <summary>Records a message read.</summary>
    public void Track(int partition, long offset)
    {
        lock (_lock)
        {
            if (!_partitions.TryGetValue(partition, out var p))
            {
                p = new Partition();
                _partitions.Add(partition, p);
            }

            p.Pending.Add(offset);
            p.Highest = Math.Max(p.Highest, offset);
        }
    }

    /// <summary>Records a message done; returns the partition's new committable next offset when it advanced.</summary>
    public long? Complete(int partition, long offset)
    {
        lock (_lock)
        {
            if (!_partitions.TryGetValue(partition, out var p) || !p.Pending.Remove(offset))
            {
                return null;
            }

            var next = p.Pending.Count == 0 ? p.Highest + 1 : p.Pending.Min;
            if (next <= p.Marked)
            {
                return null;
            }

            p.Marked = next;
            return next;
        }
    }

    /// <summary>Forgets a revoked partition: its in-flight messages no longer move its position.</summary>
    public void Revoke(int partition)
    {
        lock (_lock)
        {
            _partitions.Remove(partition);
        }
    }

    /// <summary>Messages in flight over all partitions.</summary>
    public int InFlight
    {
        get
        {
            lock (_lock)
            {
                return _partitions.Values.Sum(p => p.Pending.Count);
            }
        }
    }

    private sealed class Partition
    {
        public SortedSet<long> Pending { get; } = [];

        public long Highest { get; set; } = -1;

        public long Marked { get; set; } = -1;
    }
}
