using Confluent.Kafka;

namespace AuroraStream.Kafka;

/// <summary>
/// An in-process Kafka-protocol cluster: librdkafka's mock cluster, created by a client with
/// <c>test.mock.num.brokers</c> set. It serves the real wire protocol on 127.0.0.1; its address is
/// read from the cluster metadata and other clients connect to it like to any cluster. Topics are
/// created on first use with 4 partitions (the mock's default; it does not serve CreateTopics). It lives as
/// long as this object. For the demo and tests; production uses Apache Kafka.
/// </summary>
public sealed class EmbeddedKafkaCluster : IDisposable
{
    private readonly IAdminClient _owner;

    private EmbeddedKafkaCluster(IAdminClient owner, string bootstrapServers)
    {
        _owner = owner;
        BootstrapServers = bootstrapServers;
    }

    /// <summary>host:port list of the mock brokers.</summary>
    public string BootstrapServers { get; }

    /// <summary>Starts a cluster of <paramref name="brokers"/> brokers; librdkafka's warnings and errors go to <paramref name="log"/> (<see cref="KafkaLog"/>), none when null.</summary>
    public static EmbeddedKafkaCluster Start(int brokers = 1, Action<string>? log = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(brokers, 1);
        var config = new AdminClientConfig { BootstrapServers = "127.0.0.1:1" };
        config.Set("test.mock.num.brokers", brokers.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var admin = new KafkaLog(log).AttachTo(new AdminClientBuilder(config)).Build();
        try
        {
            var metadata = admin.GetMetadata(TimeSpan.FromSeconds(10));
            var servers = string.Join(",", metadata.Brokers.Select(b => $"{b.Host}:{b.Port}"));
            if (servers.Length == 0)
            {
                throw new InvalidOperationException("the embedded Kafka cluster reported no brokers");
            }

            return new EmbeddedKafkaCluster(admin, servers);
        }
        catch
        {
            admin.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public void Dispose() => _owner.Dispose();
}
