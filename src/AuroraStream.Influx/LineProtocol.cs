using System.Globalization;
using System.Text;

namespace AuroraStream.Influx;

/// <summary>
/// InfluxDB line protocol (1.x and 2.x): <c>measurement,tag=v field=1.5,s="x" 1577836800000000000</c>.
/// Escaping: commas and spaces in the measurement; commas, equals signs and spaces in tag keys,
/// tag values and field keys; double quotes and backslashes in string field values. Line protocol
/// has no escape for a newline, and a key or value ending in a backslash would escape the separator
/// after it, so both are refused; empty tag values are left out, as InfluxDB requires.
/// </summary>
public sealed class LineBuilder
{
    private readonly StringBuilder _text = new();
    private int _fields;
    private State _state = State.Idle;

    private enum State
    {
        Idle,
        Tags,
        Fields,
    }

    /// <summary>Starts a point.</summary>
    public LineBuilder Measurement(string name)
    {
        Require(_state == State.Idle, "a point is already open");
        Check(name, "measurement", allowEmpty: false);
        if (name.StartsWith('#'))
        {
            throw new ArgumentException($"Line protocol: measurement '{name}' must not start with '#' (a comment).", nameof(name));
        }

        Escape(name, ", ");
        _state = State.Tags;
        return this;
    }

    /// <summary>Adds a tag; an empty value leaves the tag out.</summary>
    public LineBuilder Tag(string key, string? value)
    {
        Require(_state == State.Tags, "tags go after the measurement and before the fields");
        Check(key, "tag key", allowEmpty: false);
        if (string.IsNullOrEmpty(value))
        {
            return this;
        }

        Check(value, $"tag {key} value", allowEmpty: false);
        _text.Append(',');
        Escape(key, ",= ");
        _text.Append('=');
        Escape(value, ",= ");
        return this;
    }

    /// <summary>Adds a float field (must be finite).</summary>
    public LineBuilder Field(string key, double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, $"Line protocol: field {key} must be finite.");
        }

        FieldKey(key);
        _text.Append(value.ToString("R", CultureInfo.InvariantCulture));
        return this;
    }

    /// <summary>Adds an integer field.</summary>
    public LineBuilder Field(string key, long value)
    {
        FieldKey(key);
        _text.Append(value.ToString(CultureInfo.InvariantCulture)).Append('i');
        return this;
    }

    /// <summary>Adds a boolean field.</summary>
    public LineBuilder Field(string key, bool value)
    {
        FieldKey(key);
        _text.Append(value ? "true" : "false");
        return this;
    }

    /// <summary>Adds a string field.</summary>
    public LineBuilder Field(string key, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Contains('\n', StringComparison.Ordinal))
        {
            throw new ArgumentException($"Line protocol: string field {key} must not contain a newline.", nameof(value));
        }

        FieldKey(key);
        _text.Append('"');
        foreach (var c in value)
        {
            if (c is '"' or '\\')
            {
                _text.Append('\\');
            }

            _text.Append(c);
        }

        _text.Append('"');
        return this;
    }

    /// <summary>Ends the point with a timestamp in nanoseconds since the Unix epoch.</summary>
    public LineBuilder Timestamp(long unixNanoseconds)
    {
        Require(_state == State.Fields && _fields > 0, "a point needs at least one field");
        _text.Append(' ').Append(unixNanoseconds.ToString(CultureInfo.InvariantCulture)).Append('\n');
        _state = State.Idle;
        _fields = 0;
        return this;
    }

    /// <summary>The lines so far (each ending in a newline).</summary>
    public override string ToString()
    {
        Require(_state == State.Idle, "the last point has no timestamp");
        return _text.ToString();
    }

    /// <summary>Length of the text so far.</summary>
    public int Length => _text.Length;

    /// <summary>Clears the builder.</summary>
    public void Clear()
    {
        _text.Clear();
        _state = State.Idle;
        _fields = 0;
    }

    private void FieldKey(string key)
    {
        Require(_state is State.Tags or State.Fields, "fields go after the measurement and tags");
        Check(key, "field key", allowEmpty: false);
        _text.Append(_fields++ == 0 ? ' ' : ',');
        Escape(key, ",= ");
        _text.Append('=');
        _state = State.Fields;
    }

    private void Escape(string value, string special)
    {
        foreach (var c in value)
        {
            if (special.Contains(c, StringComparison.Ordinal))
            {
                _text.Append('\\');
            }

            _text.Append(c);
        }
    }

    private static void Check(string value, string what, bool allowEmpty)
    {
        ArgumentNullException.ThrowIfNull(value, what);
        if (!allowEmpty && value.Length == 0)
        {
            throw new ArgumentException($"Line protocol: the {what} must not be empty.");
        }

        if (value.Contains('\n', StringComparison.Ordinal) || value.Contains('\r', StringComparison.Ordinal))
        {
            throw new ArgumentException($"Line protocol: the {what} '{value.ReplaceLineEndings(" ")}' must not contain a line break.");
        }

        if (value.EndsWith('\\'))
        {
            throw new ArgumentException($"Line protocol: the {what} '{value}' must not end with a backslash.");
        }
    }

    private static void Require(bool condition, string what)
    {
        if (!condition)
        {
            throw new InvalidOperationException($"Line protocol: {what}.");
        }
    }
}
