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
