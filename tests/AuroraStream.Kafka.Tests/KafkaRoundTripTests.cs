using System.Text;
using AuroraStream.Core.Stream;
using Confluent.Kafka;

namespace AuroraStream.Kafka.Tests;

/// <summary>The publisher, the consumer and the dead-letter producer against the Kafka-protocol mock cluster over TCP.</summary>
public sealed class KafkaRoundTripTests : IDisposable
{
    private readonly EmbeddedKafkaCluster _cluster = EmbeddedKafkaCluster.Start();

    public void Dispose() => _cluster.Dispose();

    [Fact]
    public async Task PublishConsumeCommit_SecondMemberOfTheGroupResumesAfterTheCommittedOffsets()
    {
        var options = Options();
        var sites = new[] { "gill", "fsmi", "atha", "rank" };
        await using (var publisher = new FramePublisher(options))
        {
            for (var i = 0; i < 12; i++)
            {
                publisher.Publish(FrameMessageCodecTests.Frame(sites[i % 4], "themis19", 256, index: i));
            }

            await publisher.FlushAsync();
            Assert.Equal(12, publisher.Delivered);
        }

        var seen = new List<InboundMessage>();
        await using (var source = new KafkaMessageSource(options))
        {
            seen.AddRange(await ReadAsync(source, 12));

            // Mark only the first half of each partition processed: the rest must be read again.
            foreach (var partition in seen.GroupBy(m => m.Partition))
            {
                var ordered = partition.OrderBy(m => m.Offset).ToList();
                source.MarkProcessed(partition.Key, ordered[ordered.Count / 2].Offset);
            }

            await source.CommitAsync();
        }

        var expectedAgain = seen.GroupBy(m => m.Partition).Sum(p => p.Count() - (p.Count() / 2));
        await using (var again = new KafkaMessageSource(options))
        {
            var reread = await ReadAsync(again, expectedAgain);
            Assert.Equal(expectedAgain, reread.Count);
            foreach (var message in reread)
            {
                var first = seen.Where(m => m.Partition == message.Partition).OrderBy(m => m.Offset).ToList();
                Assert.True(message.Offset >= first[first.Count / 2].Offset, $"{message} was committed but read again");
            }
        }

        // Each site's frames stay in order within their partition (key = site).
        foreach (var site in seen.GroupBy(m => m.Key))
        {
            Assert.Single(site.Select(m => m.Partition).Distinct());
            var times = site.OrderBy(m => m.Offset).Select(m => new FrameMessageCodec().Decode(m, out _)!.CaptureTime).ToList();
            Assert.Equal(times.Order(), times);
        }
    }

    [Fact]
    public async Task Publish_FrameOverTheSizeLimit_IsRefusedNamingTheFrame()
    {
        var options = Options();
        options.MaxMessageBytes = 64_000;
        await using var publisher = new FramePublisher(options);

        var error = Assert.Throws<MessageTooLargeException>(() => publisher.Publish(FrameMessageCodecTests.Frame("gill", "themis19", 256)));

        Assert.Contains("gill", error.Message, StringComparison.Ordinal);
        Assert.Contains("exceeds the broker limit of 64,000 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeadLetterSink_KeepsBytesAndSaysWhyWhereAndFromWhich()
    {
        var options = Options();
        await using (var sink = new KafkaDeadLetterSink(options))
        {
            await sink.SendAsync([new DeadLetter(new InboundMessage(2, 41, "gill", new byte[] { 1, 2, 3 }), "decode", "undecodable: test")]);
        }

        using var consumer = new ConsumerBuilder<string?, byte[]>(new ConsumerConfig { BootstrapServers = _cluster.BootstrapServers, GroupId = "dlq-reader", AutoOffsetReset = AutoOffsetReset.Earliest }).Build();
        consumer.Subscribe(options.DeadLetterTopic);
        var result = ConsumeOne(consumer);

        Assert.Equal([1, 2, 3], result.Message.Value);
        Assert.Equal("gill", result.Message.Key);
        Assert.Equal("undecodable: test", Header(result, KafkaDeadLetterSink.ReasonHeader));
        Assert.Equal("decode", Header(result, KafkaDeadLetterSink.StageHeader));
        Assert.Equal("2", Header(result, "source-partition"));
        Assert.Equal("41", Header(result, "source-offset"));
        consumer.Close();
    }

    [Fact]
    public void CheckReachable_NoBrokerThere_FailsNamingTheAddress()
    {
        var options = new KafkaOptions { BootstrapServers = "127.0.0.1:1" };

        var error = Assert.ThrowsAny<Exception>(() => KafkaConnectivity.CheckReachable(options, TimeSpan.FromSeconds(2)));

        Assert.Contains("127.0.0.1:1", error.Message, StringComparison.Ordinal);
    }

    private KafkaOptions Options()
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        return new KafkaOptions { BootstrapServers = _cluster.BootstrapServers, FramesTopic = $"frames-{id}", DeadLetterTopic = $"dead-{id}", GroupId = $"group-{id}" };
    }

    private static async Task<List<InboundMessage>> ReadAsync(KafkaMessageSource source, int count)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var messages = new List<InboundMessage>();
        await foreach (var message in source.ReadAsync(deadline.Token))
        {
            messages.Add(message);
            if (messages.Count == count)
            {
                break;
            }
        }

        Assert.Equal(count, messages.Count);
        return messages;
    }

    private static ConsumeResult<string?, byte[]> ConsumeOne(IConsumer<string?, byte[]> consumer)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { IsPartitionEOF: false } result)
            {
                return result;
            }
        }

        throw new TimeoutException("no dead letter arrived within 30 s");
    }

    private static string Header(ConsumeResult<string?, byte[]> result, string name) =>
        Encoding.UTF8.GetString(result.Message.Headers.GetLastBytes(name));
}
