using System.Globalization;
using System.Text.RegularExpressions;
using Confluent.Kafka;

namespace AuroraStream.Kafka;

/// <summary>
/// librdkafka's log and error callbacks routed to the product's log instead of librdkafka's own
/// stderr printer: warnings and worse only, without librdkafka's thread and client prefixes, and
/// each kind of line (the same text up to numbers and the "(after N ms in state X)" tail) shown
/// once per <see cref="RepeatWindow"/>, with how many like it were held back. A broker that is down
/// makes librdkafka report every reconnect twice (log and error callback), several times a second.
/// </summary>
public sealed partial class KafkaLog
{
    private readonly Action<string>? _write;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, Seen> _seen = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>Creates a log writing lines to <paramref name="write"/> (null: discard everything).</summary>
    public KafkaLog(Action<string>? write, TimeProvider? time = null)
    {
        _write = write;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The least severe librdkafka level written.</summary>
    /// <value>Default <see cref="SyslogLevel.Warning"/>: connection failures and misconfigurations, not librdkafka's chatter.</value>
    public SyslogLevel MinimumLevel { get; init; } = SyslogLevel.Warning;

    /// <summary>How long a line of one kind stays held back after it was shown.</summary>
    /// <value>Default 60 s.</value>
    public TimeSpan RepeatWindow { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>For <c>SetLogHandler</c> of a client builder.</summary>
    public void OnLog(LogMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        Write(message.Level, message.Message);
    }

    /// <summary>For <c>SetErrorHandler</c> of a client builder.</summary>
    public void OnError(Error error)
    {
        ArgumentNullException.ThrowIfNull(error);
        Write(error.IsFatal ? SyslogLevel.Critical : SyslogLevel.Error, error.Reason);
    }

    /// <summary>Writes one librdkafka line at a level, or holds it back as a repeat.</summary>
    public void Write(SyslogLevel level, string message)
    {
        if (_write is null || level > MinimumLevel || string.IsNullOrWhiteSpace(message))
        {
            return;
        }

        var text = Clean(message);
        var key = Key(text);
        int heldBack;
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            if (_seen.TryGetValue(key, out var seen) && now - seen.Shown < RepeatWindow)
            {
                seen.HeldBack++;
                return;
            }

            heldBack = seen?.HeldBack ?? 0;
            _seen[key] = new Seen(now, text);
        }

        _write($"{Name(level)}: {text}{(heldBack > 0 ? string.Create(CultureInfo.InvariantCulture, $" ({heldBack} more like it held back)") : string.Empty)}");
    }

    /// <summary>Writes how many lines of each kind were held back since each was last shown (on closing a client).</summary>
    public void Flush()
    {
        if (_write is null)
        {
            return;
        }

        List<string> lines;
        lock (_lock)
        {
            lines = [.. _seen.Values.Where(s => s.HeldBack > 0).Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.HeldBack} more line(s) like '{s.Text}' held back"))];
            foreach (var seen in _seen.Values)
            {
                seen.HeldBack = 0;
            }
        }

        foreach (var line in lines)
        {
            _write(line);
        }
    }

    /// <summary>Attaches this log to a producer builder.</summary>
    internal ProducerBuilder<TKey, TValue> AttachTo<TKey, TValue>(ProducerBuilder<TKey, TValue> builder) =>
        builder.SetLogHandler((_, m) => OnLog(m)).SetErrorHandler((_, e) => OnError(e));

    /// <summary>Attaches this log to an admin client builder.</summary>
    internal AdminClientBuilder AttachTo(AdminClientBuilder builder) =>
        builder.SetLogHandler((_, m) => OnLog(m)).SetErrorHandler((_, e) => OnError(e));

    /// <summary>Attaches this log to a consumer builder.</summary>
    internal ConsumerBuilder<TKey, TValue> AttachTo<TKey, TValue>(ConsumerBuilder<TKey, TValue> builder) =>
        builder.SetLogHandler((_, m) => OnLog(m)).SetErrorHandler((_, e) => OnError(e));

    /// <summary>librdkafka's line without its thread and client prefixes ("[thrd:app]: rdkafka#producer-1: ") and its "(after N ms in state X)" tail.</summary>
    internal static string Clean(string message) => Tail().Replace(Prefix().Replace(message.Trim(), string.Empty), string.Empty);

    private static string Key(string text) => Digits().Replace(text, "#");

    private static string Name(SyslogLevel level) => level switch
    {
        <= SyslogLevel.Error => "error",
        SyslogLevel.Warning => "warning",
        SyslogLevel.Notice or SyslogLevel.Info => "info",
        _ => "debug",
    };

    [GeneratedRegex(@"^(\[thrd:[^\]]*\]:\s*)?(rdkafka#[a-z]+-\d+:\s*)?")]
    private static partial Regex Prefix();

    [GeneratedRegex(@"\s*\(after \d+ms in state [A-Z_]+(, \d+ identical error\(s\) suppressed)?\)")]
    private static partial Regex Tail();

    [GeneratedRegex(@"\d+")]
    private static partial Regex Digits();

    private sealed class Seen(DateTimeOffset shown, string text)
    {
        public DateTimeOffset Shown { get; } = shown;

        public string Text { get; } = text;

        public int HeldBack { get; set; }
    }
}
