using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace AuroraStream.Pipeline.Tests;

public sealed class OffsetTrackerTests
{
    [Fact]
    public void Complete_OutOfOrder_AdvancesOnlyPastTheLowestStillInFlight()
    {
        var tracker = new OffsetTracker();
        foreach (var offset in new long[] { 10, 11, 12 })
        {
            tracker.Track(0, offset);
        }

        Assert.Equal(10, tracker.Complete(0, 12));
        Assert.Null(tracker.Complete(0, 11));
        Assert.Equal(13, tracker.Complete(0, 10));
        Assert.Equal(0, tracker.InFlight);
    }

    [Fact]
    public void Revoke_ForgetsThePartition_LateCompletionsMarkNothing()
    {
        var tracker = new OffsetTracker();
        tracker.Track(3, 5);
        tracker.Track(3, 6);

        tracker.Revoke(3);

        Assert.Null(tracker.Complete(3, 5));
        Assert.Equal(0, tracker.InFlight);
    }

    [Property(MaxTest = 300)]
    public Property Complete_AnyOrder_NeverMarksPastAMessageInFlight_AndEndsOnePastTheLast(PositiveInt count, int seed)
    {
        var n = Math.Min(count.Get, 200);
        var tracker = new OffsetTracker();
        for (var i = 0; i < n; i++)
        {
            tracker.Track(1, 100 + i);
        }

        var order = Enumerable.Range(0, n).Select(i => 100L + i).ToArray();
        new Random(seed).Shuffle(order);
        var pending = new SortedSet<long>(order);
        long marked = -1;
        var ok = true;
        foreach (var offset in order)
        {
            pending.Remove(offset);
            if (tracker.Complete(1, offset) is { } next)
            {
                ok &= next > marked && (pending.Count == 0 || next <= pending.Min);
                marked = next;
            }
        }

        return (ok && marked == 100 + n && tracker.InFlight == 0).ToProperty();
    }
}
