using System.IO.Compression;
using System.Runtime.CompilerServices;
using AuroraStream.Core;
using AuroraStream.Formats.Cdf;
using AuroraStream.Formats.IdlSave;
using AuroraStream.Formats.IO;
using AuroraStream.Formats.Oath;
using AuroraStream.Formats.Stream0;
using AuroraStream.Formats.Themis;

namespace AuroraStream.Formats.Detection;

/// <summary>What a file holds, judged by its content.</summary>
public enum AsiFileKind
{
    /// <summary>Not a format AuroraStream reads.</summary>
    Unknown,

    /// <summary>UCalgary stream0 PGM, plain.</summary>
    Stream0Pgm,

    /// <summary>UCalgary stream0 PGM, gzip-compressed.</summary>
    Stream0PgmGzip,

    /// <summary>A CDF file (THEMIS L1 ASI or another product).</summary>
    Cdf,

    /// <summary>An IDL SAVE file (THEMIS skymaps).</summary>
    IdlSave,

    /// <summary>A PNG image (OATH).</summary>
    Png,

    /// <summary>A zero-length file: an input failure (nothing was written, or a transfer was cut), never skipped.</summary>
    Empty,
}

/// <summary>Recognises ASI files by content and reads their frames.</summary>
public static class AsiFiles
{
    /// <summary>Kinds that hold all-sky frames.</summary>
    public static bool HoldsFrames(AsiFileKind kind) => kind is AsiFileKind.Stream0Pgm or AsiFileKind.Stream0PgmGzip or AsiFileKind.Cdf;

    /// <summary>What a file of this kind is, in a user's words (for messages; never the enum name).</summary>
    public static string Describe(AsiFileKind kind) => kind switch
    {
        AsiFileKind.Stream0Pgm => "a UCalgary stream0 PGM file",
        AsiFileKind.Stream0PgmGzip => "a gzip-compressed UCalgary stream0 PGM file",
        AsiFileKind.Cdf => "a CDF file",
        AsiFileKind.IdlSave => "an IDL SAVE file (THEMIS skymaps are these), which holds no frames",
        AsiFileKind.Png => "a PNG image (OATH images are these: train and evaluate oath read them), which holds no capture time",
        AsiFileKind.Empty => "an empty file (0 bytes)",
        _ => "its first bytes match none of the formats read (UCalgary stream0 PGM, plain or gzip; THEMIS L1 ASI CDF)",
    };

    /// <summary>Judges a file by its first bytes (inflating the start of a gzip file).</summary>
    public static AsiFileKind Detect(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096);
        Span<byte> head = stackalloc byte[8];
        var n = file.ReadUpTo(head);
        head = head[..n];
        if (n == 0)
        {
            return AsiFileKind.Empty;
        }

        // Cut after one byte of a magic number: the readers name the truncation.
        if (n == 1 && head[0] is 0x1F or (byte)'P')
        {
            return head[0] == 0x1F ? AsiFileKind.Stream0PgmGzip : AsiFileKind.Stream0Pgm;
        }

        if (StreamExtensions.IsGzip(head))
        {
            file.Position = 0;
            Span<byte> inner = stackalloc byte[2];
            try
            {
                using var gz = new GZipStream(file, CompressionMode.Decompress, leaveOpen: true);
                var m = gz.ReadUpTo(inner);

                // Fewer than two bytes inflate from a file cut short (in its gzip header, say): let the reader say so.
                return m < 2 || (inner[0] == 'P' && inner[1] == '5') ? AsiFileKind.Stream0PgmGzip : AsiFileKind.Unknown;
            }
            catch (InvalidDataException)
            {
                // A broken gzip stream is still a gzip file: let the stream0 reader say what is wrong.
                return AsiFileKind.Stream0PgmGzip;
            }
        }

        if (head.Length >= 2 && head[0] == 'P' && head[1] == '5')
        {
            return AsiFileKind.Stream0Pgm;
        }

        if (CdfFile.HasCdfMagic(head))
        {
            return AsiFileKind.Cdf;
        }

        if (IdlSaveFile.HasSignature(head))
        {
            return AsiFileKind.IdlSave;
        }

        return PngImage.HasSignature(head) ? AsiFileKind.Png : AsiFileKind.Unknown;
    }

    /// <summary>
    /// Reads the frames of one file of any frame-bearing kind. Complete frames before a corruption
    /// are yielded, then the <see cref="InvalidDataException"/> is thrown.
    /// </summary>
    public static IEnumerable<AllSkyFrame> ReadFrames(string path, Stream0ReaderOptions? stream0 = null, CdfReaderOptions? cdf = null) =>
        ReadFrames(path, Detect(path), stream0, cdf);

    /// <summary>Reads the frames of a file whose kind <see cref="Detect"/> has already given.</summary>
    public static IEnumerable<AllSkyFrame> ReadFrames(string path, AsiFileKind kind, Stream0ReaderOptions? stream0 = null, CdfReaderOptions? cdf = null)
    {
        return kind switch
        {
            AsiFileKind.Stream0Pgm or AsiFileKind.Stream0PgmGzip => Stream0PgmReader.ReadFile(path, stream0),
            AsiFileKind.Cdf => ThemisL1AsiReader.ReadFile(path, cdf),
            AsiFileKind.IdlSave => throw FormatError.At(path, string.Empty, "an IDL SAVE file (a skymap?), not a file of frames").Tag(FormatErrorKind.UnknownFormat),
            AsiFileKind.Png => throw FormatError.At(path, string.Empty, "a PNG image (an OATH image?), not a file of timed frames").Tag(FormatErrorKind.UnknownFormat),
            AsiFileKind.Empty => throw FormatError.At(path, string.Empty, "empty file (0 bytes): nothing was written to it, or its transfer was cut", 0),
            _ => throw FormatError.At(path, string.Empty, "not a recognised ASI file: neither stream0 PGM (plain or gzip) nor CDF", 0).Tag(FormatErrorKind.UnknownFormat),
        };
    }

    /// <summary>
    /// The frame files (stream0 PGM, CDF) among files and folders, with their kind. A missing path, an
    /// unreadable file, an empty file or a named file that holds no frames is reported through
    /// <paramref name="onError"/> and skipped; other files found in folders are skipped, each passed
    /// to <paramref name="onSkipped"/> with its kind when one is given. A file reached through more than
    /// one input comes once (see <see cref="Expand"/>), its repeats passed to <paramref name="onRepeated"/>.
    /// A folder input that holds no frame file (and no file already read through another input) is
    /// reported through <paramref name="onError"/>.
    /// </summary>
    public static IEnumerable<(string Path, AsiFileKind Kind)> FrameFiles(IEnumerable<string> inputs, Action<string, Exception> onError, Action<string, AsiFileKind>? onSkipped = null, Action<string>? onRepeated = null)
    {
        ArgumentNullException.ThrowIfNull(onError);
        ArgumentNullException.ThrowIfNull(inputs);
        var seen = new HashSet<string>(FilePaths.Comparer);
        foreach (var input in inputs)
        {
            var (frameFiles, repeats, errors) = (0, 0, 0);
            void Error(string path, Exception e)
            {
                errors++;
                onError(path, e);
            }

            foreach (var (path, kind) in FrameFilesOf(input, seen, Error, onSkipped, p =>
            {
                repeats++;
                onRepeated?.Invoke(p);
            }))
            {
                frameFiles++;
                yield return (path, kind);
            }

            if (frameFiles == 0 && repeats == 0 && errors == 0 && Directory.Exists(input))
            {
                // A folder named on the command line that holds no frame is as much an error as a file that holds none.
                onError(input, new FileNotFoundException($"{input}: no frame files (stream0 PGM, plain or .gz, or THEMIS L1 CDF) in this folder", input));
            }
        }
    }

    private static IEnumerable<(string Path, AsiFileKind Kind)> FrameFilesOf(string input, HashSet<string> seen, Action<string, Exception> onError, Action<string, AsiFileKind>? onSkipped, Action<string> onRepeated)
    {
        foreach (var (path, fromFolder) in ExpandOne(input, seen, onRepeated))
        {
            if (!File.Exists(path))
            {
                onError(path, new FileNotFoundException($"{path}: no such file or directory", path));
                continue;
            }

            AsiFileKind kind;
            try
            {
                kind = Detect(path);
            }
            catch (IOException e)
            {
                onError(path, e);
                continue;
            }

            if (HoldsFrames(kind))
            {
                yield return (path, kind);
            }
            else if (kind == AsiFileKind.Empty)
            {
                onError(path, FormatError.At(path, string.Empty, "empty file (0 bytes): nothing was written to it, or its transfer was cut", 0));
            }
            else if (!fromFolder)
            {
                onError(path, new InvalidDataException($"{path}: not a THEMIS ASI frame file: {Describe(kind)}"));
            }
            else
            {
                onSkipped?.Invoke(path, kind);
            }
        }
    }

    /// <summary>
    /// Expands files and folders (recursively, in ordinal path order) into files. Missing paths are
    /// returned too, so the caller reports them. A file reached through more than one input (a folder
    /// and a file or folder inside it, the same path spelt twice, a symbolic link to it) comes once, the
    /// first time: its frames are not read, classified, replayed or counted twice. Files compare by
    /// <see cref="FilePaths.Canonical"/>; each repeat is passed to <paramref name="onRepeated"/>.
    /// </summary>
    public static IEnumerable<(string Path, bool FromFolder)> Expand(IEnumerable<string> inputs, Action<string>? onRepeated = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var seen = new HashSet<string>(FilePaths.Comparer);
        foreach (var input in inputs)
        {
            foreach (var file in ExpandOne(input, seen, onRepeated))
            {
                yield return file;
            }
        }
    }

    /// <summary>One input of <see cref="Expand"/>, against the files <paramref name="seen"/> so far.</summary>
    private static IEnumerable<(string Path, bool FromFolder)> ExpandOne(string input, HashSet<string> seen, Action<string>? onRepeated)
    {
        var files = Directory.Exists(input)
            ? Directory.EnumerateFiles(input, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.Hidden })
                .Order(StringComparer.Ordinal).Select(f => (f, true))
            : [(input, false)];
        foreach (var (path, fromFolder) in files)
        {
            if (seen.Add(FilePaths.Canonical(path)))
            {
                yield return (path, fromFolder);
            }
            else
            {
                onRepeated?.Invoke(path);
            }
        }
    }

    /// <summary>The note for the files <see cref="Expand"/> passed over because the inputs overlap.</summary>
    public static string RepeatedNote(int files) => string.Create(
        System.Globalization.CultureInfo.InvariantCulture,
        $"{files} file(s) reached through more than one input (a folder and a file or folder inside it, or the same path spelt twice): each read once");
}

/// <summary>An <see cref="IFrameSource"/> over local files and folders, one file after another.</summary>
/// <param name="paths">Files and folders.</param>
/// <param name="stream0">Stream0 reader limits.</param>
/// <param name="cdf">CDF reader limits.</param>
public sealed class AsiFileFrameSource(IReadOnlyList<string> paths, Stream0ReaderOptions? stream0 = null, CdfReaderOptions? cdf = null) : IFrameSource
{
    /// <inheritdoc />
    public string Description => string.Join(", ", paths);

    /// <inheritdoc />
    public async IAsyncEnumerable<AllSkyFrame> ReadFramesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var (path, fromFolder) in AsiFiles.Expand(paths))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var kind = AsiFiles.Detect(path);
            if (fromFolder && !AsiFiles.HoldsFrames(kind) && kind != AsiFileKind.Empty)
            {
                continue;
            }

            foreach (var frame in AsiFiles.ReadFrames(path, kind, stream0, cdf))
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return frame;
            }

            await Task.Yield();
        }
    }
}
