namespace AuroraStream.Core.Preprocessing;

/// <summary>
/// The pixels of a preprocessed model input that image statistics are measured over
/// (<see cref="SkyStructure"/>, <see cref="SkyImageStatistics"/>): the centred disc of the field of
/// view. The disc's edge pixels are part zero (masked) in the input, so a pixel counts when its centre
/// lies inside 98% of the mask radius and the mask's own step is never taken for the sky's.
/// </summary>
/// <remarks>Every frame of a model has the same disc: the last one built is kept and shared (thread-safe).</remarks>
internal sealed class FieldOfViewDisc
{
    private static FieldOfViewDisc? _last;

    private FieldOfViewDisc(int side, double fraction)
    {
        (Side, Fraction) = (side, fraction);
        Centre = (side - 1) / 2.0;
        Radius = 0.98 * (fraction > 0 ? fraction : 1) * side / 2.0;
        Inside = new bool[side * side];
        for (var y = 0; y < side; y++)
        {
            for (var x = 0; x < side; x++)
            {
                var (dx, dy) = (x - Centre, y - Centre);
                if ((dx * dx) + (dy * dy) <= Radius * Radius)
                {
                    Inside[(y * side) + x] = true;
                    Count++;
                }
            }
        }
    }

    /// <summary>Side of the input, pixels.</summary>
    public int Side { get; }

    /// <summary>The mask radius as a fraction of half the side (0: no mask, the inscribed disc).</summary>
    public double Fraction { get; }

    /// <summary>Centre of the disc on both axes, pixels from the first pixel's centre.</summary>
    public double Centre { get; }

    /// <summary>Radius of the disc, pixels.</summary>
    public double Radius { get; }

    /// <summary>Whether each pixel (row-major) is inside.</summary>
    public bool[] Inside { get; }

    /// <summary>Pixels inside.</summary>
    public int Count { get; }

    /// <summary>Whether pixel (<paramref name="x"/>, <paramref name="y"/>) lies in the input and inside the disc.</summary>
    public bool Contains(int x, int y) => x >= 0 && y >= 0 && x < Side && y < Side && Inside[(y * Side) + x];

    /// <summary>The disc of a <paramref name="side"/> px input with mask radius <paramref name="fraction"/>.</summary>
    public static FieldOfViewDisc For(int side, double fraction)
    {
        var last = Volatile.Read(ref _last);
        if (last is null || last.Side != side || last.Fraction != fraction)
        {
            last = new FieldOfViewDisc(side, fraction);
            Volatile.Write(ref _last, last);
        }

        return last;
    }
}
