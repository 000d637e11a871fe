using AuroraStream.Formats.SpaceWeather;

namespace AuroraStream.Formats.Tests.SpaceWeather;

public sealed class CadenceTests
{
    [Theory]
    [InlineData("1-minute", 60_000)]
    [InlineData("filtered 1-minute (00:15-01:45)", 60_000)]
    [InlineData("1-second (instantaneous)", 1_000)]
    [InlineData("Average 1-Second", 1_000)]
    [InlineData("0.5 sec", 500)]
    [InlineData("5 min", 300_000)]
    [InlineData("1-hour", 3_600_000)]
    [InlineData("1-day", 86_400_000)]
    public void Parse_IntervalText_GivesTheStep(string text, double milliseconds) =>
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), Cadence.Parse(text));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("variation")]
    public void Parse_NoInterval_IsNull(string? text) => Assert.Null(Cadence.Parse(text));

    [Fact]
    public void MostCommonStep_GapAtTheStart_IsTheRegularSpacing()
    {
        var t0 = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var times = new[] { 0, 5, 6, 7, 8, 9, 20 }.Select(m => t0.AddMinutes(m));

        Assert.Equal(TimeSpan.FromMinutes(1), Cadence.MostCommonStep(times, TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void MostCommonStep_JitteredFloatingTimes_RoundToTheQuantum()
    {
        var t0 = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var times = Enumerable.Range(0, 10).Select(i => t0.AddTicks((i * 5_000_000L) + (i % 2 == 0 ? 3 : -3)));

        Assert.Equal(TimeSpan.FromMilliseconds(500), Cadence.MostCommonStep(times, TimeSpan.FromMilliseconds(1)));
        Assert.Null(Cadence.MostCommonStep([t0, t0], TimeSpan.FromMilliseconds(1)));
    }
}
