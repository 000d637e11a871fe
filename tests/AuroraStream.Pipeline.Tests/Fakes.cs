using System.Collections.Concurrent;
using AuroraStream.Core;
using AuroraStream.Core.Models;
using AuroraStream.Core.Preprocessing;
using AuroraStream.Core.Sky;
using AuroraStream.Core.Stream;

namespace AuroraStream.Pipeline.Tests;

/// <summary>
/// Messages are "site:seconds" (a textured 16x16 frame of that site at that time), "site:seconds:dark"
/// (a constant frame, which preprocessing turns into zeros), or anything else (undecodable).
/// </summary>
internal sealed class TextDecoder : IFrameDecoder
{
    public AllSkyFrame? Decode(InboundMessage message, out string? reason)
    {
        var text = System.Text.Encoding.UTF8.GetString(message.Value.Span);
        var parts = text.Split(':');
        if (parts.Length is < 2 or > 3 || !int.TryParse(parts[1], out var seconds))
        {
            reason = $"undecodable: '{text}'";
            return null;
        }

        reason = null;
        var dark = parts.Length == 3;
        var pixels = Enumerable.Range(0, 256).Select(i => (ushort)(dark ? 1000 : 1000 + (i * 7 % 97))).ToArray();
        return new AllSkyFrame(parts[0], "themis00", DateTime.UnixEpoch.AddYears(50).AddSeconds(seconds), 16, 16, pixels, null, new FrameOrigin("fake", seconds));
    }

    public static InboundMessage Message(int partition, long offset, string site, int seconds, bool dark = false) =>
        new(partition, offset, site, System.Text.Encoding.UTF8.GetBytes(dark ? $"{site}:{seconds}:dark" : $"{site}:{seconds}"));
}

/// <summary>"clear" (0.9) for an all-zero input, else "arc" (0.9); its card asks for 8x8 inputs.</summary>
internal sealed class FixedClassifier : IAuroraClassifier
{
    public ModelCard Card { get; } = new()
    {
        Name = "fixed",
        Architecture = "test",
        RepresentationSize = 1,
        Input = new ModelInputSpec("frames", [-1, 1, 8, 8], "float32", "probabilities", "representation"),
        Preprocessing = new PreprocessingParameters { OutputSize = 8 },
        Training = new ModelTraining { Head = "linear" },
        FlopsPerFrame = 1,
        Parameters = 1,
        ModelFile = "fixed.onnx",
        Sha256 = new string('0', 64),
    };

    public int Batches { get; private set; }

    public IReadOnlyList<FramePrediction> Classify(ReadOnlySpan<float> frames, int count)
    {
        Batches++;
        var result = new FramePrediction[count];
        for (var i = 0; i < count; i++)
        {
            var dark = !frames.Slice(i * 64, 64).ContainsAnyExcept(0f);
            result[i] = new FramePrediction(dark ? [0.02f, 0.02f, 0.02f, 0.02f, 0.02f, 0.9f] : [0.9f, 0.02f, 0.02f, 0.02f, 0.02f, 0.02f]);
        }

        return result;
    }

    public void Dispose()
    {
    }
}

/// <summary>Says "moon" (0.6, the rest 0.1 discrete, 0.1 clear, ...) for every frame.</summary>
internal sealed class MoonClassifier : IAuroraClassifier
{
    public ModelCard Card { get; } = new FixedClassifier().Card with { Name = "moon" };

    public IReadOnlyList<FramePrediction> Classify(ReadOnlySpan<float> frames, int count) =>
        [.. Enumerable.Range(0, count).Select(_ => new FramePrediction([0.05f, 0.05f, 0.1f, 0.1f, 0.6f, 0.1f]))];

    public void Dispose()
    {
    }
}

/// <summary>Every site at 70 N 100 W, where the sky is dark at 2020-01-01 00:00 UT (the fake frames' times): polar night.</summary>
internal sealed class DarkSites : ISiteLocator
{
    public ImagerSite? Locate(string siteCode) => new(siteCode, siteCode, 70, -100);
}

/// <summary>
/// Predicts a fingerprint of each frame's input (its mean, mean square and the values at three
/// pixels) instead of a label, so a test can tell which input each frame was classified on.
/// </summary>
internal sealed class FingerprintClassifier : IAuroraClassifier
{
    public ModelCard Card { get; } = new FixedClassifier().Card with
    {
        Name = "fingerprint",
        Input = new ModelInputSpec("frames", [-1, 1, 32, 32], "float32", "probabilities", "representation"),
        Preprocessing = new PreprocessingParameters { OutputSize = 32 },
    };

    public static float[] Fingerprint(ReadOnlySpan<float> input)
    {
        double sum = 0, squares = 0;
        foreach (var v in input)
        {
            sum += v;
            squares += v * v;
        }

        return [(float)(sum / input.Length), (float)(squares / input.Length), input[input.Length / 2], input[(input.Length / 3) + 5], input[(2 * input.Length / 3) + 7], 0f];
    }

    public IReadOnlyList<FramePrediction> Classify(ReadOnlySpan<float> frames, int count)
    {
        var length = frames.Length / count;
        var result = new FramePrediction[count];
        for (var i = 0; i < count; i++)
        {
            result[i] = new FramePrediction(Fingerprint(frames.Slice(i * length, length)));
        }

        return result;
    }

    public void Dispose()
    {
    }
}

/// <summary>Records writes; can hold writes back (a slow destination) or refuse them (HTTP 4xx).</summary>
internal sealed class RecordingSink : IPredictionSink
{
    private volatile TaskCompletionSource _open = Opened();
    private int _writes;

    public ConcurrentQueue<ClassifiedFrame> Frames { get; } = new();

    public ConcurrentQueue<AuroraEvent> Events { get; } = new();

    public string? Reject { get; set; }

    /// <summary>Frames this sink says it cannot store (asked one by one before a write), with why.</summary>
    public Func<ClassifiedFrame, string?>? Refuse { get; set; }

    public string Description => "recording sink";

    public int Writes => Volatile.Read(ref _writes);

    public void Hold() => _open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release() => _open.TrySetResult();

    public async Task<SinkWriteResult> WriteAsync(IReadOnlyList<ClassifiedFrame> frames, IReadOnlyList<AuroraEvent> events, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _writes);
        await _open.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (Reject is { } why)
        {
            return new SinkWriteResult(why);
        }

        foreach (var f in frames)
        {
            Frames.Enqueue(f);
        }

        foreach (var e in events)
        {
            Events.Enqueue(e);
        }

        return SinkWriteResult.Written;
    }

    public string? CheckWritable(ClassifiedFrame frame) => Refuse?.Invoke(frame);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static TaskCompletionSource Opened()
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        open.SetResult();
        return open;
    }
}

internal sealed class RecordingDeadLetters : IDeadLetterSink
{
    public ConcurrentQueue<DeadLetter> Letters { get; } = new();

    public Task SendAsync(IReadOnlyList<DeadLetter> letters, CancellationToken cancellationToken = default)
    {
        foreach (var l in letters)
        {
            Letters.Enqueue(l);
        }

        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
