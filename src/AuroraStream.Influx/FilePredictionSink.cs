using System.Globalization;
using System.Text;
using AuroraStream.Core;
using AuroraStream.Core.Stream;
using CsvHelper;

namespace AuroraStream.Influx;

/// <summary>
/// The embedded file store: the same points as InfluxDB gets, appended as line protocol to
/// <c>aurora.lp</c> (loadable with <c>influx -import</c> or the v2 write API), plus
/// <c>labels.csv</c> (time,site,label,confidence,sky,sun_elevation,moon_elevation,moon_illumination,ood_score,model:
/// the analysis command reads it; sun, moon and OOD columns are empty when unknown) and
/// <c>events.csv</c>, both CSV with RFC 4180 quoting (CsvHelper). Appends are flushed before a write returns.
/// </summary>
/// <remarks>
/// Idempotent as InfluxDB is: a frame (site, capture time, model) or an event (site, time, model,
/// kind) already in the store is not written again, so replaying the same input (running
/// <c>make run</c> twice, a restart that re-reads uncommitted offsets) leaves one row per frame. The
/// keys of the rows already in the folder are read when it is opened (about 100 bytes of memory a
/// row). A folder written by a version with other columns is refused, naming the file.
/// </remarks>
public sealed class FilePredictionSink : IPredictionSink
{
    private readonly StreamWriter _lines;
    private readonly StreamWriter _labels;
    private readonly StreamWriter _events;
    private static readonly CsvWriterOptions CsvOptions = new() { NewLine = "\n", FormatProvider = CultureInfo.InvariantCulture };
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly HashSet<(string Time, string Site, string Model)> _frameKeys;
    private readonly HashSet<(string Time, string Site, string Model, string Kind)> _eventKeys;
    private const string LabelsHeader = "time,site,label,confidence,sky,sun_elevation,moon_elevation,moon_illumination,ood_score,model";
    private const string EventsHeader = "time,site,imager,model,kind,from,to,p_aurora,confidence";

    /// <summary>Opens (appending) the files in a folder, creating it, and reads the keys of the rows already there.</summary>
    /// <exception cref="InvalidDataException">labels.csv or events.csv has a header other than this version's.</exception>
    public FilePredictionSink(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        Directory.CreateDirectory(folder);
        Folder = folder;
        _frameKeys = [.. ReadKeys(Path.Combine(folder, "labels.csv"), LabelsHeader, f => (f[0], f[1], f[9]))];
        _eventKeys = [.. ReadKeys(Path.Combine(folder, "events.csv"), EventsHeader, f => (f[0], f[1], f[3], f[4]))];
        _lines = Open(Path.Combine(folder, "aurora.lp"), null);
        _labels = Open(Path.Combine(folder, "labels.csv"), LabelsHeader);
        _events = Open(Path.Combine(folder, "events.csv"), EventsHeader);
    }

    /// <summary>The folder written to.</summary>
    public string Folder { get; }

    /// <inheritdoc />
    public string Description => $"file store {Folder}";

    /// <inheritdoc />
    public async Task<SinkWriteResult> WriteAsync(IReadOnlyList<ClassifiedFrame> frames, IReadOnlyList<AuroraEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(frames);
        ArgumentNullException.ThrowIfNull(events);
        var lines = new LineBuilder();
        var labels = new StringBuilder();
        var eventRows = new StringBuilder();
        var addedFrames = new List<(string, string, string)>();
        var addedEvents = new List<(string, string, string, string)>();
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using (var labelCsv = CsvWriter.Create(new StringWriter(labels, CultureInfo.InvariantCulture), CsvOptions))
            using (var eventCsv = CsvWriter.Create(new StringWriter(eventRows, CultureInfo.InvariantCulture), CsvOptions))
            {
                foreach (var f in frames)
                {
                    var time = Time(f.CaptureTimeUnixNanoseconds);
                    if (!_frameKeys.Add((time, f.Site, f.Model)))
                    {
                        continue;
                    }

                    addedFrames.Add((time, f.Site, f.Model));

                    AuroraPoints.Append(lines, f);
                    labelCsv.WriteRecord([
                        time, f.Site, f.Prediction.LabelName, Number(f.Prediction.Confidence), f.SkyTag,
                        Optional(f.Sky?.SunApparentElevationDeg, "0.###"), Optional(f.Sky?.MoonApparentElevationDeg, "0.###"), Optional(f.Sky?.MoonIlluminatedFraction, "0.####"), Optional(f.Prediction.OodScore, "0.######"), f.Model]);
                }

                foreach (var e in events)
                {
                    var time = Time(e.TimeUnixNanoseconds);
                    var kind = AuroraPoints.Kind(e.Kind);
                    if (!_eventKeys.Add((time, e.Site, e.Model, kind)))
                    {
                        continue;
                    }

                    addedEvents.Add((time, e.Site, e.Model, kind));

                    AuroraPoints.Append(lines, e);
                    eventCsv.WriteRecord([time, e.Site, e.Imager, e.Model, kind, e.From.ToLabel(), e.To.ToLabel(), Number(e.AuroraProbability), Number(e.Confidence)]);
                }
            }

            await _lines.WriteAsync(lines.ToString().AsMemory(), cancellationToken).ConfigureAwait(false);
            await _labels.WriteAsync(labels, cancellationToken).ConfigureAwait(false);
            await _events.WriteAsync(eventRows, cancellationToken).ConfigureAwait(false);
            await _lines.FlushAsync(cancellationToken).ConfigureAwait(false);
            await _labels.FlushAsync(cancellationToken).ConfigureAwait(false);
            await _events.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // Not stored: a retry must write these rows.
            _frameKeys.ExceptWith(addedFrames);
            _eventKeys.ExceptWith(addedEvents);
            throw;
        }
        finally
        {
            _gate.Release();
        }

        return SinkWriteResult.Written;
    }

    /// <inheritdoc />
    public string? CheckWritable(ClassifiedFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);

        // labels.csv and events.csv are written unquoted.
        foreach (var (name, value) in new[] { ("site", frame.Site), ("imager", frame.Imager), ("model", frame.Model) })
        {
            if (value.AsSpan().IndexOfAny(",\"\r\n") >= 0)
            {
                return $"the {name} '{value.ReplaceLineEndings(" ")}' holds a comma, quote or line break, which the CSV files cannot carry unquoted";
            }
        }

        return AuroraPoints.Check(frame);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _lines.DisposeAsync().ConfigureAwait(false);
        await _labels.DisposeAsync().ConfigureAwait(false);
        await _events.DisposeAsync().ConfigureAwait(false);
        _gate.Dispose();
    }

    private static string Time(long unixNanoseconds) =>
        DateTime.UnixEpoch.AddTicks(unixNanoseconds / 100).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    private static string Number(double value) => value.ToString("0.######", CultureInfo.InvariantCulture);

    private static string Number(float value) => value.ToString("0.######", CultureInfo.InvariantCulture);

    private static string Optional(double? value, string format) => value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : string.Empty;

    /// <summary>The keys of the rows of a CSV file this sink wrote (RFC 4180, CsvHelper), after checking its header.</summary>
    private static IEnumerable<T> ReadKeys<T>(string path, string header, Func<string[], T> key)
    {
        if (!File.Exists(path) || new FileInfo(path).Length == 0)
        {
            yield break;
        }

        var width = header.Split(',').Length;
        using var reader = CsvReader.FromFile(path, new CsvReaderOptions { HasHeader = true, SkipEmptyLines = true, TrackLineNumbers = true, MalformedData = CsvMalformedDataHandling.Throw, FormatProvider = CultureInfo.InvariantCulture });
        var found = string.Join(',', reader.Headers);
        if (found != header)
        {
            throw new InvalidDataException($"{path}: its header '{found}' is not this version's '{header}' (a file store written by another version): move the folder away or write to another one");
        }

        while (reader.Read())
        {
            if (reader.FieldCount < width)
            {
                throw new InvalidDataException($"{path}: line {reader.LineNumber} has {reader.FieldCount} fields, expected {width} (a partly written row? move it away)");
            }

            yield return key([.. Enumerable.Range(0, width).Select(i => reader.GetString(i) ?? string.Empty)]);
        }
    }

    private static StreamWriter Open(string path, string? header)
    {
        var exists = File.Exists(path) && new FileInfo(path).Length > 0;
        var writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read), new UTF8Encoding(false));
        if (!exists && header is not null)
        {
            writer.Write(header + "\n");
        }

        return writer;
    }
}
