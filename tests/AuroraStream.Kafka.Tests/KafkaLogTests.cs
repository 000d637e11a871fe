using System.Net;
using System.Net.Sockets;
using AuroraStream.TestUtilities;
using Confluent.Kafka;

namespace AuroraStream.Kafka.Tests;

public sealed class KafkaLogTests
{
    private const string Refused = "[thrd:127.0.0.1:9/bootstrap]: 127.0.0.1:9/bootstrap: Connect to ipv4#127.0.0.1:9 failed: Connection refused (after 0ms in state CONNECT)";

    [Fact]
    public void Write_SameKindRepeatedWithinTheWindow_ShownOnceThenAgainWithHowManyWereHeldBack()
    {
        var clock = new ManualClock();
        var lines = new List<string>();
        var log = new KafkaLog(lines.Add, clock) { RepeatWindow = TimeSpan.FromSeconds(60) };

        log.Write(SyslogLevel.Error, Refused);
        for (var i = 0; i < 40; i++)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            log.Write(SyslogLevel.Error, Refused.Replace("CONNECT)", $"CONNECT, {i + 1} identical error(s) suppressed)", StringComparison.Ordinal));
        }

        Assert.Equal(["error: 127.0.0.1:9/bootstrap: Connect to ipv4#127.0.0.1:9 failed: Connection refused"], lines);

        clock.Advance(TimeSpan.FromSeconds(21));
        log.Write(SyslogLevel.Error, Refused);

        Assert.Equal("error: 127.0.0.1:9/bootstrap: Connect to ipv4#127.0.0.1:9 failed: Connection refused (40 more like it held back)", lines[^1]);
    }

    [Fact]
    public void Flush_SaysHowManyOfEachKindWereHeldBack()
    {
        var lines = new List<string>();
        var log = new KafkaLog(lines.Add);
        log.Write(SyslogLevel.Error, "[thrd:app]: rdkafka#producer-1: 1/1 brokers are down");
        log.Write(SyslogLevel.Error, "[thrd:app]: rdkafka#producer-1: 1/1 brokers are down");
        log.Write(SyslogLevel.Error, "[thrd:app]: rdkafka#producer-2: 1/1 brokers are down");

        log.Flush();

        Assert.Equal(["error: 1/1 brokers are down", "2 more line(s) like '1/1 brokers are down' held back"], lines);
    }

    [Fact]
    public void Write_BelowTheMinimumLevel_IsNotWritten()
    {
        var lines = new List<string>();
        var log = new KafkaLog(lines.Add);

        log.Write(SyslogLevel.Notice, "[thrd:app]: Mock cluster enabled");
        log.Write(SyslogLevel.Debug, "BROKER something");
        log.Write(SyslogLevel.Warning, "CONFWARN: Configuration property fetch.wait.max.ms is a consumer property and will be ignored by this producer instance");

        Assert.Equal(["warning: CONFWARN: Configuration property fetch.wait.max.ms is a consumer property and will be ignored by this producer instance"], lines);
    }

    [Fact]
    public async Task Producer_NoBroker_ItsReconnectLinesArriveSummarised()
    {
        var raw = 0;
        var lines = new List<string>();
        var log = new KafkaLog(line =>
        {
            lock (lines)
            {
                lines.Add(line);
            }
        });
        var config = new ProducerConfig { BootstrapServers = $"127.0.0.1:{ClosedPort()}", ReconnectBackoffMs = 10, ReconnectBackoffMaxMs = 50 };
        using (new ProducerBuilder<string, byte[]>(config)
            .SetLogHandler((_, m) =>
            {
                Interlocked.Increment(ref raw);
                log.OnLog(m);
            })
            .SetErrorHandler((_, e) =>
            {
                Interlocked.Increment(ref raw);
                log.OnError(e);
            })
            .Build())
        {
            await Poll.UntilAsync(() => Volatile.Read(ref raw) >= 30, TimeSpan.FromSeconds(30), "librdkafka reported 30 reconnect failures");
        }

        lock (lines)
        {
            Assert.InRange(lines.Count, 1, 3);
            Assert.Contains(lines, l => l.StartsWith("error: ", StringComparison.Ordinal) && l.Contains("Connection refused", StringComparison.Ordinal));
            Assert.DoesNotContain(lines, l => l.Contains("[thrd:", StringComparison.Ordinal));
        }
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private sealed class ManualClock : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
