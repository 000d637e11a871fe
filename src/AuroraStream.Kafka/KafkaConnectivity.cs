using System.Globalization;
using Confluent.Kafka;

namespace AuroraStream.Kafka;

/// <summary>Start-up check, so bad configuration fails fast instead of retrying for ever.</summary>
public static class KafkaConnectivity
{
    /// <summary>How long <see cref="CheckReachable(KafkaOptions)"/> waits for a broker.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Checks within <see cref="DefaultTimeout"/>.</summary>
    public static void CheckReachable(KafkaOptions options) => CheckReachable(options, DefaultTimeout);

    /// <summary>
    /// Asks the cluster for the frames topic's metadata; throws <see cref="IOException"/> naming the
    /// servers, what was asked and librdkafka's last complaint when no broker answers. librdkafka's
    /// own lines of this probe (a reconnect line or two every second) go into that one message only.
    /// </summary>
    public static void CheckReachable(KafkaOptions options, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(options);
        string? last = null;
        void Keep(string reason) => Volatile.Write(ref last, KafkaLog.Clean(reason));
        using var admin = KafkaOptions.Build(() => new AdminClientBuilder(options.Apply(new AdminClientConfig()))
            .SetLogHandler((_, m) =>
            {
                if (m.Level <= SyslogLevel.Warning)
                {
                    Keep(m.Message);
                }
            })
            .SetErrorHandler((_, e) => Keep(e.Reason))
            .Build());
        try
        {
            if (admin.GetMetadata(options.FramesTopic, timeout).Brokers.Count == 0)
            {
                throw new IOException(Unreachable(options, timeout, "no broker answered", Volatile.Read(ref last)));
            }
        }
        catch (KafkaException e)
        {
            throw new IOException(Unreachable(options, timeout, e.Error.Reason, Volatile.Read(ref last)), e);
        }
    }

    private static string Unreachable(KafkaOptions options, TimeSpan timeout, string reason, string? last) =>
        string.Create(CultureInfo.InvariantCulture, $"Kafka {options.BootstrapServers}: not reachable: no answer within {timeout.TotalSeconds:0.#} s to a metadata request for topic {options.FramesTopic} ({reason}{(last is null || last == reason ? string.Empty : $"; last error: {last}")}); check Kafka:BootstrapServers / --bootstrap and that the broker is up");
}
