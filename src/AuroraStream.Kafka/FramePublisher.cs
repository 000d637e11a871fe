using System.Globalization;
using AuroraStream.Core;
using Confluent.Kafka;

namespace AuroraStream.Kafka;

/// <summary>A frame too large for the broker.</summary>
public sealed class MessageTooLargeException(string message) : IOException(message);

/// <summary>A frame the frame message cannot carry (a capture time outside 64-bit Unix nanoseconds); the message names the frame.</summary>
public sealed class FrameNotPublishableException(string message) : IOException(message);

/// <summary>A message the broker did not acknowledge in time (unreachable or refusing), naming the servers.</summary>
public sealed class DeliveryFailedException(string message) : IOException(message);

/// <summary>
/// Publishes frames to the frames topic: one frame per message, key = site (each site stays in one
/// partition, in order), idempotent producer (acks=all, no duplicates on retry), compressed.
/// Delivery reports are checked: <see cref="FlushAsync"/> throws if any message was not delivered.
/// </summary>
public sealed class FramePublisher : IAsyncDisposable
{
    private readonly KafkaOptions _options;
    private readonly IProducer<string, byte[]> _producer;
    private readonly KafkaLog _log;
    private long _pending;
    private long _delivered;
    private string? _failure;

    /// <summary>Creates a publisher; librdkafka's warnings and errors go to <paramref name="log"/> (<see cref="KafkaLog"/>), none when null.</summary>
    public FramePublisher(KafkaOptions options, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        var config = options.Apply(new ProducerConfig
        {
            EnableIdempotence = true,
            Acks = Acks.All,
            CompressionType = options.CompressionType(),
            LingerMs = 5,
            MessageMaxBytes = options.MaxMessageBytes,
            MessageTimeoutMs = 60_000,
        });
        _log = new KafkaLog(log);
        _producer = KafkaOptions.Build(() => _log.AttachTo(new ProducerBuilder<string, byte[]>(config)).Build());
    }

    /// <summary>Messages delivered (acknowledged by the broker).</summary>
    public long Delivered => Interlocked.Read(ref _delivered);

    /// <summary>
    /// Queues a frame; throws <see cref="MessageTooLargeException"/> for a frame over the size limit,
    /// <see cref="FrameNotPublishableException"/> for a frame the message cannot carry (nothing is queued; the caller counts it and goes on),
    /// or <see cref="DeliveryFailedException"/> when an earlier delivery failed (all <see cref="IOException"/>s).
    /// </summary>
    public void Publish(AllSkyFrame frame) => Publish(frame.Site, FrameMessageCodec.Encode(frame), $"{frame.Site} {frame.CaptureTime:O} ({frame.Origin})");

    /// <summary>Queues raw bytes under a key (tests use it for poison messages).</summary>
    public void Publish(string key, byte[] value, string what)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (_failure is { } failure)
        {
            throw new DeliveryFailedException($"Kafka {_options.BootstrapServers}: an earlier message was not delivered: {failure}");
        }

        if (value.Length > _options.MaxMessageBytes)
        {
            throw new MessageTooLargeException(string.Create(CultureInfo.InvariantCulture, $"{what}: message of {value.Length:N0} bytes exceeds the broker limit of {_options.MaxMessageBytes:N0} bytes (Kafka:MaxMessageBytes)"));
        }

        Interlocked.Increment(ref _pending);
        while (true)
        {
            try
            {
                _producer.Produce(_options.FramesTopic, new Message<string, byte[]> { Key = key, Value = value }, OnDelivery);
                return;
            }
            catch (ProduceException<string, byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
            {
                _producer.Poll(TimeSpan.FromMilliseconds(100));
            }
        }
    }

    /// <summary>Waits until every queued message is delivered; throws <see cref="DeliveryFailedException"/> if any failed.</summary>
    public Task FlushAsync(CancellationToken cancellationToken = default) => Task.Run(
        () =>
        {
            while (Interlocked.Read(ref _pending) > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                _producer.Flush(TimeSpan.FromMilliseconds(200));
            }

            if (_failure is { } failure)
            {
                throw new DeliveryFailedException($"Kafka {_options.BootstrapServers}: not every frame was delivered: {failure}");
            }
        },
        cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            await FlushAsync().ConfigureAwait(false);
        }
        catch (DeliveryFailedException)
        {
            // Reported by FlushAsync to callers that asked; disposing must not throw.
        }
        finally
        {
            _producer.Dispose();
            _log.Flush();
        }
    }

    private void OnDelivery(DeliveryReport<string, byte[]> report)
    {
        if (report.Error.IsError)
        {
            _failure ??= $"{report.Error.Reason} ({report.Error.Code})";
        }
        else
        {
            Interlocked.Increment(ref _delivered);
        }

        Interlocked.Decrement(ref _pending);
    }
}
