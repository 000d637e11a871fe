using AuroraStream.TestUtilities;

namespace AuroraStream.Cli.Tests;

/// <summary>Where the CLI finds what it ships: the default model and, for <c>demo</c>, the sample archive.</summary>
public sealed class DefaultModelTests
{
    [Fact]
    public void ModelAndSamples_AreFoundBesideOrAboveTheProgram_WhateverTheWorkingDirectory()
    {
        // The tests run from their bin folder, which has neither: both are found above it, in the repository.
        Assert.Equal(Path.GetFullPath(Path.Combine(RepoPaths.Root, "samples")), Path.GetFullPath(DefaultModel.Samples()!));
        Assert.Equal(Path.GetFullPath(Path.Combine(RepoPaths.Root, "onnx-models", DefaultModel.FileName)), Path.GetFullPath(DefaultModel.Resolve()));
    }
}
