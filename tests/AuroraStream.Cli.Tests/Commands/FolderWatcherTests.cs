using System.Collections.Concurrent;
using System.Globalization;
using AuroraStream.Cli.Commands;
using AuroraStream.TestUtilities;

namespace AuroraStream.Cli.Tests.Commands;

public sealed class FolderWatcherTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task RunAsync_StateInsideTheWatchedFolder_PublishesTheFrameFileOnlyAndBeatsAfterEveryPass()
    {
        using var temp = new TempFolder();
        var frameFile = Assert.Single(CompleteFramesIn(temp, 1));
        var state = temp.File(".aurorastream-published");
        var heartbeat = FolderWatcher.HeartbeatPath(state);
        var published = new ConcurrentQueue<string>();
        using var stop = new CancellationTokenSource();
        var run = new FolderWatcher(temp.Path, state, TimeProvider.System).RunAsync(published.Enqueue, stop.Token);

        // A pass sees the file, the next publishes it (same size and time twice); a later pass sees the
        // state and heartbeat files the watcher wrote itself, which must be left alone.
        await Poll.UntilAsync(() => !published.IsEmpty, Deadline, "the frame file published", run);
        var beat = await NextBeat(heartbeat, DateTime.MinValue, run);
        var later = await NextBeat(heartbeat, beat, run);
        await stop.CancelAsync();
        await run.WaitAsync(Deadline);

        Assert.Equal([frameFile], published);
        Assert.Equal([frameFile], File.ReadLines(state).Select(l => l.Split('\t')[0]));
        Assert.True(later - beat >= FolderWatcher.Poll - TimeSpan.FromMilliseconds(100), $"beats {beat:O} and {later:O} closer than a poll");
        Assert.True(DateTime.UtcNow - later < Deadline, $"the last beat {later:O} is not recent");
    }

    [Fact]
    public async Task RunAsync_SeveralFilesInOnePass_BeatsAfterEachFileNotOnlyAtTheEndOfThePass()
    {
        // A long backlog is one long pass: the health check must see it working. Two files complete in
        // the same pass; when the second is handed on, the heartbeat must already be later than the
        // moment the first was done.
        using var temp = new TempFolder();
        CompleteFramesIn(temp, 2);
        var state = temp.File("published");
        var firstDone = DateTime.MaxValue;
        var beatAtSecond = DateTime.MinValue;
        var handed = 0;
        using var stop = new CancellationTokenSource();
        var run = new FolderWatcher(temp.Path, state, TimeProvider.System).RunAsync(
            _ =>
            {
                if (++handed == 1)
                {
                    firstDone = DateTime.UtcNow;
                }
                else
                {
                    beatAtSecond = Read(FolderWatcher.HeartbeatPath(state));
                }
            },
            stop.Token);

        await Poll.UntilAsync(() => Volatile.Read(ref handed) == 2, Deadline, "both files handed on", run);
        await stop.CancelAsync();
        await run.WaitAsync(Deadline);

        Assert.True(beatAtSecond >= firstDone, $"heartbeat {beatAtSecond:O} when the second file came, the first was done at {firstDone:O}");
    }

    [Fact]
    public async Task RunAsync_NoSuchFolder_SaysWhichAndWritesNoHeartbeat()
    {
        using var temp = new TempFolder();
        var state = temp.File("published");

        var error = await Assert.ThrowsAsync<DirectoryNotFoundException>(() => new FolderWatcher(temp.File("missing"), state, TimeProvider.System).RunAsync(_ => { }, CancellationToken.None));

        Assert.Contains(temp.File("missing"), error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(FolderWatcher.HeartbeatPath(state)));
    }

    [Fact]
    public async Task RunAsync_StateWhereItCannotBeWritten_FailsNamingTheStateBeforePublishingAnything()
    {
        using var temp = new TempFolder();
        CompleteFramesIn(temp, 1);
        var state = temp.File("no-such-folder/published");
        var published = 0;

        var error = await Assert.ThrowsAsync<IOException>(() => new FolderWatcher(temp.Path, state, TimeProvider.System).RunAsync(_ => published++, CancellationToken.None).WaitAsync(Deadline));

        Assert.StartsWith($"--state {state}: ", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, published);
    }

    // The first sample files, copied into a UCalgary hour folder and last written a minute ago (complete).
    private static List<string> CompleteFramesIn(TempFolder temp, int count)
    {
        var hour = Directory.CreateDirectory(temp.File("2014/03/10/gill_themis19/ut06")).FullName;
        var copies = new List<string>();
        foreach (var sample in Directory.GetFiles(RepoPaths.Samples, "*.pgm.gz", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Take(count))
        {
            var copy = Path.Combine(hour, Path.GetFileName(sample));
            File.Copy(sample, copy);
            File.SetLastWriteTimeUtc(copy, DateTime.UtcNow.AddMinutes(-1));
            copies.Add(copy);
        }

        return copies;
    }

    // The heartbeat's time once it is later than the one before.
    private static async Task<DateTime> NextBeat(string heartbeat, DateTime after, Task run)
    {
        var beat = DateTime.MinValue;
        await Poll.UntilAsync(() => (beat = Read(heartbeat)) > after, Deadline, $"a heartbeat after {after:O}", run);
        return beat;
    }

    private static DateTime Read(string heartbeat)
    {
        try
        {
            return DateTime.ParseExact(File.ReadAllText(heartbeat), "O", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
        }
        catch (Exception e) when (e is IOException or FormatException)
        {
            // Not there yet, or caught between the truncation and the write.
            return DateTime.MinValue;
        }
    }
}
