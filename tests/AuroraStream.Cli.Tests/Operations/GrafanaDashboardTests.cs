using System.Text.Json;
using System.Text.RegularExpressions;
using AuroraStream.Influx;
using AuroraStream.TestUtilities;

namespace AuroraStream.Cli.Tests.Operations;

/// <summary>
/// Every query of every dashboard in grafana/dashboards (variables, panel targets, annotations),
/// with Grafana's macros and variables substituted as Grafana does, run against a real influxd
/// that <c>aurorastream run</c> filled: it must parse and return the series its panel shows, with data.
/// </summary>
[Collection("cli stream")]
public sealed class GrafanaDashboardTests(PipelineFilledInflux filled) : IClassFixture<PipelineFilledInflux>
{
    private const int PanelWidthPoints = 1000;
    private static readonly string Grafana = Path.Combine(RepoPaths.Root, "grafana");
    private static readonly string DatasourceYaml = File.ReadAllText(Path.Combine(Grafana, "provisioning", "datasources", "aurorastream.yaml"));
    private static readonly string DatasourceTimeInterval = Regex.Match(DatasourceYaml, @"^\s+timeInterval:\s*(\S+)\s*$", RegexOptions.Multiline).Groups[1].Value;
    private static readonly HashSet<string> Labels = ["arc", "diffuse", "discrete", "cloudy", "moon", "clear", "uncertain"];

    /// <summary>Dashboard, time range, and the Sky variable: its default (dark sky only) or all skies.</summary>
    public static TheoryData<string, string, string> Cases => new()
    {
        { "live-sky.json", "default", "dark" },
        { "live-sky.json", "archive", "dark" },
        { "live-sky.json", "archive", "all" },
        { "occurrence.json", "archive", "dark" },
        { "occurrence.json", "archive", "all" },
        { "occurrence.json", "default", "dark" },
        { "pipeline-health.json", "default", "dark" },
    };

    [Fact]
    public void Dashboards_AllThreeProvisioned_EveryQueryUsesTheProvisionedDatasource()
    {
        var files = Directory.GetFiles(Path.Combine(Grafana, "dashboards"), "*.json").Select(Path.GetFileName).Order().ToList();
        Assert.Equal(["live-sky.json", "occurrence.json", "pipeline-health.json"], files);
        var uid = Regex.Match(DatasourceYaml, @"^\s+uid:\s*(\S+)\s*$", RegexOptions.Multiline).Groups[1].Value;
        Assert.Equal("aurorastream-influxdb", uid);
        foreach (var file in files)
        {
            var dashboard = GrafanaDashboard.Load(Path.Combine(Grafana, "dashboards", file!));
            var users = dashboard.Variables().Where(v => GrafanaDashboard.Text(v, "type") != "custom").Concat(dashboard.Annotations()).Concat(dashboard.Panels()).ToList();
            Assert.All(users, u => Assert.Equal(uid, u.GetProperty("datasource").GetProperty("uid").GetString()));
            Assert.All(dashboard.Panels(), p => Assert.NotEmpty(p.GetProperty("targets").EnumerateArray()));

            // Site and model are template variables of every dashboard.
            Assert.Contains(dashboard.Variables(), v => GrafanaDashboard.Text(v, "name") == "site");
            Assert.Contains(dashboard.Variables(), v => GrafanaDashboard.Text(v, "name") == "model");
        }
    }

    [Fact]
    public void Dashboard_LiveAuroraProbability_LeavesUncertainFramesOut()
    {
        // An uncertain frame keeps its six probabilities, but a blank or saturated camera's
        // p_aurora (0.84 measured) is not an aurora probability: a panel that plots p_aurora
        // without showing the label beside it filters uncertain frames out.
        var dashboard = GrafanaDashboard.Load(Path.Combine(Grafana, "dashboards", "live-sky.json"));
        var plotted = dashboard.Panels().SelectMany(p => p.GetProperty("targets").EnumerateArray()).Select(t => GrafanaDashboard.Text(t, "query")!)
            .Where(q => q.Contains("FROM \"aurora_frame\"", StringComparison.Ordinal) && q.Contains("(\"p_aurora\")", StringComparison.Ordinal) && !q.Contains("\"class\"", StringComparison.Ordinal))
            .ToList();

        Assert.Equal(2, plotted.Count);
        Assert.All(plotted, q => Assert.Contains("\"label\" != 'uncertain'", q, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("live-sky.json")]
    [InlineData("occurrence.json")]
    public void Dashboard_LiveAndOccurrence_HaveADarkSkyOnlyFilterOnByDefaultOnEveryFrameQuery(string file)
    {
        var dashboard = GrafanaDashboard.Load(Path.Combine(Grafana, "dashboards", file));

        var sky = Assert.Single(dashboard.Variables(), v => GrafanaDashboard.Text(v, "name") == "sky");
        Assert.Equal("custom", GrafanaDashboard.Text(sky, "type"));
        Assert.Equal("dark", sky.GetProperty("current").GetProperty("value").GetString());
        Assert.Equal(["dark", ".*"], sky.GetProperty("options").EnumerateArray().Select(o => o.GetProperty("value").GetString()));
        var frameQueries = dashboard.Panels().SelectMany(p => p.GetProperty("targets").EnumerateArray()).Select(t => GrafanaDashboard.Text(t, "query")!).Where(q => q.Contains("FROM \"aurora_frame\"", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(frameQueries);
        Assert.All(frameQueries, q => Assert.Contains("\"sky\" =~ /^($sky)$/", q, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Dashboard_EveryQuery_RunsOnTheFilledInfluxDbAndReturnsItsSeriesWithData(string file, string rangeKind, string skyChoice)
    {
        var darkOnly = skyChoice == "dark";
        var counts = darkOnly ? filled.PublishedDark : filled.Published;
        var dashboard = GrafanaDashboard.Load(Path.Combine(Grafana, "dashboards", file));
        var now = DateTimeOffset.UtcNow;
        var range = rangeKind == "default"
            ? GrafanaTimeRange.Relative(dashboard.DefaultFrom, now)
            : GrafanaTimeRange.Absolute(filled.EarliestCapture.AddHours(-1), now);
        using var client = new InfluxQueryClient(filled.Connection);
        var checkedQueries = 0;

        // Variables in order, each query with the ones before it substituted; the current value is All, else the first.
        var variables = new List<GrafanaVariable>();
        foreach (var v in dashboard.Variables())
        {
            var name = GrafanaDashboard.Text(v, "name")!;
            if (GrafanaDashboard.Text(v, "type") == "custom")
            {
                // A fixed list: dark sky only (the default) or all skies.
                var options = v.GetProperty("options").EnumerateArray().Select(o => o.GetProperty("value").GetString()!).ToList();
                variables.Add(new GrafanaVariable(name, false, false, [darkOnly ? v.GetProperty("current").GetProperty("value").GetString()! : options.Single(o => o != "dark")]));
                continue;
            }

            var query = GrafanaTemplating.Interpolate(GrafanaDashboard.Text(v, "query")!, range, "10s", variables);
            var values = (await RunAsync(client, query, $"variable {name}")).SelectMany(s => s.Values.Select(row => row[s.Columns.ToList().IndexOf("value")].GetString()!)).Order(StringComparer.Ordinal).ToList();
            Assert.True(values.Count > 0, $"{file}: variable {name} has no values ({query})");
            var multi = GrafanaDashboard.Flag(v, "multi");
            var all = GrafanaDashboard.Flag(v, "includeAll");
            variables.Add(new GrafanaVariable(name, multi, all, all || multi ? values : [values[0]]));
            checkedQueries++;
        }

        Assert.Equal(filled.Published.Keys.Order(StringComparer.Ordinal), variables.Single(v => v.Name == "site").Values);

        foreach (var panel in dashboard.Panels())
        {
            var title = GrafanaDashboard.Text(panel, "title")!;
            var interval = GrafanaTemplating.Interval(range, panel.TryGetProperty("maxDataPoints", out var m) ? m.GetInt32() : PanelWidthPoints, GrafanaDashboard.Text(panel, "interval") ?? DatasourceTimeInterval);

            // A repeated panel is one panel per selected value, with the variable scoped to that value.
            var repeat = GrafanaDashboard.Text(panel, "repeat");
            var scopes = repeat is null
                ? [variables]
                : variables.Single(v => v.Name == repeat).Values.Select(value => variables.Select(v => v.Name == repeat ? v with { Values = [value] } : v).ToList()).ToList();
            foreach (var scope in scopes)
            {
                var label = repeat is null ? title : $"{title} [{repeat}={scope.Single(v => v.Name == repeat).Values[0]}]";
                foreach (var target in panel.GetProperty("targets").EnumerateArray().Where(t => !GrafanaDashboard.Flag(t, "hide")))
                {
                    var refId = GrafanaDashboard.Text(target, "refId")!;
                    Assert.True(GrafanaDashboard.Flag(target, "rawQuery"), $"{file}: {label} {refId} is not a raw InfluxQL query");
                    var query = GrafanaTemplating.Interpolate(GrafanaDashboard.Text(target, "query")!, range, interval, scope);
                    var series = await RunAsync(client, query, $"{label} {refId}");
                    var repeated = repeat == "site" ? scope.Single(v => v.Name == "site").Values[0] : null;
                    if (repeated is not null && ((rangeKind == "default" && !PipelineFilledInflux.LiveSites.Contains(repeated)) || counts[repeated] == 0))
                    {
                        // A site with no frames in the range, or none under a dark sky with the filter on: "No data".
                        // A site with no frames in the range: the repeated panel says "No data".
                        Assert.True(series.Count == 0, $"{file} ({rangeKind}): {label} {refId} has data outside the range: {query}");
                        checkedQueries++;
                        continue;
                    }

                    CheckGenericShape(series, query, scope, $"{file} ({rangeKind}): {label} {refId}: {query}");
                    CheckPanel(dashboard.Uid, title, refId, scope, series, rangeKind, counts, $"{file} ({rangeKind}, sky {skyChoice}): {label} {refId}: {query}");
                    checkedQueries++;
                }
            }
        }

        foreach (var annotation in dashboard.Annotations())
        {
            var name = GrafanaDashboard.Text(annotation, "name")!;
            var query = GrafanaTemplating.Interpolate(GrafanaDashboard.Text(annotation, "query")!, range, "10s", variables);
            var series = await RunAsync(client, query, $"annotation {name}");
            var rows = series.Sum(s => s.Values.Count);
            Assert.True(rows > 0, $"{file}: annotation {name} found nothing: {query}");
            foreach (var column in new[] { "tagsColumn", "textColumn", "titleColumn" }.Select(c => GrafanaDashboard.Text(annotation, c)).OfType<string>())
            {
                Assert.All(series, s => Assert.Contains(column, s.Columns));
            }

            if (name == "Aurora onsets")
            {
                // Every site that went from clear to arc in the range has its onset.
                var expected = rangeKind == "default" ? PipelineFilledInflux.LiveSites : [.. PipelineFilledInflux.LiveSites, .. PipelineFilledInflux.ArchiveSites];
                var sites = series.SelectMany(s => s.Values.Select(r => r[s.Columns.ToList().IndexOf("site")].GetString())).ToHashSet();
                Assert.Superset(expected.ToHashSet(), sites!);
            }

            checkedQueries++;
        }

        Assert.True(checkedQueries >= 5, $"{file}: only {checkedQueries} queries");
    }

    private static async Task<List<InfluxSeries>> RunAsync(InfluxQueryClient client, string query, string what)
    {
        try
        {
            return await client.QueryAsync(query).ToListAsync();
        }
        catch (InfluxException e)
        {
            Assert.Fail($"{what}: InfluxDB refused the query: {e.Message}\n{query}");
            throw;
        }
    }

    /// <summary>What every panel query must give: series, each grouped by the tags the query groups by, within the selected values, with non-null values.</summary>
    private static void CheckGenericShape(List<InfluxSeries> series, string query, IReadOnlyList<GrafanaVariable> scope, string what)
    {
        Assert.True(series.Count > 0, $"no series from {what}");
        var groupBy = Regex.Match(query, @"GROUP BY (.+?)(?: fill\(.*\))?$").Groups[1].Value;
        var tags = Regex.Matches(groupBy, "\"(\\w+)\"").Select(t => t.Groups[1].Value).ToList();
        foreach (var s in series)
        {
            Assert.True(s.Values.Any(row => row.Skip(1).Any(v => v.ValueKind is not JsonValueKind.Null)), $"a series without values ({string.Join(",", s.Tags)}) from {what}");
            foreach (var tag in tags)
            {
                Assert.True(s.Tags.ContainsKey(tag), $"series without tag {tag} from {what}");
                if (scope.FirstOrDefault(v => v.Name == tag) is { } variable)
                {
                    Assert.Contains(s.Tags[tag], variable.Values);
                }
            }
        }

        foreach (var alias in Regex.Matches(query, "AS \"([^\"]+)\"").Select(a => a.Groups[1].Value))
        {
            Assert.All(series, s => Assert.Contains(alias, s.Columns));
        }
    }

    /// <summary>What each panel shows, checked against what was published.</summary>
    /// <param name="counts">Frames per site the query may see: all published, or only those under a dark sky (the Sky filter's default).</param>
    private void CheckPanel(string dashboard, string title, string refId, IReadOnlyList<GrafanaVariable> scope, List<InfluxSeries> series, string rangeKind, Dictionary<string, int> counts, string what)
    {
        var inRange = (rangeKind == "archive" ? [.. filled.Published.Keys] : PipelineFilledInflux.LiveSites).Where(site => counts[site] > 0).ToHashSet();
        IEnumerable<JsonElement> Column(string name) => series.SelectMany(s => s.Values.Select(r => r[s.Columns.ToList().IndexOf(name)])).Where(v => v.ValueKind != JsonValueKind.Null);
        IEnumerable<double> Numbers() => series.SelectMany(s => s.Values.SelectMany(r => r.Skip(1))).Where(v => v.ValueKind == JsonValueKind.Number).Select(v => v.GetDouble());
        HashSet<string> Tag(string key) => [.. series.Select(s => s.Tags[key])];
        switch ((dashboard, title, refId))
        {
            case ("aurorastream-live-sky", "Current label per site", _):
                Assert.True(Tag("site").SetEquals(inRange), what);
                Assert.All(Column("label"), l => Assert.Contains(l.GetString()!, Labels));
                break;
            case ("aurorastream-live-sky", "Labels per site", _):
                Assert.True(Tag("site").SetEquals(inRange), what);
                Assert.All(Column("last"), l => Assert.Contains(l.GetString()!, Labels));
                break;
            case ("aurorastream-live-sky", "Aurora probability" or "Age of the last frame", _):
                Assert.True(Tag("site").SetEquals(inRange), what);
                break;
            case ("aurorastream-live-sky", "Aurora probability per site", _):
            case ("aurorastream-occurrence", "Aurora fraction", _):
                Assert.All(Numbers(), p => Assert.InRange(p, 0, 1));
                break;
            case ("aurorastream-occurrence", "Labels by UT hour: $site", _):
            {
                // Every frame of the site counted once, in the UT hour it was captured.
                var site = scope.Single(v => v.Name == "site").Values[0];
                Assert.Equal(counts[site], Column("frames").Sum(v => v.GetInt64()));
                if (PipelineFilledInflux.ArchiveSites.Contains(site))
                {
                    Assert.Equal(["05", "09"], Tag("ut_hour").Order(StringComparer.Ordinal));
                }

                break;
            }

            case ("aurorastream-occurrence", "Labels by day: $site", _):
            {
                var site = scope.Single(v => v.Name == "site").Values[0];
                Assert.Equal(counts[site], Numbers().Sum());
                if (PipelineFilledInflux.ArchiveSites.Contains(site))
                {
                    Assert.Equal(3, series.SelectMany(s => s.Values.Select(r => r[0].GetInt64())).Distinct().Count());
                }

                break;
            }

            case ("aurorastream-occurrence", "Label totals per site", _):
                Assert.Equal(inRange.Sum(site => counts[site]), Column("frames").Sum(v => v.GetInt64()));
                break;
            case ("aurorastream-pipeline", "Frames/s in and out", _):
                Assert.Equal(PipelineFilledInflux.Instance, Assert.Single(Tag("instance")));
                Assert.Contains(Numbers(), r => r > 0);
                break;
            case ("aurorastream-pipeline", "Totals since start", _):
                Assert.Equal(filled.Published.Values.Sum(), Column("written").Max(v => v.GetInt64()));
                Assert.Equal(0, Column("dead-lettered").Max(v => v.GetInt64()));
                break;
            case ("aurorastream-pipeline", "Latency", "A" or "C"):
                Assert.All(Numbers(), ms => Assert.True(ms > 0, what));
                break;
            case ("aurorastream-pipeline", "Frames per site (by capture time)", _):
                Assert.Superset(PipelineFilledInflux.LiveSites.ToHashSet(), Tag("site"));
                break;
            default:
                // Dead letters (zero here, still a series per interval), batch latency, lag and in flight: the generic checks.
                break;
        }
    }
}
