using System.Diagnostics;

namespace AuroraStream.TestUtilities;

/// <summary>Waiting in a test for what another thread or process does (a pipeline, a server, a child command).</summary>
public static class Poll
{
    /// <summary>
    /// Checks <paramref name="condition"/> every <paramref name="every"/> (25 ms unless given) until it holds.
    /// Fails with <paramref name="what"/> when <paramref name="deadline"/> passes, or as soon as <paramref name="running"/>
    /// (what should make it hold) ends first, rethrowing its exception when it failed. <paramref name="describe"/>
    /// adds the state seen at that moment to the message.
    /// </summary>
    public static async Task UntilAsync(Func<bool> condition, TimeSpan deadline, string what, Task? running = null, Func<string>? describe = null, TimeSpan? every = null)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (running is { IsCompleted: true })
            {
                await running.ConfigureAwait(false);
                throw new PollFailedException($"ended before {what}{State(describe)}");
            }

            if (clock.Elapsed > deadline)
            {
                throw new PollFailedException($"not within {deadline.TotalSeconds:0} s: {what}{State(describe)}");
            }

            await Task.Delay(every ?? TimeSpan.FromMilliseconds(25)).ConfigureAwait(false);
        }
    }

    private static string State(Func<string>? describe) => describe is null ? "" : $" ({describe()})";
}

/// <summary>A condition a test waited for did not come about.</summary>
public sealed class PollFailedException(string message) : Exception(message);
