using AuroraStream.Formats.IO;
using AuroraStream.TestUtilities;

namespace AuroraStream.Formats.Tests.IO;

public sealed class FilePathsTests
{
    [Fact]
    public void Canonical_SpellingsAndLinksOfOneFile_AreOnePath_OtherFilesAreNot()
    {
        using var temp = new TempFolder();
        var file = temp.Write(Path.Combine("night", "a.pgm"), [1]);
        var other = temp.Write(Path.Combine("night", "b.pgm"), [2]);
        var folderLink = temp.File("link-to-night");
        Directory.CreateSymbolicLink(folderLink, temp.File("night"));
        var fileLink = temp.File("a-link.pgm");
        File.CreateSymbolicLink(fileLink, Path.Combine("night", "a.pgm"));   // relative target
        var chain = temp.File("chain");
        Directory.CreateSymbolicLink(chain, folderLink);                       // a link to a link

        var canonical = FilePaths.Canonical(file);

        Assert.Equal(canonical, FilePaths.Canonical(Path.Combine(temp.Path, "night", "..", "night", ".", "a.pgm")));
        Assert.Equal(canonical, FilePaths.Canonical(Path.Combine(folderLink, "a.pgm")));
        Assert.Equal(canonical, FilePaths.Canonical(fileLink));
        Assert.Equal(canonical, FilePaths.Canonical(Path.Combine(chain, "a.pgm")));
        Assert.NotEqual(canonical, FilePaths.Canonical(other));
        Assert.Equal(Path.Combine(FilePaths.Canonical(temp.Path), "missing", "x"), FilePaths.Canonical(Path.Combine(temp.Path, "missing", "x")));
    }
}
