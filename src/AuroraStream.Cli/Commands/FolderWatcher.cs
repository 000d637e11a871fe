using System.Globalization;
using AuroraStream.Formats.Detection;

namespace AuroraStream.Cli.Commands;

/// <summary>
/// Live publishing: polls a folder tree (the UCalgary layout YYYY/MM/DD/site_imager/utHH/ or any
/// other) for frame files, hands each on once it is complete (same size and time stamp over two
/// polls, and not written to for <see cref="Settle"/>), and records it in a state file so a
/// restart does not publish it again. After every file it handles and every completed pass it
/// writes the time to <see cref="HeartbeatPath"/>: a health check can tell a watcher that still
/// scans and publishes (a long backlog included) from one that is stuck (say, waiting on an
/// unreachable broker).
/// </summary>
internal sealed class FolderWatcher(string folder, string statePath, TimeProvider time)
{
    public static readonly TimeSpan Poll = TimeSpan.FromSeconds(2);

    public static readonly TimeSpan Settle = TimeSpan.FromSeconds(2);

    /// <summary>The heartbeat file beside the state file: the UTC time (ISO 8601) of the last file handled or pass completed.</summary>
    public static string HeartbeatPath(string statePath) => statePath + ".alive";

    public async Task RunAsync(Action<string> publish, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"--watch {folder}: no such folder");
        }

        var done = File.Exists(statePath)
            ? File.ReadLines(statePath).Select(l => l.Split('\t')).Where(p => p.Length == 3).Select(p => p[0]).ToHashSet(StringComparer.Ordinal)
            : new HashSet<string>(StringComparer.Ordinal);
        var seen = new Dictionary<string, (long Size, DateTime Written)>(StringComparer.Ordinal);
        var ownFiles = new[] { Path.GetFullPath(statePath), Path.GetFullPath(HeartbeatPath(statePath)) };

        // Before anything is published: a state that cannot be written would publish files again after a restart.
        try
        {
            Beat();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"--state {statePath}: the publisher cannot record what it sent there ({e.Message})", e);
        }

        while (!cancellationToken.IsCancellationRequested)
        {
            foreach (var path in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                var full = Path.GetFullPath(path);
                if (done.Contains(full) || ownFiles.Contains(full))
                {
                    continue;
                }

                var info = new FileInfo(full);
                var now = (info.Length, info.LastWriteTimeUtc);
                var stable = seen.TryGetValue(full, out var before) && before == now && time.GetUtcNow().UtcDateTime - info.LastWriteTimeUtc >= Settle;
                seen[full] = now;
                if (!stable)
                {
                    continue;
                }

                if (AsiFiles.HoldsFrames(AsiFiles.Detect(full)))
                {
                    publish(full);
                }

                done.Add(full);
                File.AppendAllText(statePath, string.Create(CultureInfo.InvariantCulture, $"{full}\t{info.Length}\t{info.LastWriteTimeUtc:O}\n"));
                Beat();
            }

            Beat();
            try
            {
                await Task.Delay(Poll, time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        void Beat() => File.WriteAllText(HeartbeatPath(statePath), time.GetUtcNow().UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
    }
}
