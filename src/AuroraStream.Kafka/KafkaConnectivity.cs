using Confluent.Kafka;

namespace AuroraStream.Kafka;

/// <summary>Start-up check, so bad configuration fails fast instead of retrying for ever.</summary>
public static class KafkaConnectivity
{
    /// <summary>Asks the cluster for its metadata; throws <see cref="IOException"/> naming the servers when no broker answers.</summary>
    public static void CheckReachable(KafkaOptions options, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(options);
        using var admin = new AdminClientBuilder(options.Apply(new AdminClientConfig())).Build();
        try
        {
            if (admin.GetMetadata(options.FramesTopic, timeout).Brokers.Count == 0)
            {
                throw new IOException($"Kafka {options.BootstrapServers}: no broker answered");
            }
        }
        catch (KafkaException e)
        {
            throw new IOException($"Kafka {options.BootstrapServers}: not reachable ({e.Error.Reason})", e);
        }
    }
}
