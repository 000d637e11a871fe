using AuroraStream.TestUtilities;
using static AuroraStream.Cli.Tests.Commands.CliRunner;

namespace AuroraStream.Cli.Tests.Commands;

/// <summary>The readers' field cases (tests/data/field-cases: IAGA, labels) through the command line.</summary>
public sealed class ReaderFieldCaseCommandTests
{
    private static string FieldCase(params string[] parts) => RepoPaths.Data(["field-cases", .. parts]);

    [Fact]
    public async Task Geoeffect_LeapSecondMagnetometerAndFromInTheLeapSecond_JoinsTheLaterLabel()
    {
        using var temp = new TempFolder();

        // The labels are at 23:59:57 and 00:00:02; --from 23:59:60 keeps only the second.
        var (code, output, error) = await RunAsync("analyze", "geoeffect", "--labels", FieldCase("iaga", "labels_tst.csv"), "--mag", FieldCase("iaga", "tst20161231dsec.sec"),
            "--from", "2016-12-31T23:59:60Z", "--include-twilight", "--out", temp.File("out"));

        Assert.True(code == 0, error);
        Assert.Contains("geoeffect: 1 labelled frames, 1 joined", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2020-01-01")]
    [InlineData("2020-01-01T01:00:00+01:00")]
    public async Task Occurrence_FromAsDateOrWithOffset_IsAccepted(string from)
    {
        using var temp = new TempFolder();
        var labels = temp.Write("labels.csv", "time,site,label\n2019-12-31T23:30:00Z,gill,arc\n2020-01-01T00:30:00Z,gill,arc\n"u8.ToArray());

        var (code, output, error) = await RunAsync("analyze", "occurrence", "--labels", labels, "--omni", RepoPaths.Data("omni", "OMNI_HIGH_RES_1min_202001.csv"), "--from", from, "--out", temp.File("out"));

        Assert.True(code == 0, error);
        Assert.Contains("occurrence: 1 labelled frames", output, StringComparison.Ordinal);
    }
}
