namespace AuroraStream.Training.Tests.Torch;

/// <summary>
/// Another thread that collects garbage and runs finalizers without pause: whatever TorchSharp
/// object becomes garbage while libtorch still uses it is freed within microseconds, so a missing
/// keep-alive shows as an exception or a wrong number instead of once in many runs.
/// </summary>
internal sealed class CollectionStorm : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;

    public CollectionStorm()
    {
        _thread = new Thread(() =>
        {
            while (!_stop.IsCancellationRequested)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                Collections++;
            }
        })
        { IsBackground = true, Name = nameof(CollectionStorm) };
        _thread.Start();
    }

    /// <summary>Collections so far (the storm did blow).</summary>
    public long Collections { get; private set; }

    public void Dispose()
    {
        _stop.Cancel();
        _thread.Join();
        _stop.Dispose();
    }
}
