using AuroraStream.TestUtilities;

namespace AuroraStream.Training.Tests.Torch;

public sealed class BannedSymbolsTests
{
    private static readonly string BannedFile = Path.Combine(RepoPaths.Root, "build", "BannedSymbols.TorchSharp.txt");

    [Fact]
    public void BannedSymbols_ListEveryTorchSharpMemberThatMakesAScalarTemporary()
    {
        var expected = TorchSharpScalarTemporaries.Find();
        var listed = File.ReadAllLines(BannedFile)
            .Where(line => line.StartsWith("M:", StringComparison.Ordinal))
            .Select(line => line.Split(';')[0].Trim())
            .ToHashSet(StringComparer.Ordinal);

        var missing = expected.Keys.Where(id => !listed.Contains(id)).Order(StringComparer.Ordinal).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} TorchSharp members missing from {BannedFile}:\n{string.Join("\n", missing.Select(id => $"{id}; {expected[id]}"))}");
        var stale = listed.Where(id => !expected.ContainsKey(id)).Order(StringComparer.Ordinal).ToList();
        Assert.True(stale.Count == 0, $"{stale.Count} lines of {BannedFile} name no member that makes a Scalar temporary (any more):\n{string.Join("\n", stale)}");

        // The ones this code base would otherwise reach are among them: the finder must not come back empty.
        Assert.Contains("M:TorchSharp.torch.Tensor.op_Addition(TorchSharp.torch.Tensor,TorchSharp.torch.Tensor)", expected.Keys);
        Assert.Contains("M:TorchSharp.torch.Tensor.add_(TorchSharp.Scalar)", expected.Keys);
        Assert.Contains(expected.Keys, id => id.StartsWith("M:TorchSharp.torch.nn.BatchNorm2d(", StringComparison.Ordinal));
        Assert.Contains(expected.Keys, id => id.StartsWith("M:TorchSharp.torch.optim.AdamW(", StringComparison.Ordinal));
    }
}
