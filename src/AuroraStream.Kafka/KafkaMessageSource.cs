using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using AuroraStream.Core.Stream;
using Confluent.Kafka;

namespace AuroraStream.Kafka;

/// <summary>
/// The stream's consumer-group member. Offsets are stored only when the pipeline marks them
/// processed (its per-partition watermark) and committed by librdkafka's auto-commit, at a
/// rebalance and on close, so a commit never covers a frame the sink has not acknowledged.
/// </summary>
public sealed class KafkaMessageSource : IMessageSource
{
    private readonly IConsumer<string?, byte[]> _consumer;
    private readonly string _topic;
    private readonly ConcurrentQueue<int> _revoked = new();
    private readonly Action<string>? _log;
    private readonly KafkaLog _kafkaLog;
    private int _closed;

    /// <summary>Creates the consumer and subscribes to the frames topic; assignments and librdkafka's warnings and errors (<see cref="KafkaLog"/>) go to <paramref name="log"/>.</summary>
    public KafkaMessageSource(KafkaOptions options, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _topic = options.FramesTopic;
        _log = log;
        var config = options.Apply(new ConsumerConfig
        {
            GroupId = options.GroupId,
            EnableAutoCommit = true,
            AutoCommitIntervalMs = 1000,
            EnableAutoOffsetStore = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,

            // librdkafka prefetches up to 64 MB per partition by default; 16 MB keeps the consumer's
            // share of memory small beside the pipeline's own bound (overridable through Properties).
            QueuedMaxMessagesKbytes = 16_384,

            // Any message the topic accepts must be fetchable, or one oversized message (a poison blob)
            // would stall its partition: fetch sizes follow the configured message size limit.
            MaxPartitionFetchBytes = Math.Max(1_048_576, options.MaxMessageBytes + 65_536),
            FetchMaxBytes = Math.Max(52_428_800, options.MaxMessageBytes + 65_536),
        });
        _kafkaLog = new KafkaLog(log);
        _consumer = KafkaOptions.Build(() => _kafkaLog.AttachTo(new ConsumerBuilder<string?, byte[]>(config))
            .SetPartitionsRevokedHandler((_, partitions) =>
            {
                foreach (var p in partitions)
                {
                    _revoked.Enqueue(p.Partition.Value);
                }

                log?.Invoke($"partitions revoked: {string.Join(",", partitions.Select(p => p.Partition.Value))}");
            })
            .SetPartitionsAssignedHandler((_, partitions) => log?.Invoke($"partitions assigned: {string.Join(",", partitions.Select(p => p.Partition.Value))}"))
            .Build());
        _consumer.Subscribe(_topic);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<InboundMessage> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            ConsumeResult<string?, byte[]>? result;
            try
            {
                result = _consumer.Consume(TimeSpan.FromMilliseconds(100));
            }
            catch (ConsumeException e) when (!e.Error.IsFatal)
            {
                // A message whose key is not UTF-8 and the like: skip the read error, keep consuming.
                _log?.Invoke($"consume: {e.Error.Reason} at {e.ConsumerRecord?.TopicPartitionOffset}");
                continue;
            }

            if (result is null || result.IsPartitionEOF)
            {
                await Task.Yield();
                continue;
            }

            yield return new InboundMessage(result.Partition.Value, result.Offset.Value, result.Message.Key, result.Message.Value ?? []);
        }
    }

    /// <summary>
    /// Messages between the consumer's position and the end of its assigned partitions (from
    /// librdkafka's cached watermarks), or null when unknown, including while no partition is
    /// assigned (joining the group, or waiting out a dead member's session).
    /// </summary>
    public long? Lag()
    {
        try
        {
            var assignment = _consumer.Assignment;
            if (assignment.Count == 0)
            {
                return null;
            }

            long total = 0;
            foreach (var partition in assignment)
            {
                var watermarks = _consumer.GetWatermarkOffsets(partition);
                var position = _consumer.Position(partition);
                if (watermarks.High.Value >= 0 && position.Value >= 0)
                {
                    total += Math.Max(0, watermarks.High.Value - position.Value);
                }
            }

            return total;
        }
        catch (Exception e) when (e is KafkaException or ObjectDisposedException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public void MarkProcessed(int partition, long nextOffset)
    {
        try
        {
            _consumer.StoreOffset(new TopicPartitionOffset(_topic, partition, nextOffset));
        }
        catch (KafkaException e) when (e.Error.Code == ErrorCode.Local_State)
        {
            // The partition was revoked meanwhile: its new owner resumes from the last commit.
        }
    }

    /// <inheritdoc />
    public IReadOnlyCollection<int> TakeRevokedPartitions()
    {
        var list = new List<int>();
        while (_revoked.TryDequeue(out var p))
        {
            list.Add(p);
        }

        return list;
    }

    /// <inheritdoc />
    public Task CommitAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            _consumer.Commit();
        }
        catch (KafkaException e) when (e.Error.Code is ErrorCode.Local_NoOffset or ErrorCode.Local_State)
        {
            // Nothing stored since the last commit.
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _closed, 1) == 0)
        {
            await CommitAsync().ConfigureAwait(false);
            _consumer.Close();
            _consumer.Dispose();
            _kafkaLog.Flush();
        }
    }
}
