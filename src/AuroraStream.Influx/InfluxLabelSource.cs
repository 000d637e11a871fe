using System.Runtime.CompilerServices;
using AuroraStream.Core;
using AuroraStream.Core.Sky;

namespace AuroraStream.Influx;

/// <summary>
/// Labelled frames from the stream's <c>aurora_frame</c> measurement (tags site, imager, label,
/// model, sky; field confidence), read with InfluxQL grouped by site, label and sky (points written
/// before the sky tag existed come with no sky).
/// </summary>
public sealed class InfluxLabelSource(InfluxQueryClient client, InfluxConnectionOptions options, string? model = null) : ILabelSource
{
    /// <summary>The measurement the stream writes.</summary>
    public const string Measurement = "aurora_frame";

    /// <inheritdoc />
    public string Description => $"InfluxDB {options} measurement {Measurement}{(model is null ? string.Empty : $" model={model}")}";

    /// <summary>The InfluxQL this source runs for a query.</summary>
    public string BuildQuery(LabelQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var where = new List<string>();
        if (query.From is { } from)
        {
            where.Add($"time >= {InfluxQueryClient.Time(from)}");
        }

        if (query.To is { } to)
        {
            where.Add($"time < {InfluxQueryClient.Time(to)}");
        }

        if (query.Sites is { Count: > 0 } sites)
        {
            where.Add($"({string.Join(" OR ", sites.Order(StringComparer.Ordinal).Select(s => $"\"site\" = {InfluxQueryClient.Literal(s)}"))})");
        }

        if (model is not null)
        {
            where.Add($"\"model\" = {InfluxQueryClient.Literal(model)}");
        }

        var clause = where.Count == 0 ? string.Empty : $" WHERE {string.Join(" AND ", where)}";
        return $"SELECT \"confidence\" FROM {InfluxQueryClient.Identifier(Measurement)}{clause} GROUP BY \"site\", \"label\", \"sky\"";
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<LabelledFrame> ReadLabelsAsync(LabelQuery query, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // A server that is down or silent fails in seconds, before a query that may take long.
        await client.PingAsync(cancellationToken).ConfigureAwait(false);
        await foreach (var series in client.QueryAsync(BuildQuery(query), cancellationToken).ConfigureAwait(false))
        {
            var site = series.Tags.GetValueOrDefault("site") ?? string.Empty;
            var label = series.Tags.GetValueOrDefault("label") ?? string.Empty;
            SkyState? sky = SkyConditions.TryParse(series.Tags.GetValueOrDefault("sky"), out var s) ? s : null;
            var confidenceColumn = series.Columns.ToList().IndexOf("confidence");
            foreach (var row in series.Values)
            {
                var time = DateTime.UnixEpoch.AddTicks(row[0].GetInt64() / 100);
                double? confidence = confidenceColumn >= 0 && row[confidenceColumn].ValueKind == System.Text.Json.JsonValueKind.Number ? row[confidenceColumn].GetDouble() : null;
                yield return new LabelledFrame(site, time, label, confidence, sky);
            }
        }
    }
}
