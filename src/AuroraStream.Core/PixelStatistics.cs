namespace AuroraStream.Core;

/// <summary>Minimum, maximum, sum and mean of a frame's counts.</summary>
/// <param name="Min">Smallest count.</param>
/// <param name="Max">Largest count.</param>
/// <param name="Sum">Sum of all counts (exact: 64-bit).</param>
/// <param name="Count">Number of pixels.</param>
public readonly record struct PixelStatistics(ushort Min, ushort Max, long Sum, int Count)
{
    /// <summary>Mean count, or NaN for an empty frame.</summary>
    public double Mean => Count == 0 ? double.NaN : (double)Sum / Count;

    /// <summary>Computes the statistics of a span of counts.</summary>
    public static PixelStatistics Compute(ReadOnlySpan<ushort> pixels)
    {
        if (pixels.IsEmpty)
        {
            return new PixelStatistics(0, 0, 0, 0);
        }

        ushort min = ushort.MaxValue, max = ushort.MinValue;
        long sum = 0;
        foreach (var p in pixels)
        {
            if (p < min)
            {
                min = p;
            }

            if (p > max)
            {
                max = p;
            }

            sum += p;
        }

        return new PixelStatistics(min, max, sum, pixels.Length);
    }
}
