namespace AuroraStream.Formats.IO;

/// <summary>When two paths name the same file: the identity that overlapping inputs are read once by.</summary>
public static class FilePaths
{
    /// <summary>Most symbolic links followed in one path (as the Linux kernel's ELOOP limit); a longer chain is left unresolved.</summary>
    private const int MaxLinks = 40;

    /// <summary>How canonical paths compare: without case where the file system usually ignores it (Windows, macOS).</summary>
    public static StringComparer Comparer { get; } = OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;

    /// <summary>
    /// The canonical path of a file or folder: absolute, normalised (<c>.</c>, <c>..</c>, doubled
    /// separators) and with every symbolic link along it resolved, as <c>realpath(3)</c> gives, so that a
    /// folder and a link to it, or a file and a link to it, have one identity. Components that do not
    /// exist are kept as written; a link that cannot be read is kept as a plain component.
    /// </summary>
    /// <param name="path">A path, relative to the working directory or absolute.</param>
    /// <returns>The canonical absolute path.</returns>
    public static string Canonical(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var links = 0;
        var full = Path.GetFullPath(path);
        var root = Path.GetPathRoot(full) ?? string.Empty;
        var pending = new Queue<string>(full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries));
        var current = root;
        while (pending.TryDequeue(out var part))
        {
            var next = Path.Combine(current, part);
            FileSystemInfo? target = null;
            if (links < MaxLinks)
            {
                try
                {
                    target = File.ResolveLinkTarget(next, returnFinalTarget: true);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                }
            }

            if (target is null)
            {
                current = next;
                continue;
            }

            // Start again from the link's target, then the rest of the path after it.
            links++;
            var resolved = Path.GetFullPath(target.FullName);
            var rest = pending.ToArray();
            var targetRoot = Path.GetPathRoot(resolved) ?? string.Empty;
            pending = new Queue<string>([.. resolved[targetRoot.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries), .. rest]);
            current = targetRoot;
        }

        return current;
    }
}
