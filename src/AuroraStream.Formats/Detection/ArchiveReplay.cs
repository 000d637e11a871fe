using AuroraStream.Core;

namespace AuroraStream.Formats.Detection;

/// <summary>Which frames of an archive to replay.</summary>
/// <param name="From">Inclusive start (UTC), or null.</param>
/// <param name="To">Exclusive end (UTC), or null.</param>
/// <param name="Sites">Site codes to keep (lower case); empty keeps all.</param>
public sealed record ReplayFilter(DateTime? From = null, DateTime? To = null, IReadOnlySet<string>? Sites = null)
{
    /// <summary>Whether a frame passes.</summary>
    public bool Accepts(AllSkyFrame frame) =>
        (From is not { } f || frame.CaptureTime >= f) && (To is not { } t || frame.CaptureTime < t) && (Sites is not { Count: > 0 } s || s.Contains(frame.Site));
}

/// <summary>
/// Reads an archive of THEMIS ASI files (stream0 PGM, L1 CDF) as one stream in capture-time order
/// across all sites: each file is read lazily, and a k-way merge over the files' next frames keeps
/// only one frame per open file in memory (files of one site and hour are read in turn, as their
/// frames come due). Unreadable files and the part of a file after a corruption are reported through
/// <c>onError</c> and skipped; the frames before the corruption are kept.
/// </summary>
public static class ArchiveReplay
{
    /// <summary>The frames of the inputs (files or folders) merged by capture time.</summary>
    public static IEnumerable<AllSkyFrame> ReadMerged(IEnumerable<string> inputs, ReplayFilter filter, Action<string, Exception> onError)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(onError);
        var cursors = new List<IEnumerator<AllSkyFrame>>();
        var queue = new PriorityQueue<IEnumerator<AllSkyFrame>, (DateTime, int)>();
        try
        {
            var order = 0;
            foreach (var (path, kind) in AsiFiles.FrameFiles(inputs, onError))
            {
                var cursor = Safe(path, AsiFiles.ReadFrames(path, kind), onError).Where(filter.Accepts).GetEnumerator();
                cursors.Add(cursor);
                if (cursor.MoveNext())
                {
                    queue.Enqueue(cursor, (cursor.Current.CaptureTime, order++));
                }
            }

            while (queue.TryDequeue(out var next, out var key))
            {
                yield return next.Current;
                if (next.MoveNext())
                {
                    queue.Enqueue(next, (next.Current.CaptureTime, key.Item2));
                }
            }
        }
        finally
        {
            foreach (var cursor in cursors)
            {
                cursor.Dispose();
            }
        }
    }

    private static IEnumerable<AllSkyFrame> Safe(string path, IEnumerable<AllSkyFrame> frames, Action<string, Exception> onError)
    {
        using var e = frames.GetEnumerator();
        while (true)
        {
            try
            {
                if (!e.MoveNext())
                {
                    yield break;
                }
            }
            catch (Exception ex) when (ex is InvalidDataException or IOException)
            {
                onError(path, ex);
                yield break;
            }

            yield return e.Current;
        }
    }
}
