using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using AuroraStream.Core;

namespace AuroraStream.Formats.Stream0;

/// <summary>
/// Writes frames as a UCalgary stream0 file (the form <see cref="Stream0PgmReader"/> reads):
/// concatenated P5 images, 16-bit big-endian, file-level keys in the first header, per-frame keys in
/// each. Gzip-compressed when the path ends in <c>.gz</c>.
/// </summary>
public static class Stream0PgmWriter
{
    /// <summary>Writes the frames (all of one site, imager and size) to a file.</summary>
    public static void WriteFile(string path, IReadOnlyList<AllSkyFrame> frames, string project = "themis-gbo")
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(frames);
        if (frames.Count == 0)
        {
            throw new ArgumentException("A stream0 file holds at least one frame.", nameof(frames));
        }

        var first = frames[0];
        if (frames.Any(f => f.Site != first.Site || f.Imager != first.Imager || f.Width != first.Width || f.Height != first.Height))
        {
            throw new ArgumentException("All frames of a stream0 file share site, imager and size.", nameof(frames));
        }

        using var file = File.Create(path);
        using var output = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? (Stream)new GZipStream(file, CompressionLevel.Fastest) : file;
        for (var i = 0; i < frames.Count; i++)
        {
            var f = frames[i];
            var header = new StringBuilder("P5\n");
            if (i == 0)
            {
                header.Append(CultureInfo.InvariantCulture, $"#\"Project unique ID\" {project}\n#\"Site unique ID\" {f.Site}\n#\"Imager unique ID\" {f.Imager}\n");
            }

            header.Append("#\"Mode unique ID\" full\n");
            if (f.ExposureMs is { } exposure)
            {
                header.Append(CultureInfo.InvariantCulture, $"#\"Exposure options\" WIDTH={f.Width} HEIGHT={f.Height} MSEC={exposure:0}\n");
            }

            header.Append(CultureInfo.InvariantCulture, $"#\"Image request start\" {f.CaptureTime:yyyy-MM-dd HH:mm:ss.ffffff} UTC\n{f.Width} {f.Height}\n65535\n");
            output.Write(Encoding.ASCII.GetBytes(header.ToString()));
            var raster = new byte[f.Pixels.Length * 2];
            var pixels = f.Pixels.Span;
            for (var p = 0; p < pixels.Length; p++)
            {
                BinaryPrimitives.WriteUInt16BigEndian(raster.AsSpan(2 * p), pixels[p]);
            }

            output.Write(raster);
        }
    }
}
