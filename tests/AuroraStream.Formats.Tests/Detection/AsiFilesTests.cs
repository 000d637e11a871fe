using AuroraStream.Formats.Detection;
using AuroraStream.TestUtilities;

namespace AuroraStream.Formats.Tests.Detection;

public sealed class AsiFilesTests
{
    [Fact]
    public void Detect_ByContentNotName_RecognisesEveryFixtureKind()
    {
        using var temp = new TempFolder();
        var renamed = temp.Write("frames.dat", File.ReadAllBytes(RepoPaths.L1AsfCdf));

        Assert.Equal(AsiFileKind.Stream0PgmGzip, AsiFiles.Detect(RepoPaths.Stream0Gz));
        Assert.Equal(AsiFileKind.Stream0Pgm, AsiFiles.Detect(RepoPaths.Stream0Plain));
        Assert.Equal(AsiFileKind.Cdf, AsiFiles.Detect(renamed));
        Assert.Equal(AsiFileKind.IdlSave, AsiFiles.Detect(RepoPaths.Data("themis-asi", "skymap", "themis_skymap_atha_20230115-+_v02.sav")));
        Assert.Equal(AsiFileKind.Png, AsiFiles.Detect(RepoPaths.Data("oath", "images", "00001.png")));
        Assert.Equal(AsiFileKind.Unknown, AsiFiles.Detect(RepoPaths.Data("README.md")));
    }

    [Fact]
    public void FrameFiles_AFileGivenByNameThatHoldsNoFrames_IsRefusedInWords_NotByTheKindsName()
    {
        var text = RepoPaths.Data("README.md");
        var skymap = RepoPaths.Data("themis-asi", "skymap", "themis_skymap_atha_20230115-+_v02.sav");
        var errors = new List<string>();

        Assert.Empty(AsiFiles.FrameFiles([text, skymap], (_, e) => errors.Add(e.Message)));

        Assert.Equal(
            [
                $"{text}: not a THEMIS ASI frame file: its first bytes match none of the formats read (UCalgary stream0 PGM, plain or gzip; THEMIS L1 ASI CDF)",
                $"{skymap}: not a THEMIS ASI frame file: an IDL SAVE file (THEMIS skymaps are these), which holds no frames",
            ],
            errors);
        Assert.All(Enum.GetValues<AsiFileKind>(), k => Assert.DoesNotContain(k.ToString(), AsiFiles.Describe(k), StringComparison.Ordinal));
    }

    [Fact]
    public void FrameFiles_FolderWithAnEmptyFile_ReportsItInsteadOfSkippingIt()
    {
        var folder = RepoPaths.Data("field-cases", "stream0-truncated");
        var errors = new List<string>();

        var files = AsiFiles.FrameFiles([folder], (_, e) => errors.Add(e.Message)).Select(f => Path.GetFileName(f.Path)).ToList();

        Assert.Equal(AsiFileKind.Empty, AsiFiles.Detect(Path.Combine(folder, "20200101_0603_gill_themis99_full.pgm.gz")));
        Assert.Equal(["20200101_0600_gill_themis99_full.pgm.gz", "20200101_0602_gill_themis99_full.pgm.gz"], files);
        Assert.Equal([$"{Path.Combine(folder, "20200101_0603_gill_themis99_full.pgm.gz")}: empty file (0 bytes): nothing was written to it, or its transfer was cut (byte offset 0)"], errors);
    }

    [Fact]
    public void Detect_GzipCutInsideItsHeader_IsAStream0FileForTheReaderToRefuse()
    {
        using var temp = new TempFolder();
        var cut = temp.Write("cut.pgm.gz", File.ReadAllBytes(RepoPaths.Stream0Gz)[..6]);

        Assert.Equal(AsiFileKind.Stream0PgmGzip, AsiFiles.Detect(cut));
        Assert.Contains("truncated gzip: the file ends inside the header", Assert.Throws<InvalidDataException>(() => AsiFiles.ReadFrames(cut).ToList()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FrameSource_SampleArchive_YieldsEveryFrameInFileOrder()
    {
        var source = new AsiFileFrameSource([RepoPaths.Samples]);

        var frames = new List<Core.AllSkyFrame>();
        await foreach (var f in source.ReadFramesAsync())
        {
            frames.Add(f);
        }

        Assert.Equal(23 + 120, frames.Count);
        Assert.Equal(23, frames.Count(f => f.Site == "gako"));
        Assert.Equal(120, frames.Count(f => f.Site == "gill"));
    }
}
