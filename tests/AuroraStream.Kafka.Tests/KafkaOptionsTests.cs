using Confluent.Kafka;

namespace AuroraStream.Kafka.Tests;

public sealed class KafkaOptionsTests
{
    [Fact]
    public void Apply_RoleProperties_GoOnlyToTheirOwnClients_AfterTheSharedOnes()
    {
        var options = new KafkaOptions
        {
            Properties = { ["client.id"] = "shared", ["socket.timeout.ms"] = "30000" },
            ConsumerProperties = { ["fetch.wait.max.ms"] = "10", ["socket.timeout.ms"] = "20000" },
            ProducerProperties = { ["linger.ms"] = "20" },
        };

        var consumer = options.Apply(new ConsumerConfig());
        var producer = options.Apply(new ProducerConfig());
        var admin = options.Apply(new AdminClientConfig());

        Assert.Equal(("shared", "10", null, "20000"), (consumer.Get("client.id"), consumer.Get("fetch.wait.max.ms"), consumer.Get("linger.ms"), consumer.Get("socket.timeout.ms")));
        Assert.Equal(("shared", null, "20", "30000"), (producer.Get("client.id"), producer.Get("fetch.wait.max.ms"), producer.Get("linger.ms"), producer.Get("socket.timeout.ms")));
        Assert.Equal(("shared", null, null), (admin.Get("client.id"), admin.Get("fetch.wait.max.ms"), admin.Get("linger.ms")));
    }

    [Fact]
    public void Producer_ConsumerOnlyProperty_IsNotGivenToIt_SoLibrdkafkaDoesNotWarn()
    {
        var asRole = new KafkaOptions { BootstrapServers = "127.0.0.1:1", ConsumerProperties = { ["fetch.wait.max.ms"] = "10" } };
        var shared = new KafkaOptions { BootstrapServers = "127.0.0.1:1", Properties = { ["fetch.wait.max.ms"] = "10" } };

        Assert.DoesNotContain(ConfigurationWarnings(asRole), w => w.Contains("fetch.wait.max.ms", StringComparison.Ordinal));

        // The control: the same property among the shared ones reaches the producer, which warns.
        Assert.Contains(ConfigurationWarnings(shared), w => w.Contains("fetch.wait.max.ms", StringComparison.Ordinal));
    }

    [Fact]
    public void ToString_NamesEachRolesProperties_AndHidesSecretsInAllOfThem()
    {
        var options = new KafkaOptions
        {
            Properties = { ["sasl.password"] = "shared-secret" },
            ConsumerProperties = { ["fetch.wait.max.ms"] = "10", ["sasl.password"] = "consumer-secret" },
            ProducerProperties = { ["ssl.key.password"] = "producer-secret" },
        };

        var text = options.ToString();

        Assert.DoesNotContain("secret", text, StringComparison.Ordinal);
        Assert.Contains(" sasl.password=***", text, StringComparison.Ordinal);
        Assert.Contains(" consumer.fetch.wait.max.ms=10", text, StringComparison.Ordinal);
        Assert.Contains(" consumer.sasl.password=***", text, StringComparison.Ordinal);
        Assert.Contains(" producer.ssl.key.password=***", text, StringComparison.Ordinal);
    }

    /// <summary>What librdkafka logs under CONFWARN while creating a producer from the options.</summary>
    private static List<string> ConfigurationWarnings(KafkaOptions options)
    {
        var logged = new List<string>();
        using (new ProducerBuilder<string, byte[]>(options.Apply(new ProducerConfig()))
            .SetLogHandler((_, message) =>
            {
                lock (logged)
                {
                    logged.Add($"{message.Facility} {message.Message}");
                }
            })
            .Build())
        {
        }

        lock (logged)
        {
            return [.. logged.Where(m => m.StartsWith("CONFWARN", StringComparison.Ordinal))];
        }
    }
}
