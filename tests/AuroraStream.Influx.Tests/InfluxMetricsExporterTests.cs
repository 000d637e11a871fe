using System.Diagnostics.Metrics;
using System.Text.Json;
using AuroraStream.TestUtilities;

namespace AuroraStream.Influx.Tests;

public sealed class InfluxMetricsExporterTests
{
    [Fact]
    public async Task Exporter_CountersHistogramsAndGauges_OnePointPerFlushWithTotalsAndIntervalQuantiles()
    {
        using var server = new InfluxServer();
        server.Execute("CREATE DATABASE metrics");
        var connection = new InfluxConnectionOptions { Url = server.Url, Database = "metrics" };
        var meterName = "Test.Exporter." + Guid.NewGuid().ToString("N");
        using var meter = new Meter(meterName);
        var written = meter.CreateCounter<long>("aurorastream.pipeline.frames.written");
        var latency = meter.CreateHistogram<double>("aurorastream.pipeline.capture_to_write.latency");
        var lag = 42L;
        meter.CreateObservableGauge("aurorastream.pipeline.consumer.lag", () => lag);
        var errors = new List<string>();

        // A one-hour interval: only the explicit flush and the dispose make points.
        var exporter = new InfluxMetricsExporter(
            connection,
            new InfluxMetricsExporterOptions { Interval = TimeSpan.FromHours(1), Meters = [meterName], Tags = new Dictionary<string, string> { ["instance"] = "node 1", ["model"] = "m1" } },
            onError: errors.Add);
        await using (exporter)
        {
            written.Add(5);
            for (var i = 1; i <= 100; i++)
            {
                latency.Record(i);
            }

            await exporter.FlushAsync();
            written.Add(3);
            lag = 7;
        }

        Assert.Empty(errors);
        Assert.Equal(2, exporter.PointsWritten);
        using var query = new InfluxQueryClient(connection);
        var series = Assert.Single(await query.QueryAsync("SELECT * FROM aurora_pipeline").ToListAsync());
        var columns = series.Columns.ToList();
        JsonElement Cell(int row, string column) => series.Values[row][columns.IndexOf(column)];

        Assert.Equal(2, series.Values.Count);
        Assert.Equal("node 1", Cell(0, "instance").GetString());
        Assert.Equal("m1", Cell(0, "model").GetString());
        Assert.Equal([5L, 8L], [Cell(0, "frames_written").GetInt64(), Cell(1, "frames_written").GetInt64()]);
        Assert.Equal([42.0, 7.0], [Cell(0, "consumer_lag").GetDouble(), Cell(1, "consumer_lag").GetDouble()]);
        Assert.Equal(100, Cell(0, "capture_to_write_latency_count").GetInt64());
        Assert.Equal(50.5, Cell(0, "capture_to_write_latency_mean").GetDouble());
        Assert.Equal(50.0, Cell(0, "capture_to_write_latency_p50").GetDouble());
        Assert.Equal(99.0, Cell(0, "capture_to_write_latency_p99").GetDouble());
        Assert.Equal(100.0, Cell(0, "capture_to_write_latency_max").GetDouble());

        // The second interval saw no latencies: a zero count and no quantiles.
        Assert.Equal(0, Cell(1, "capture_to_write_latency_count").GetInt64());
        Assert.Equal(JsonValueKind.Null, Cell(1, "capture_to_write_latency_p99").ValueKind);
    }

    [Fact]
    public async Task Exporter_InfluxDbUnreachable_ReportsAndCarriesOnWithoutThrowing()
    {
        var meterName = "Test.Exporter." + Guid.NewGuid().ToString("N");
        using var meter = new Meter(meterName);
        var consumed = meter.CreateCounter<long>("aurorastream.pipeline.frames.consumed");
        var errors = new List<string>();
        var exporter = new InfluxMetricsExporter(
            new InfluxConnectionOptions { Url = new Uri("http://127.0.0.1:1/"), Database = "metrics", Timeout = TimeSpan.FromSeconds(1) },
            new InfluxMetricsExporterOptions { Interval = TimeSpan.FromHours(1), Meters = [meterName] },
            onError: errors.Add);
        await using (exporter)
        {
            consumed.Add(1);
            await exporter.FlushAsync();
            Assert.Equal(0, exporter.PointsWritten);
            Assert.Contains(errors, e => e.StartsWith("metrics point not written", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Exporter_InfluxDbAnswering503_ReportsAndTheNextPointCarriesTheTotalsOn()
    {
        var meterName = "Test.Exporter." + Guid.NewGuid().ToString("N");
        using var meter = new Meter(meterName);
        var written = meter.CreateCounter<long>("aurorastream.pipeline.frames.written");
        var handler = new Answering();
        var errors = new List<string>();
        var exporter = new InfluxMetricsExporter(
            new InfluxConnectionOptions { Url = new Uri("http://127.0.0.1:1/"), Database = "metrics" },
            new InfluxMetricsExporterOptions { Interval = TimeSpan.FromHours(1), Meters = [meterName] },
            onError: errors.Add,
            handler: handler);
        await using (exporter)
        {
            written.Add(4);
            handler.Status = System.Net.HttpStatusCode.ServiceUnavailable;
            await exporter.FlushAsync();
            Assert.Equal(0, exporter.PointsWritten);
            Assert.Contains(errors, e => e.Contains("HTTP 503", StringComparison.Ordinal));

            written.Add(1);
            handler.Status = System.Net.HttpStatusCode.NoContent;
            await exporter.FlushAsync();
            Assert.Equal(1, exporter.PointsWritten);
            Assert.Contains("frames_written=5i ", handler.LastBody, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Exporter_FieldNames_DropTheFirstMatchingPrefixAndUseUnderscores()
    {
        var exporter = new InfluxMetricsExporter(
            new InfluxConnectionOptions { Url = new Uri("http://127.0.0.1:1/"), Database = "metrics" },
            new InfluxMetricsExporterOptions { Interval = TimeSpan.FromHours(1), Meters = ["Test.None"] });
        await using (exporter)
        {
            Assert.Equal("frames_dead_lettered", exporter.FieldName("aurorastream.pipeline.frames.dead_lettered"));
            Assert.Equal("inference_batch_duration", exporter.FieldName("aurorastream.inference.batch.duration"));
            Assert.Equal("other_thing", exporter.FieldName("other.thing"));
        }
    }

    [Fact]
    public void Exporter_BadOptions_NameTheSetting()
    {
        var connection = new InfluxConnectionOptions { Url = new Uri("http://127.0.0.1:1/"), Database = "metrics" };
        Assert.Contains("Interval", Assert.Throws<ArgumentOutOfRangeException>(() => new InfluxMetricsExporter(connection, new InfluxMetricsExporterOptions { Interval = TimeSpan.Zero, Meters = ["m"] })).Message, StringComparison.Ordinal);
        Assert.Contains("Meters", Assert.Throws<ArgumentException>(() => new InfluxMetricsExporter(connection, new InfluxMetricsExporterOptions())).Message, StringComparison.Ordinal);
    }

    private sealed class Answering : HttpMessageHandler
    {
        public System.Net.HttpStatusCode Status { get; set; } = System.Net.HttpStatusCode.NoContent;

        public string LastBody { get; private set; } = string.Empty;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            LastBody = await request.Content!.ReadAsStringAsync(cancellationToken);
            return new HttpResponseMessage(Status) { Content = new StringContent("{\"error\":\"overloaded\"}") };
        }
    }
}
