namespace AuroraStream.Synthetic;

/// <summary>
/// Per-pixel viewing geometry of one frame through a <see cref="FisheyeLens"/>: zenith angle,
/// azimuth, and the aperture (1 inside the field of view, falling to 0 over a few pixels at its
/// rim). Computed once per field of view and shared by every layer of the sky.
/// </summary>
internal sealed class SkyGeometry
{
    /// <summary>Pixels beyond the horizon radius where the aperture ends (the skymaps reach elevation -1 deg, 3.3 px out).</summary>
    public const double RimBeyondHorizonPx = 3.3;

    private const int TableSize = 2048;
    // Thin near the lower border, where the aurora is brightest and sharpest; wider above.
    private static readonly double[] LayerHeightsKm = [99.5, 102.5, 105.5, 108.5, 111.75, 115.5, 119.75, 124.75, 130.75, 138, 147, 158.25, 172.5, 190.5, 213.5, 243.5];
    private static readonly double[] LayerThicknessKm = [3, 3, 3, 3, 3.5, 4, 4.5, 5.5, 6.5, 8, 10, 12.5, 16, 20, 26, 34];
    private static readonly double[][] DistanceTable = BuildDistanceTables();

    public SkyGeometry(FisheyeLens lens, int width, int height)
    {
        Lens = lens;
        Width = width;
        Height = height;
        var n = width * height;
        Zenith = new float[n];
        CosAz = new float[n];
        SinAz = new float[n];
        Azimuth = new float[n];
        Radius = new float[n];
        Aperture = new float[n];
        HorizonRadiusPx = lens.HorizonRadiusPx;
        RimRadiusPx = HorizonRadiusPx + (RimBeyondHorizonPx * lens.Scale);
        var aspect = Math.Sqrt(lens.PixelAspect);
        var (cr, sr) = (Math.Cos(lens.NorthAzimuthDeg * Math.PI / 180), Math.Sin(lens.NorthAzimuthDeg * Math.PI / 180));
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var i = (y * width) + x;
                var (dx, dy) = (x - lens.CentreX, y - lens.CentreY);
                var r = lens.RadiusOf(dx, dy);
                Radius[i] = (float)r;
                Zenith[i] = (float)(lens.ZenithAngleDeg(r) * Math.PI / 180);

                // az = north + atan2(-dx, -dy) on the square-pixel grid: up is north, left is east (see FisheyeLens).
                var (c, s) = r > 1e-9 ? (-dy / aspect / r, -dx * aspect / r) : (1.0, 0.0);
                CosAz[i] = (float)((cr * c) - (sr * s));
                SinAz[i] = (float)((sr * c) + (cr * s));
                var az = Math.Atan2(SinAz[i], CosAz[i]);
                Azimuth[i] = (float)(az < 0 ? az + (2 * Math.PI) : az);
                Aperture[i] = (float)Math.Clamp((RimRadiusPx - r) / 2.0, 0, 1);
            }
        }
    }

    public FisheyeLens Lens { get; }

    public int Width { get; }

    public int Height { get; }

    public double HorizonRadiusPx { get; }

    public double RimRadiusPx { get; }

    /// <summary>Zenith angle, radians (beyond pi/2 below the horizon).</summary>
    public float[] Zenith { get; }

    public float[] CosAz { get; }

    public float[] SinAz { get; }

    /// <summary>Azimuth, radians east of north, 0..2pi.</summary>
    public float[] Azimuth { get; }

    /// <summary>Elliptical distance from the lens centre (<see cref="FisheyeLens.RadiusOf"/>), pixels.</summary>
    public float[] Radius { get; }

    /// <summary>Light reaching the detector through the lens rim: 1 inside, 0 outside.</summary>
    public float[] Aperture { get; }

    /// <summary>Heights, km, of the layers the line-of-sight integral through the aurora samples.</summary>
    public static IReadOnlyList<double> AuroraLayersKm => LayerHeightsKm;

    /// <summary>Thickness, km, of each aurora layer (midpoint rule).</summary>
    public static IReadOnlyList<double> AuroraLayerThicknessKm => LayerThicknessKm;

    /// <summary>Ground distance, km, below the crossing of the line of sight with aurora layer <paramref name="layer"/>, or NaN below the horizon.</summary>
    public static double LayerDistanceKm(int layer, double zenithRad)
    {
        if (zenithRad >= Math.PI / 2)
        {
            return double.NaN;
        }

        var t = zenithRad / (Math.PI / 2) * (TableSize - 1);
        var k = Math.Min((int)t, TableSize - 2);
        var f = t - k;
        var table = DistanceTable[layer];
        return (table[k] * (1 - f)) + (table[k + 1] * f);
    }

    private static double[][] BuildDistanceTables()
    {
        var tables = new double[LayerHeightsKm.Length][];
        for (var l = 0; l < tables.Length; l++)
        {
            tables[l] = new double[TableSize];
            for (var k = 0; k < TableSize; k++)
            {
                tables[l][k] = Atmosphere.GroundDistanceKm(k * (Math.PI / 2) / (TableSize - 1), LayerHeightsKm[l]);
            }
        }

        return tables;
    }
}
