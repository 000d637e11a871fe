using AuroraStream.Core;
using AuroraStream.Formats.Oath;
using AuroraStream.TestUtilities;

namespace AuroraStream.Formats.Tests.Oath;

public sealed class OathDatasetTests
{
    private static readonly string Root = RepoPaths.Data("oath");

    [Fact]
    public void Load_RealLabels_HasThePublishedClassCounts()
    {
        var oath = OathDataset.Load(Root);

        Assert.Equal(5824, oath.Entries.Count);
        var counts = oath.Entries.GroupBy(e => e.Class).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(774, counts[AuroraClass.Arc]);
        Assert.Equal(1102, counts[AuroraClass.Diffuse]);
        Assert.Equal(1400, counts[AuroraClass.Discrete]);
        Assert.Equal(852, counts[AuroraClass.Cloudy]);
        Assert.Equal(614, counts[AuroraClass.Moon]);
        Assert.Equal(1082, counts[AuroraClass.Clear]);
        Assert.Equal(new OathEntry(0, 1, AuroraClass.Discrete, 334), oath.Entries[0]);
        Assert.Equal(AuroraPresence.Aurora, oath.Entries[3].Presence);
    }

    [Fact]
    public void Load_RealSplits_AreFivePermutationsSplit70To30()
    {
        var oath = OathDataset.Load(Root);

        Assert.Equal(5, oath.Splits.Count);
        Assert.All(oath.Splits, s =>
        {
            Assert.Equal(4076, s.Train.Count);
            Assert.Equal(1748, s.Test.Count);
            Assert.Equal(Enumerable.Range(0, 5824), s.Train.Concat(s.Test).Order());
        });
        Assert.Equal(4604, oath.Splits[0].Train[0]);
        Assert.NotEqual(oath.Splits[0].Train, oath.Splits[1].Train);
    }

    [Fact]
    public void CountImages_PartialCopy_ReportsFoundAndMissing()
    {
        var oath = OathDataset.Load(Root);

        Assert.Equal((10, 5814), oath.CountImages());
        Assert.EndsWith("00053.png", oath.FindImage(oath.Entries[52]));
        Assert.Null(oath.FindImage(oath.Entries[2]));
    }

    [Fact]
    public void FindImage_PublicTarballLayout_IsFound()
    {
        using var temp = new TempFolder();
        File.Copy(Path.Combine(Root, "classifications.csv"), temp.File("classifications.csv"));
        Directory.CreateDirectory(temp.File(Path.Combine("images", "cropped_scaled_rotated")));
        File.Copy(Path.Combine(Root, "images", "00001.png"), temp.File(Path.Combine("images", "cropped_scaled_rotated", "00001_334.png")));

        var oath = OathDataset.Load(temp.Path);

        Assert.Empty(oath.Splits);
        Assert.NotNull(oath.FindImage(oath.Entries[0], OathImageVariant.CroppedScaledRotated));
        Assert.Equal((1, 5823), oath.CountImages(OathImageVariant.CroppedScaledRotated));
    }

    [Fact]
    public void ReadIntensity_RealImages_MatchIndependentPngDecoding()
    {
        using var doc = ExpectedValues.Document("oath-images.json");
        foreach (var image in doc.RootElement.EnumerateObject())
        {
            var pixels = OathDataset.ReadIntensity(Path.Combine(Root, "images", image.Name), out var width, out var height);

            Assert.Equal((256, 256), (width, height));
            Assert.Equal(image.Value.GetProperty("greenSum").GetInt64(), pixels.Sum(p => (long)p));
            Assert.Equal(image.Value.GetProperty("greenSha256").GetString(), ExpectedValues.PixelSha256(pixels));
        }
    }

    [Theory]
    [InlineData("0,2,00001,discrete", "expected 5 fields")]
    [InlineData("0,7,00001,discrete,334", "malformed entry")]
    [InlineData("1,2,00001,discrete,334", "class2 1 contradicts class6 2")]
    [InlineData("0,2,00001,arc,334", "picType 'arc' contradicts class6 2")]
    public void ReadClassifications_BadLine_NamesTheLine(string line, string message)
    {
        using var temp = new TempFolder();
        var path = temp.Write("classifications.csv", System.Text.Encoding.ASCII.GetBytes($"preamble\n{OathDataset.ClassificationsHeader}\n0,2,00001,discrete,334\n{line}\n"));

        var e = Assert.Throws<InvalidDataException>(() => OathDataset.ReadClassifications(path));

        Assert.Contains("line 4", e.Message, StringComparison.Ordinal);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadSplits_NotAPermutation_IsRefused()
    {
        using var temp = new TempFolder();
        var path = temp.Write("split.csv", System.Text.Encoding.ASCII.GetBytes("0,1,1,3\n"));

        var e = Assert.Throws<InvalidDataException>(() => OathDataset.ReadSplits(path, 4));

        Assert.Contains("index 1 appears twice", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_CorruptPng_ThrowsNamingTheChunk()
    {
        var bytes = File.ReadAllBytes(Path.Combine(Root, "images", "00001.png"));
        var crcBroken = (byte[])bytes.Clone();
        crcBroken[40] ^= 0x10;

        var crc = Assert.Throws<InvalidDataException>(() => PngImage.Decode(crcBroken, "a.png"));
        var cut = Assert.Throws<InvalidDataException>(() => PngImage.Decode(bytes[..(bytes.Length / 2)], "b.png"));

        Assert.Contains("CRC mismatch", crc.Message, StringComparison.Ordinal);
        Assert.StartsWith("b.png: ", cut.Message, StringComparison.Ordinal);
    }
}
