using Xunit;

namespace AuroraStream.TestUtilities;

/// <summary>
/// A fact that needs the project's shared data folder (<c>../shared/data</c> beside the clone) for
/// files that must not be copied into the repository (evaluation-only data). Skipped, saying why,
/// when the folder is absent; CI runs with it present.
/// </summary>
public sealed class SharedDataFactAttribute : FactAttribute
{
    /// <summary>Creates the attribute; <paramref name="relativePath"/> is below shared/data.</summary>
    public SharedDataFactAttribute(string relativePath)
    {
        if (SharedData.Find(relativePath) is null)
        {
            Skip = $"needs shared/data/{relativePath} beside the repository (evaluation-only data, not copied into it)";
        }
    }
}

/// <summary>Locates the shared data folder beside the repository.</summary>
public static class SharedData
{
    /// <summary>shared/data/<paramref name="relativePath"/> if it exists, else null.</summary>
    public static string? Find(string relativePath)
    {
        var candidate = Path.GetFullPath(Path.Combine(RepoPaths.Root, "..", "shared", "data", relativePath));
        return File.Exists(candidate) || Directory.Exists(candidate) ? candidate : null;
    }
}
