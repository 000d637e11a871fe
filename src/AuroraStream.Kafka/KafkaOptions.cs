using Confluent.Kafka;

namespace AuroraStream.Kafka;

/// <summary>Kafka settings shared by the publisher, the stream and the dead-letter topic.</summary>
public sealed class KafkaOptions
{
    private static readonly string[] SecretKeys = ["sasl.password", "ssl.key.password", "ssl.keystore.password", "sasl.oauthbearer.client.secret"];

    /// <summary>Bootstrap servers, comma-separated host:port.</summary>
    /// <value>Default <c>localhost:9092</c>.</value>
    public string BootstrapServers { get; set; } = "localhost:9092";

    /// <summary>Topic of frame messages.</summary>
    /// <value>Default <c>aurora.frames</c>.</value>
    public string FramesTopic { get; set; } = "aurora.frames";

    /// <summary>Topic of dead letters.</summary>
    /// <value>Default <c>aurora.frames.dead-letter</c>.</value>
    public string DeadLetterTopic { get; set; } = "aurora.frames.dead-letter";

    /// <summary>Consumer group of the stream.</summary>
    /// <value>Default <c>aurorastream</c>.</value>
    public string GroupId { get; set; } = "aurorastream";

    /// <summary>Producer compression: lz4, zstd, gzip, snappy or none.</summary>
    /// <value>Default lz4.</value>
    public string Compression { get; set; } = "lz4";

    /// <summary>Largest message the producer sends (the broker's <c>message.max.bytes</c>).</summary>
    /// <value>Default 1,000,000 bytes (Kafka's default).</value>
    public int MaxMessageBytes { get; set; } = 1_000_000;

    /// <summary>
    /// librdkafka properties passed through unchanged to every client, e.g. <c>security.protocol</c>,
    /// <c>sasl.mechanism</c>, <c>sasl.username</c>, <c>sasl.password</c>, <c>ssl.ca.location</c>.
    /// </summary>
    public Dictionary<string, string> Properties { get; set; } = [];

    /// <summary>
    /// librdkafka properties for the stream's consumer only (after <see cref="Properties"/>), e.g.
    /// <c>fetch.wait.max.ms</c> or <c>queued.max.messages.kbytes</c>: a consumer property given to a
    /// producer is ignored with a warning from librdkafka.
    /// </summary>
    public Dictionary<string, string> ConsumerProperties { get; set; } = [];

    /// <summary>
    /// librdkafka properties for the producers only (the publisher and the dead-letter producer; after
    /// <see cref="Properties"/>), e.g. <c>linger.ms</c> or <c>batch.size</c>.
    /// </summary>
    public Dictionary<string, string> ProducerProperties { get; set; } = [];

    /// <summary>Checks the settings, naming the wrong one.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(BootstrapServers))
        {
            throw new ArgumentException("Kafka:BootstrapServers must be set (host:port[,host:port]).", nameof(BootstrapServers));
        }

        if (string.IsNullOrWhiteSpace(FramesTopic) || string.IsNullOrWhiteSpace(DeadLetterTopic) || FramesTopic == DeadLetterTopic)
        {
            throw new ArgumentException($"Kafka:FramesTopic ('{FramesTopic}') and Kafka:DeadLetterTopic ('{DeadLetterTopic}') must be set and differ.", nameof(FramesTopic));
        }

        if (string.IsNullOrWhiteSpace(GroupId))
        {
            throw new ArgumentException("Kafka:GroupId must be set.", nameof(GroupId));
        }

        _ = CompressionType();
        if (MaxMessageBytes is < 1024 or > 1_000_000_000)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxMessageBytes), MaxMessageBytes, "Kafka:MaxMessageBytes must be within 1 KiB..1 GB.");
        }
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"{BootstrapServers} topic={FramesTopic} dead-letter={DeadLetterTopic} group={GroupId}" +
        Listed(string.Empty, Properties) + Listed("consumer.", ConsumerProperties) + Listed("producer.", ProducerProperties);

    internal CompressionType CompressionType() => Compression.ToLowerInvariant() switch
    {
        "lz4" => Confluent.Kafka.CompressionType.Lz4,
        "zstd" => Confluent.Kafka.CompressionType.Zstd,
        "gzip" => Confluent.Kafka.CompressionType.Gzip,
        "snappy" => Confluent.Kafka.CompressionType.Snappy,
        "none" => Confluent.Kafka.CompressionType.None,
        _ => throw new ArgumentException($"Kafka:Compression '{Compression}' is not one of lz4, zstd, gzip, snappy, none.", nameof(Compression)),
    };

    /// <summary>
    /// Builds a librdkafka client. librdkafka checks property names and values only here; a name or
    /// value it refuses becomes an <see cref="ArgumentException"/> naming it and where it is set,
    /// instead of an unhandled exception.
    /// </summary>
    /// <exception cref="ArgumentException">librdkafka refused a property.</exception>
    internal static TClient Build<TClient>(Func<TClient> build)
    {
        ArgumentNullException.ThrowIfNull(build);
        try
        {
            return build();
        }
        catch (InvalidOperationException e) when (e.Message.Contains("configuration property", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"Kafka: librdkafka refused a property: {e.Message} (set by Kafka:Properties, Kafka:ConsumerProperties or Kafka:ProducerProperties, which take librdkafka's own names and values)", e);
        }
    }

    internal T Apply<T>(T config)
        where T : ClientConfig
    {
        config.BootstrapServers = BootstrapServers;
        IEnumerable<KeyValuePair<string, string>> properties = config switch
        {
            ConsumerConfig => Properties.Concat(ConsumerProperties),
            ProducerConfig => Properties.Concat(ProducerProperties),
            _ => Properties,
        };
        foreach (var (key, value) in properties)
        {
            config.Set(key, value);
        }

        return config;
    }

    private static string Listed(string prefix, Dictionary<string, string> properties) =>
        string.Concat(properties.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $" {prefix}{p.Key}={(SecretKeys.Contains(p.Key, StringComparer.OrdinalIgnoreCase) ? "***" : p.Value)}"));
}
