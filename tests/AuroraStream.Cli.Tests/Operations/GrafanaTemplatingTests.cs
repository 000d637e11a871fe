namespace AuroraStream.Cli.Tests.Operations;

/// <summary>The dashboard tests stand in for Grafana, so its substitution rules are checked on their own.</summary>
public sealed class GrafanaTemplatingTests
{
    private static readonly GrafanaTimeRange SixHours = GrafanaTimeRange.Relative("now-6h", new DateTimeOffset(2024, 3, 1, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Interpolate_MultiValueAndAll_RegexEscapedAlternation_SingleValueVariableAsItIs()
    {
        GrafanaVariable[] variables =
        [
            new("site", Multi: true, IncludeAll: true, ["gill", "fs.mi"]),
            new("model", Multi: false, IncludeAll: false, ["m-1.0"]),
            new("one", Multi: true, IncludeAll: false, ["a+b"]),
        ];

        var query = GrafanaTemplating.Interpolate("WHERE \"site\" =~ /^$site$/ AND \"model\" =~ /^${model}$/ AND x =~ /^[[one]]$/ AND $timeFilter GROUP BY time($__interval)", SixHours, "20s", variables);

        Assert.Equal("WHERE \"site\" =~ /^(gill|fs\\.mi)$/ AND \"model\" =~ /^m-1.0$/ AND x =~ /^a\\+b$/ AND time >= now() - 6h and time <= now() GROUP BY time(20s)", query);
    }

    [Fact]
    public void Interpolate_UndefinedVariable_FailsNamingIt()
    {
        var e = Assert.ThrowsAny<Exception>(() => GrafanaTemplating.Interpolate("SELECT x FROM m WHERE \"host\" =~ /^$host$/", SixHours, "10s", []));
        Assert.Contains("$host", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TimeFilter_AbsoluteRange_InMilliseconds()
    {
        var range = GrafanaTimeRange.Absolute(DateTimeOffset.FromUnixTimeMilliseconds(1_000), DateTimeOffset.FromUnixTimeMilliseconds(5_000));
        Assert.Equal("time >= 1000ms and time <= 5000ms", range.TimeFilter);
    }

    [Theory]
    [InlineData("now-6h", null, "20s")] // 21.6 s per point rounds to 20 s
    [InlineData("now-1h", "10s", "10s")] // 3.6 s per point, raised to the datasource's 10 s
    [InlineData("now-6h", "1h", "1h")]
    [InlineData("now-30d", null, "30m")] // 2,592 s per point
    [InlineData("now-3650d", null, "1d")]
    public void Interval_RangeOverThousandPoints_RoundedAndNotBelowTheMinimum(string from, string? minimum, string expected)
    {
        var range = GrafanaTimeRange.Relative(from, DateTimeOffset.UnixEpoch.AddYears(50));
        Assert.Equal(expected, GrafanaTemplating.Interval(range, 1000, minimum));
    }
}
