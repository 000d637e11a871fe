using System.Numerics;
using System.Runtime.InteropServices;

namespace AuroraStream.Core.Preprocessing;

/// <summary>
/// The parameters of the one preprocessing both the trainer and the stream apply, stored in each
/// model's card so the stream applies exactly what the model was trained with. The defaults are
/// the published reference pipeline (Johnson et al.'s released encoder).
/// </summary>
public sealed record PreprocessingParameters
{
    /// <summary>Lower percentile subtracted from every pixel.</summary>
    /// <value>Default 1.</value>
    public double LowPercentile { get; init; } = 1;

    /// <summary>Upper percentile of the shifted frame that the frame is divided by.</summary>
    /// <value>Default 99.</value>
    public double HighPercentile { get; init; } = 99;

    /// <summary>Radius of the circular field-of-view mask as a fraction of half the width; 0 disables it.</summary>
    /// <value>Default 0.85.</value>
    public double MaskRadiusFraction { get; init; } = 0.85;

    /// <summary>Pixels below this elevation (degrees) are masked when a skymap is given; null disables it.</summary>
    /// <value>Default null.</value>
    public double? MinElevationDegrees { get; init; }

    /// <summary>Side of the square model input in pixels.</summary>
    /// <value>Default 128 (the compact encoder); the ResNet-18 of the paper takes 224.</value>
    public int OutputSize { get; init; } = 128;

    /// <summary>Checks the parameters, naming the one that is wrong.</summary>
    public void Validate()
    {
        if (!(LowPercentile >= 0 && LowPercentile < HighPercentile && HighPercentile <= 100))
        {
            throw new ArgumentOutOfRangeException(nameof(LowPercentile), $"PreprocessingParameters.LowPercentile ({LowPercentile}) and HighPercentile ({HighPercentile}) must satisfy 0 <= low < high <= 100.");
        }

        if (MaskRadiusFraction is < 0 or > 2 || double.IsNaN(MaskRadiusFraction))
        {
            throw new ArgumentOutOfRangeException(nameof(MaskRadiusFraction), MaskRadiusFraction, "PreprocessingParameters.MaskRadiusFraction must be within 0..2.");
        }

        if (MinElevationDegrees is { } e && (e < 0 || e >= 90))
        {
            throw new ArgumentOutOfRangeException(nameof(MinElevationDegrees), e, "PreprocessingParameters.MinElevationDegrees must be within 0..90.");
        }

        if (OutputSize is < 8 or > 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(OutputSize), OutputSize, "PreprocessingParameters.OutputSize must be within 8..1024 pixels.");
        }
    }
}

/// <summary>
/// Turns raw 16-bit counts into the model's input, in this order: subtract the low percentile,
/// divide by the high percentile of the shifted frame, clip to [0, 1] (min-max scaling when that
/// percentile is 0; a constant frame becomes zeros); zero the pixels outside the centred circular
/// field of view and, with a skymap, below the elevation cutoff; resize to the output size (box
/// average when shrinking by a whole factor, bilinear otherwise). Percentiles are numpy's default
/// (linear interpolation between closest ranks), computed exactly from a 65,536-bin histogram.
/// </summary>
public sealed class FramePreprocessor
{
    private readonly PreprocessingParameters _parameters;
    private readonly int[] _histogram = new int[65536];
    private readonly float[] _lookup = new float[65536];
    private float[] _normalised = [];
    private (int Start, int End)[] _diskRuns = [];
    private int _diskWidth;
    private int _busy;

    /// <summary>
    /// Creates a preprocessor. Not thread-safe: it keeps one frame's histogram and scratch image, so
    /// give each worker its own; a call made while another is running on the same instance throws.
    /// </summary>
    public FramePreprocessor(PreprocessingParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        parameters.Validate();
        _parameters = parameters;
    }

    /// <summary>The parameters applied.</summary>
    public PreprocessingParameters Parameters => _parameters;

    /// <summary>Output values per frame (<see cref="PreprocessingParameters.OutputSize"/> squared).</summary>
    public int OutputLength => _parameters.OutputSize * _parameters.OutputSize;

    /// <summary>
    /// Preprocesses one frame into <paramref name="destination"/> (row-major, top row first).
    /// </summary>
    /// <param name="pixels">Raw counts, row-major.</param>
    /// <param name="width">Frame width.</param>
    /// <param name="height">Frame height.</param>
    /// <param name="destination">OutputSize x OutputSize floats.</param>
    /// <param name="elevation">Per-pixel elevation (degrees, NaN outside the sky) of the frame's skymap, or empty.</param>
    /// <exception cref="InvalidOperationException">Another call is running on this instance.</exception>
    public void Process(ReadOnlySpan<ushort> pixels, int width, int height, Span<float> destination, ReadOnlySpan<float> elevation = default)
    {
        // Two frames sharing the scratch state would each get a mix of both: refuse rather than corrupt.
        if (Interlocked.Exchange(ref _busy, 1) != 0)
        {
            throw new InvalidOperationException("FramePreprocessor.Process was called while another call on the same instance was running; each worker needs its own preprocessor.");
        }

        try
        {
            ProcessAlone(pixels, width, height, destination, elevation);
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }
    }

    private void ProcessAlone(ReadOnlySpan<ushort> pixels, int width, int height, Span<float> destination, ReadOnlySpan<float> elevation)
    {
        if (width < 1 || height < 1 || pixels.Length != width * height)
        {
            throw new ArgumentException($"{pixels.Length} pixels do not make a {width}x{height} frame.", nameof(pixels));
        }

        if (destination.Length != OutputLength)
        {
            throw new ArgumentException($"Destination holds {destination.Length} values; {OutputLength} are needed.", nameof(destination));
        }

        if (!elevation.IsEmpty && elevation.Length != pixels.Length)
        {
            throw new ArgumentException($"Elevation map has {elevation.Length} values for {pixels.Length} pixels.", nameof(elevation));
        }

        if (!Normalisation(pixels, out var min, out var lookup))
        {
            // A constant frame (nothing to scale by) becomes zeros.
            destination.Clear();
            return;
        }

        var size = _parameters.OutputSize;
        if (elevation.IsEmpty && width % size == 0 && height % size == 0 && (width != size || height != size))
        {
            // The usual case (a whole-factor shrink, the disk mask only): one pass from the counts to the
            // output, with the same sums in the same order as the separate steps below.
            BoxFromCounts(pixels, width, height, min, lookup, DiskRunsFor(width, height), destination, size);
            return;
        }

        if (_normalised.Length != pixels.Length)
        {
            _normalised = new float[pixels.Length];
        }

        for (var i = 0; i < pixels.Length; i++)
        {
            _normalised[i] = lookup[pixels[i] - min];
        }

        Mask(_normalised, width, height, elevation);
        Resize(_normalised, width, height, destination, size);
    }

    /// <summary>Percentile of counts (numpy's linear method), exact.</summary>
    public static double Percentile(ReadOnlySpan<ushort> pixels, double percent)
    {
        var histogram = new int[65536];
        foreach (var p in pixels)
        {
            histogram[p]++;
        }

        return Percentile(histogram, pixels.Length, percent);
    }

    /// <summary>
    /// The scaling as a table over the frame's count range: <paramref name="lookup"/>[c - min] is
    /// the normalised value of count c. False when the frame is constant (every value would be 0).
    /// </summary>
    private bool Normalisation(ReadOnlySpan<ushort> pixels, out int min, out ReadOnlySpan<float> lookup)
    {
        // The histogram is all zeros between calls: only the bins between min and max are used, and
        // only those are cleared afterwards (a frame's counts span a few thousand of the 65,536).
        min = MinMax(pixels, out var max);
        foreach (var p in pixels)
        {
            _histogram[p]++;
        }

        var low = Percentile(_histogram, pixels.Length, _parameters.LowPercentile, min);

        // Percentiles commute with the shift, so the high percentile of the shifted frame is this.
        var scale = Percentile(_histogram, pixels.Length, _parameters.HighPercentile, min) - low;
        Array.Clear(_histogram, min, max - min + 1);
        if (scale <= 0)
        {
            // Min-max fallback: a frame whose percentiles coincide (mostly one value).
            low = min;
            scale = max - min;
        }

        if (scale <= 0)
        {
            lookup = default;
            return false;
        }

        // Every count maps through the same expression, so a table of the range in use gives each
        // pixel exactly the value computing it per pixel would. Counts at or below the low
        // percentile clip to 0 and counts a whole count or more above the high one clip to 1, so
        // only the counts between are computed (frames often span 0..65535 with saturated pixels).
        var inverse = 1.0 / scale;
        var table = _lookup.AsSpan(0, max - min + 1);
        var first = Math.Clamp((int)Math.Floor(low) - min, 0, table.Length);
        var last = Math.Clamp((int)Math.Ceiling(low + scale) + 1 - min, first, table.Length);
        table[..first].Clear();
        for (var c = first; c < last; c++)
        {
            table[c] = (float)Math.Clamp((c + min - low) * inverse, 0, 1);
        }

        table[last..].Fill(1f);

        lookup = table;
        return true;
    }

    private static int MinMax(ReadOnlySpan<ushort> pixels, out int max)
    {
        var i = 0;
        ushort lo = ushort.MaxValue, hi = 0;
        if (Vector.IsHardwareAccelerated && pixels.Length >= Vector<ushort>.Count)
        {
            var vlo = new Vector<ushort>(ushort.MaxValue);
            var vhi = Vector<ushort>.Zero;
            var vectors = MemoryMarshal.Cast<ushort, Vector<ushort>>(pixels);
            foreach (var v in vectors)
            {
                vlo = Vector.Min(vlo, v);
                vhi = Vector.Max(vhi, v);
            }

            for (var k = 0; k < Vector<ushort>.Count; k++)
            {
                lo = Math.Min(lo, vlo[k]);
                hi = Math.Max(hi, vhi[k]);
            }

            i = vectors.Length * Vector<ushort>.Count;
        }

        for (; i < pixels.Length; i++)
        {
            lo = Math.Min(lo, pixels[i]);
            hi = Math.Max(hi, pixels[i]);
        }

        max = hi;
        return lo;
    }

    /// <summary>
    /// Normalise, disk mask and box average in one pass: each output value is the sum of its block's
    /// normalised values, row by row and left to right within a row (masked ones are zeros, which
    /// leave a sum unchanged, so they are skipped), times the block's inverse area, as in <see cref="Resize"/>.
    /// </summary>
    private static void BoxFromCounts(ReadOnlySpan<ushort> pixels, int width, int height, int min, ReadOnlySpan<float> lookup, ReadOnlySpan<(int Start, int End)> runs, Span<float> destination, int size)
    {
        var fx = width / size;
        var fy = height / size;
        var norm = 1f / (fx * fy);
        for (var y = 0; y < size; y++)
        {
            var sums = destination.Slice(y * size, size);
            sums.Clear();
            for (var j = 0; j < fy; j++)
            {
                var r = (y * fy) + j;
                var row = pixels.Slice(r * width, width);
                var (start, end) = runs.IsEmpty ? (0, width) : runs[r];
                for (var x = start / fx; x * fx < end; x++)
                {
                    var sum = sums[x];
                    var from = Math.Max(x * fx, start);
                    var to = Math.Min((x + 1) * fx, end);
                    for (var i = from; i < to; i++)
                    {
                        sum += lookup[row[i] - min];
                    }

                    sums[x] = sum;
                }
            }

            for (var x = 0; x < size; x++)
            {
                sums[x] *= norm;
            }
        }
    }

    /// <summary>The disk's run in each row for this frame size (empty when the mask is off).</summary>
    private ReadOnlySpan<(int Start, int End)> DiskRunsFor(int width, int height)
    {
        if (_parameters.MaskRadiusFraction <= 0)
        {
            return default;
        }

        // The runs are worked out once per frame size with the same test as the per-pixel path.
        if (_diskRuns.Length != height || _diskWidth != width)
        {
            _diskRuns = DiskRuns(width, height, _parameters.MaskRadiusFraction);
            _diskWidth = width;
        }

        return _diskRuns;
    }

    private void Mask(Span<float> image, int width, int height, ReadOnlySpan<float> elevation)
    {
        var fraction = _parameters.MaskRadiusFraction;
        var cutoff = _parameters.MinElevationDegrees;
        if (cutoff is not null && !elevation.IsEmpty)
        {
            MaskPerPixel(image, width, height, elevation, fraction, cutoff.Value);
            return;
        }

        if (fraction <= 0)
        {
            return;
        }

        // The disk's part of each row is one run of pixels: zero what lies either side of it.
        var runs = DiskRunsFor(width, height);
        for (var y = 0; y < height; y++)
        {
            var (start, end) = runs[y];
            var row = image.Slice(y * width, width);
            row[..start].Clear();
            row[end..].Clear();
        }
    }

    private static (int Start, int End)[] DiskRuns(int width, int height, double fraction)
    {
        var (cx, cy, radius2) = Disk(width, height, fraction);
        var runs = new (int Start, int End)[height];
        for (var y = 0; y < height; y++)
        {
            var dy2 = (y - cy) * (y - cy);
            var start = 0;
            while (start < width && ((start - cx) * (start - cx)) + dy2 > radius2)
            {
                start++;
            }

            var end = start;
            while (end < width && ((end - cx) * (end - cx)) + dy2 <= radius2)
            {
                end++;
            }

            runs[y] = (start, end);
        }

        return runs;
    }

    private static (double Cx, double Cy, double Radius2) Disk(int width, int height, double fraction)
    {
        var radius = fraction * width / 2.0;
        return ((width - 1) / 2.0, (height - 1) / 2.0, radius * radius);
    }

    private static void MaskPerPixel(Span<float> image, int width, int height, ReadOnlySpan<float> elevation, double fraction, double cutoff)
    {
        var (cx, cy, radius2) = Disk(width, height, fraction);
        for (var y = 0; y < height; y++)
        {
            var dy2 = (y - cy) * (y - cy);
            for (var x = 0; x < width; x++)
            {
                var i = (y * width) + x;
                var outside = fraction > 0 && ((x - cx) * (x - cx)) + dy2 > radius2;
                if (outside || !(elevation[i] >= cutoff))
                {
                    image[i] = 0;
                }
            }
        }
    }

    private static void Resize(ReadOnlySpan<float> source, int width, int height, Span<float> destination, int size)
    {
        if (width == size && height == size)
        {
            source.CopyTo(destination);
            return;
        }

        if (width % size == 0 && height % size == 0)
        {
            var fx = width / size;
            var fy = height / size;
            var norm = 1f / (fx * fy);
            for (var y = 0; y < size; y++)
            {
                for (var x = 0; x < size; x++)
                {
                    var sum = 0f;
                    for (var j = 0; j < fy; j++)
                    {
                        var row = ((y * fy) + j) * width;
                        for (var i = 0; i < fx; i++)
                        {
                            sum += source[row + (x * fx) + i];
                        }
                    }

                    destination[(y * size) + x] = sum * norm;
                }
            }

            return;
        }

        // Bilinear with half-pixel centres (align_corners = false).
        var sx = (double)width / size;
        var sy = (double)height / size;
        for (var y = 0; y < size; y++)
        {
            var fy = Math.Clamp(((y + 0.5) * sy) - 0.5, 0, height - 1);
            var y0 = (int)fy;
            var y1 = Math.Min(y0 + 1, height - 1);
            var wy = fy - y0;
            for (var x = 0; x < size; x++)
            {
                var fx = Math.Clamp(((x + 0.5) * sx) - 0.5, 0, width - 1);
                var x0 = (int)fx;
                var x1 = Math.Min(x0 + 1, width - 1);
                var wx = fx - x0;
                var top = (source[(y0 * width) + x0] * (1 - wx)) + (source[(y0 * width) + x1] * wx);
                var bottom = (source[(y1 * width) + x0] * (1 - wx)) + (source[(y1 * width) + x1] * wx);
                destination[(y * size) + x] = (float)((top * (1 - wy)) + (bottom * wy));
            }
        }
    }

    private static double Percentile(int[] histogram, int count, double percent, int start = 0)
    {
        // Rank h = (n - 1) p / 100 between the sorted values at floor(h) and floor(h) + 1.
        var h = (count - 1) * percent / 100.0;
        var lo = (long)Math.Floor(h);
        var loValue = ValueAtRank(histogram, lo, start);
        var hiValue = lo + 1 < count ? ValueAtRank(histogram, lo + 1, start) : loValue;
        return loValue + ((h - lo) * (hiValue - loValue));
    }

    /// <summary>The value at a rank; <paramref name="start"/> is a bin at or below the first non-empty one.</summary>
    private static int ValueAtRank(int[] histogram, long rank, int start)
    {
        long seen = 0;
        for (var v = start; v < histogram.Length; v++)
        {
            seen += histogram[v];
            if (seen > rank)
            {
                return v;
            }
        }

        return histogram.Length - 1;
    }
}
