using System.Globalization;
using System.Text;
using AuroraStream.Core;
using AuroraStream.Core.Stream;
using CsvHelper;

namespace AuroraStream.Influx;

/// <summary>
/// The embedded file store: the same points as InfluxDB gets, appended as line protocol to
/// <c>aurora.lp</c> (loadable with <c>influx -import</c> or the v2 write API), plus
/// <c>labels.csv</c> (time,site,label,confidence,sky,sun_elevation,moon_elevation,moon_illumination,ood_score:
/// the analysis command reads it; the last four are empty when unknown) and
/// <c>events.csv</c>, both CSV with RFC 4180 quoting (CsvHelper; a model name with a comma stays one
/// field). Appends are flushed before a write returns.
/// </summary>
public sealed class FilePredictionSink : IPredictionSink
{
    private readonly StreamWriter _lines;
    private readonly StreamWriter _labels;
    private readonly StreamWriter _events;
    private static readonly CsvWriterOptions CsvOptions = new() { NewLine = "\n", FormatProvider = CultureInfo.InvariantCulture };
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Opens (appending) the files in a folder, creating it.</summary>
    public FilePredictionSink(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        Directory.CreateDirectory(folder);
        Folder = folder;
        _lines = Open(Path.Combine(folder, "aurora.lp"), null);
        _labels = Open(Path.Combine(folder, "labels.csv"), "time,site,label,confidence,sky,sun_elevation,moon_elevation,moon_illumination,ood_score");
        _events = Open(Path.Combine(folder, "events.csv"), "time,site,imager,model,kind,from,to,p_aurora,confidence");
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
        using (var labelCsv = CsvWriter.Create(new StringWriter(labels, CultureInfo.InvariantCulture), CsvOptions))
        using (var eventCsv = CsvWriter.Create(new StringWriter(eventRows, CultureInfo.InvariantCulture), CsvOptions))
        {
            foreach (var f in frames)
            {
                AuroraPoints.Append(lines, f);
                labelCsv.WriteRecord([
                    Time(f.CaptureTimeUnixNanoseconds), f.Site, f.Prediction.LabelName, Number(f.Prediction.Confidence), f.SkyTag,
                    Optional(f.Sky?.SunApparentElevationDeg, "0.###"), Optional(f.Sky?.MoonApparentElevationDeg, "0.###"), Optional(f.Sky?.MoonIlluminatedFraction, "0.####"), Optional(f.Prediction.OodScore, "0.######")]);
            }

            foreach (var e in events)
            {
                AuroraPoints.Append(lines, e);
                eventCsv.WriteRecord([Time(e.TimeUnixNanoseconds), e.Site, e.Imager, e.Model, AuroraPoints.Kind(e.Kind), e.From.ToLabel(), e.To.ToLabel(), Number(e.AuroraProbability), Number(e.Confidence)]);
            }
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _lines.WriteAsync(lines.ToString().AsMemory(), cancellationToken).ConfigureAwait(false);
            await _labels.WriteAsync(labels, cancellationToken).ConfigureAwait(false);
            await _events.WriteAsync(eventRows, cancellationToken).ConfigureAwait(false);
            await _lines.FlushAsync(cancellationToken).ConfigureAwait(false);
            await _labels.FlushAsync(cancellationToken).ConfigureAwait(false);
            await _events.FlushAsync(cancellationToken).ConfigureAwait(false);
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
