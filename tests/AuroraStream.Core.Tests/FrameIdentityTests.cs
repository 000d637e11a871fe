using AuroraStream.Core;
using AuroraStream.Formats.Stream0;
using AuroraStream.TestUtilities;

namespace AuroraStream.Core.Tests;

public sealed class FrameIdentityTests
{
    [Fact]
    public void SiteProblem_EveryThemisRegoAndTrexSiteOfTheImagerLocationTable_IsAccepted()
    {
        // The table also lists MANGO (3-letter) and PSA (C1..C8) cameras, which are not UCalgary/THEMIS sites.
        var codes = File.ReadLines(RepoPaths.Data("stations", "asi_locations.csv")).Skip(1).Select(l => l.Split(','))
            .Where(f => f[0] is "THEMIS" or "REGO" || f[0].StartsWith("TREx", StringComparison.Ordinal)).Select(f => f[1].ToLowerInvariant()).Distinct().ToList();

        Assert.True(codes.Count > 20);
        Assert.All(codes, c => Assert.Null(FrameIdentity.SiteProblem(c)));
    }

    [Fact]
    public void Problem_EveryFrameOfTheFixturesAndSamples_IsAccepted()
    {
        var frames = Formats.Detection.AsiFiles.FrameFiles([RepoPaths.Samples, RepoPaths.Data("themis-asi"), RepoPaths.Data("other-imagers")], (_, _) => { })
            .SelectMany(f => Formats.Detection.AsiFiles.ReadFrames(f.Path, f.Kind, new Stream0ReaderOptions { RequireThemisAsi = false }).Take(1))
            .ToList();

        Assert.Contains(frames, f => f.Imager == "themis-asf");
        Assert.Contains(frames, f => f.Imager == "nir-216");
        Assert.All(frames, f => Assert.Null(FrameIdentity.Problem(f)));
    }

    [Fact]
    public void Problem_FieldCaseSiteWithATrailingBackslash_NamesTheSiteAndTheRule()
    {
        var frame = Stream0PgmReader.ReadFile(RepoPaths.Data("field-cases", "poison-site", "20200101_0601_gill_themis99_full.pgm.gz")).First();

        Assert.Equal("site 'gill\\' is not a site code: expected 4 lower-case ASCII letters, as THEMIS uses (e.g. gill)", FrameIdentity.Problem(frame));
    }

    [Theory]
    [InlineData("gil")]
    [InlineData("gill1")]
    [InlineData("gi l")]
    [InlineData("gïll")]
    [InlineData("gil,")]
    [InlineData("gil\n")]
    public void SiteProblem_NotFourLowerCaseAsciiLetters_IsRefused(string site) => Assert.NotNull(FrameIdentity.SiteProblem(site));

    [Theory]
    [InlineData("themis19\\")]
    [InlineData("Themis19")]
    [InlineData("19themis")]
    [InlineData("themis 19")]
    [InlineData("themis_19")]
    [InlineData("")]
    public void ImagerProblem_OutsideTheImagerIdForm_IsRefused(string imager) => Assert.NotNull(FrameIdentity.ImagerProblem(imager));

    [Fact]
    public void ImagerProblem_LongerThanTheLimit_IsRefusedShowingTheLength() =>
        Assert.Contains("(2000 characters)", FrameIdentity.ImagerProblem("t" + new string('x', 1999)), StringComparison.Ordinal);

    [Fact]
    public void Problems_ShowNonAsciiAndControlCharactersAsEscapes()
    {
        // A Latin-1 byte in a header (or a UTF-8 one read as Latin-1) reads the same in any terminal.
        Assert.Contains("site 'g\\u00EFll'", FrameIdentity.SiteProblem("g\u00EFll"), StringComparison.Ordinal);
        Assert.Contains("imager 'themis\\x0A19'", FrameIdentity.ImagerProblem("themis\n19"), StringComparison.Ordinal);
        Assert.Contains("imager 'th\\u00C3\\u00A9mis'", FrameIdentity.ImagerProblem("th\u00C3\u00A9mis"), StringComparison.Ordinal);
    }
}
