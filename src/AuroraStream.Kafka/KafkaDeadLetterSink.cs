using System.Globalization;
using System.Text;
using AuroraStream.Core.Stream;
using Confluent.Kafka;

namespace AuroraStream.Kafka;

/// <summary>
/// Sends dead letters to the dead-letter topic: the original bytes (cut to the size limit, with the
/// original length in a header, when larger) and headers <c>reason</c>, <c>stage</c>,
/// <c>source-topic</c>, <c>source-partition</c>, <c>source-offset</c>.
/// </summary>
public sealed class KafkaDeadLetterSink : IDeadLetterSink
{
    /// <summary>Header with why the message was dead-lettered.</summary>
    public const string ReasonHeader = "reason";

    /// <summary>Header with the stage that failed.</summary>
    public const string StageHeader = "stage";

    private readonly KafkaOptions _options;
    private readonly IProducer<string?, byte[]> _producer;
    private readonly KafkaLog _log;

    /// <summary>Creates the dead-letter producer; librdkafka's warnings and errors go to <paramref name="log"/> (<see cref="KafkaLog"/>), none when null.</summary>
    public KafkaDeadLetterSink(KafkaOptions options, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _log = new KafkaLog(log);
        _producer = KafkaOptions.Build(() => _log.AttachTo(new ProducerBuilder<string?, byte[]>(options.Apply(new ProducerConfig
        {
            EnableIdempotence = true,
            Acks = Acks.All,
            CompressionType = options.CompressionType(),
            MessageMaxBytes = options.MaxMessageBytes,
        }))).Build());
    }

    /// <inheritdoc />
    public async Task SendAsync(IReadOnlyList<DeadLetter> letters, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(letters);
        var room = _options.MaxMessageBytes - 16_384;
        var sends = letters.Select(letter =>
        {
            var value = letter.Message.Value;
            var headers = new Headers
            {
                { ReasonHeader, Encoding.UTF8.GetBytes(letter.Reason) },
                { StageHeader, Encoding.UTF8.GetBytes(letter.Stage) },
                { "source-topic", Encoding.UTF8.GetBytes(_options.FramesTopic) },
                { "source-partition", Encoding.UTF8.GetBytes(letter.Message.Partition.ToString(CultureInfo.InvariantCulture)) },
                { "source-offset", Encoding.UTF8.GetBytes(letter.Message.Offset.ToString(CultureInfo.InvariantCulture)) },
            };
            if (value.Length > room)
            {
                headers.Add("original-bytes", Encoding.UTF8.GetBytes(value.Length.ToString(CultureInfo.InvariantCulture)));
                value = value[..room];
            }

            return _producer.ProduceAsync(_options.DeadLetterTopic, new Message<string?, byte[]> { Key = letter.Message.Key, Value = value.ToArray(), Headers = headers }, cancellationToken);
        }).ToList();
        await Task.WhenAll(sends).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _producer.Flush(TimeSpan.FromSeconds(10));
        _producer.Dispose();
        _log.Flush();
        return ValueTask.CompletedTask;
    }
}
