namespace AuroraStream.Cli;

/// <summary>Finds the model shipped in the repository's <c>onnx-models/</c> folder.</summary>
internal static class DefaultModel
{
    /// <summary>File name of the default model.</summary>
    public const string FileName = "aurorastream-compact.onnx";

    /// <summary>
    /// The default model: <c>onnx-models/</c> under the working directory, else under the
    /// executable's folder (<c>make install</c> puts it there) or its nearest ancestor that has one
    /// (a build inside the repository).
    /// </summary>
    public static string Resolve() =>
        Find(Path.Combine("onnx-models", FileName), File.Exists)
            ?? throw new FileNotFoundException($"the default model onnx-models/{FileName} was not found under {Environment.CurrentDirectory} or above {AppContext.BaseDirectory}; pass --model M.onnx");

    /// <summary>
    /// The bundled sample archive for <c>demo</c>: <c>samples/</c> under the working directory, else
    /// beside the executable (<c>make install</c> copies it there) or in its nearest ancestor that has
    /// one; null when there is none.
    /// </summary>
    public static string? Samples() => Find("samples", Directory.Exists);

    /// <summary><paramref name="relative"/> under the working directory, else under the executable's folder or its nearest ancestor where it exists.</summary>
    private static string? Find(string relative, Func<string, bool> exists)
    {
        var candidates = new List<string> { Path.Combine(Environment.CurrentDirectory, relative) };
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            candidates.Add(Path.Combine(dir.FullName, relative));
        }

        return candidates.FirstOrDefault(exists);
    }
}
