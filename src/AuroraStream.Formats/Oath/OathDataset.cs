using System.Globalization;
using AuroraStream.Core;
using AuroraStream.Formats.IO;
using AuroraStream.Formats.Text;

namespace AuroraStream.Formats.Oath;

/// <summary>One labelled OATH image.</summary>
/// <param name="Index">0-based row in <c>classifications.csv</c>; the splits refer to it.</param>
/// <param name="PictureNumber">The image number (<c>picNum</c>), 1-based, naming <c>NNNNN.png</c>.</param>
/// <param name="Class">Six-class label (<c>class6</c>).</param>
/// <param name="RotationDegrees">Rotation of the rotated variant (<c>rotAng</c>).</param>
public sealed record OathEntry(int Index, int PictureNumber, AuroraClass Class, int RotationDegrees)
{
    /// <summary>Two-class label (<c>class2</c>).</summary>
    public AuroraPresence Presence => Class.ToPresence();
}

/// <summary>One of the benchmark's train/test permutations.</summary>
/// <param name="Number">0-based split number.</param>
/// <param name="Train">Indices into the catalogue used for training (first 70%).</param>
/// <param name="Test">Indices used for testing (the remaining 30%).</param>
public sealed record OathSplit(int Number, IReadOnlyList<int> Train, IReadOnlyList<int> Test);

/// <summary>Which image files a data set folder provides.</summary>
public enum OathImageVariant
{
    /// <summary><c>images/cropped_scaled/NNNNN.png</c> (the public tarball's layout).</summary>
    CroppedScaled,

    /// <summary><c>images/cropped_scaled_rotated/NNNNN_AAA.png</c>.</summary>
    CroppedScaledRotated,
}

/// <summary>
/// The OATH data set v1.1 (Clausen &amp; Nickisch 2018, doi:10.1029/2018JA025274, CC BY 4.0):
/// <c>classifications.csv</c> (licence preamble, then <c>class2,class6,picNum,picType,rotAng</c>),
/// <c>train_test_split.csv</c> (5 permutations of 0..N-1, first 70% train) and the images.
/// </summary>
public sealed class OathDataset
{
    /// <summary>The header line of <c>classifications.csv</c>.</summary>
    public const string ClassificationsHeader = "class2,class6,picNum,picType,rotAng";

    /// <summary>Percentage of each permutation used for training (the first 70%, rounded down).</summary>
    public const int TrainPercent = 70;

    private OathDataset(string root, IReadOnlyList<OathEntry> entries, IReadOnlyList<OathSplit> splits)
    {
        Root = root;
        Entries = entries;
        Splits = splits;
    }

    /// <summary>The data set folder.</summary>
    public string Root { get; }

    /// <summary>Every labelled image, in file order.</summary>
    public IReadOnlyList<OathEntry> Entries { get; }

    /// <summary>The benchmark's train/test splits.</summary>
    public IReadOnlyList<OathSplit> Splits { get; }

    /// <summary>Loads the labels and splits from a data set folder (images are located lazily).</summary>
    /// <exception cref="InvalidDataException">A file is missing or malformed.</exception>
    public static OathDataset Load(string root)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        var classifications = Path.Combine(root, "classifications.csv");
        var split = Path.Combine(root, "train_test_split.csv");
        if (!File.Exists(classifications))
        {
            throw new FileNotFoundException($"{classifications}: OATH labels not found", classifications);
        }

        var entries = ReadClassifications(classifications);
        var splits = File.Exists(split) ? ReadSplits(split, entries.Count) : [];
        return new OathDataset(root, entries, splits);
    }

    /// <summary>Reads <c>classifications.csv</c>: a licence preamble, then CSV (RFC 4180) from the header line on.</summary>
    public static IReadOnlyList<OathEntry> ReadClassifications(string path)
    {
        var lines = File.ReadAllLines(path);
        var header = Array.FindIndex(lines, l => l.Trim().Replace("\"", string.Empty, StringComparison.Ordinal) == ClassificationsHeader);
        if (header < 0)
        {
            throw FormatError.At(path, string.Empty, $"no header line '{ClassificationsHeader}'").Tag(FormatErrorKind.UnknownFormat);
        }

        using var csv = CsvTable.FromText(path, string.Join('\n', lines[header..]), header + 1);
        var entries = new List<OathEntry>();
        while (csv.Read())
        {
            if (csv.FieldCount != 5)
            {
                throw csv.Error($"expected 5 fields, found {csv.FieldCount}");
            }

            if (!int.TryParse(csv[0], NumberStyles.None, CultureInfo.InvariantCulture, out var class2) || class2 is not (0 or 1)
                || !int.TryParse(csv[1], NumberStyles.None, CultureInfo.InvariantCulture, out var class6) || class6 is < 0 or > 5
                || !int.TryParse(csv[2], NumberStyles.None, CultureInfo.InvariantCulture, out var picNum) || picNum < 1
                || !int.TryParse(csv[4], NumberStyles.None, CultureInfo.InvariantCulture, out var rot) || rot is < 0 or >= 360)
            {
                throw csv.Error($"malformed entry '{csv[0]},{csv[1]},{csv[2]},{csv[3]},{csv[4]}'");
            }

            var label = (AuroraClass)class6;
            if ((int)label.ToPresence() != class2)
            {
                throw csv.Error($"class2 {class2} contradicts class6 {class6} ({label.ToLabel()})");
            }

            if (!AuroraClasses.TryParseLabel(csv[3], out var named) || named != label)
            {
                throw csv.Error(3, $"picType '{csv[3]}' contradicts class6 {class6}");
            }

            entries.Add(new OathEntry(entries.Count, picNum, label, rot));
        }

        return entries;
    }

    /// <summary>Reads <c>train_test_split.csv</c> (CSV without a header): each row must be a permutation of 0..count-1.</summary>
    public static IReadOnlyList<OathSplit> ReadSplits(string path, int count)
    {
        var splits = new List<OathSplit>();
        using var csv = CsvTable.Open(path, hasHeader: false);
        while (csv.Read())
        {
            // numpy's savetxt with a trailing delimiter leaves an empty last field.
            var fields = csv.FieldCount > 0 && csv[csv.FieldCount - 1].Length == 0 ? csv.FieldCount - 1 : csv.FieldCount;
            if (fields != count)
            {
                throw csv.Error($"{fields} indices, expected {count} (one per labelled image)");
            }

            var seen = new bool[count];
            var order = new int[count];
            for (var k = 0; k < count; k++)
            {
                if (!double.TryParse(csv[k], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || v != Math.Floor(v) || v < 0 || v >= count)
                {
                    throw FormatError.At(path, $"line {csv.Line} field {k + 1}", $"'{csv[k]}' is not an index in 0..{count - 1}");
                }

                var index = (int)v;
                if (seen[index])
                {
                    throw FormatError.At(path, $"line {csv.Line} field {k + 1}", $"index {index} appears twice: not a permutation");
                }

                seen[index] = true;
                order[k] = index;
            }

            var train = count * TrainPercent / 100;
            splits.Add(new OathSplit(splits.Count, order[..train], order[train..]));
        }

        return splits;
    }

    /// <summary>
    /// The image file for an entry, or null when it is not present. Looks in
    /// <c>images/cropped_scaled</c> (or <c>cropped_scaled_rotated</c>) and, failing that, directly
    /// in <c>images/</c>.
    /// </summary>
    public string? FindImage(OathEntry entry, OathImageVariant variant = OathImageVariant.CroppedScaled)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var name = variant == OathImageVariant.CroppedScaled
            ? $"{entry.PictureNumber:D5}.png"
            : $"{entry.PictureNumber:D5}_{entry.RotationDegrees:D3}.png";
        var folder = variant == OathImageVariant.CroppedScaled ? "cropped_scaled" : "cropped_scaled_rotated";
        foreach (var candidate in new[] { Path.Combine(Root, "images", folder, name), Path.Combine(Root, "images", name) })
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>Counts the entries whose image is present.</summary>
    public (int Found, int Missing) CountImages(OathImageVariant variant = OathImageVariant.CroppedScaled)
    {
        var found = Entries.Count(e => FindImage(e, variant) is not null);
        return (found, Entries.Count - found);
    }

    /// <summary>
    /// Reads an OATH image's intensity: the green channel of the 16-bit RGB PNG (red and blue
    /// are zero in the published images); the only channel of a greyscale PNG.
    /// </summary>
    public static ushort[] ReadIntensity(string path, out int width, out int height)
    {
        var png = PngImage.Decode(File.ReadAllBytes(path), path);
        width = png.Width;
        height = png.Height;
        return png.Channels >= 3 ? png.Channel(1) : png.Channel(0);
    }
}
