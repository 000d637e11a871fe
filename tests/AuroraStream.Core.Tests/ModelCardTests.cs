using AuroraStream.Core.Models;
using AuroraStream.TestUtilities;

namespace AuroraStream.Core.Tests;

public sealed class ModelCardTests
{
    [Fact]
    public void Sha256Of_TheFips180Vector_IsItsPublishedDigestInLowerCaseHex()
    {
        using var temp = new TempFolder();
        var model = temp.Write("abc.onnx", "abc"u8.ToArray());

        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", ModelCard.Sha256Of(model));
    }

    [Fact]
    public void PathFor_AModelFile_IsTheCardBesideIt() =>
        Assert.Equal(Path.Combine("onnx-models", "compact.card.json"), ModelCard.PathFor(Path.Combine("onnx-models", "compact.onnx")));
}
