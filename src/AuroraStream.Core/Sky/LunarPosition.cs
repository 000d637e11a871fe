namespace AuroraStream.Core.Sky;

/// <summary>
/// The Moon's geocentric ecliptic coordinates by Meeus, <i>Astronomical Algorithms</i> 2nd ed. (1998),
/// ch. 47 "Position of the Moon": the ELP-2000/82 truncation of tables 47.A and 47.B with the additive
/// terms A1..A3, about 10" in longitude and 4" in latitude.
/// </summary>
internal static class LunarPosition
{
    /// <summary>
    /// Table 47.A: multiples of D, M, M', F; coefficient of the sine for Σl (1e-6 degree) and of the
    /// cosine for Σr (1e-3 km). Rows in the book's order.
    /// </summary>
    private static readonly LongitudeTerm[] LongitudeDistanceTerms =
    [
        new(0, 0, 1, 0, 6288774, -20905355),
        new(2, 0, -1, 0, 1274027, -3699111),
        new(2, 0, 0, 0, 658314, -2955968),
        new(0, 0, 2, 0, 213618, -569925),
        new(0, 1, 0, 0, -185116, 48888),
        new(0, 0, 0, 2, -114332, -3149),
        new(2, 0, -2, 0, 58793, 246158),
        new(2, -1, -1, 0, 57066, -152138),
        new(2, 0, 1, 0, 53322, -170733),
        new(2, -1, 0, 0, 45758, -204586),
        new(0, 1, -1, 0, -40923, -129620),
        new(1, 0, 0, 0, -34720, 108743),
        new(0, 1, 1, 0, -30383, 104755),
        new(2, 0, 0, -2, 15327, 10321),
        new(0, 0, 1, 2, -12528, 0),
        new(0, 0, 1, -2, 10980, 79661),
        new(4, 0, -1, 0, 10675, -34782),
        new(0, 0, 3, 0, 10034, -23210),
        new(4, 0, -2, 0, 8548, -21636),
        new(2, 1, -1, 0, -7888, 24208),
        new(2, 1, 0, 0, -6766, 30824),
        new(1, 0, -1, 0, -5163, -8379),
        new(1, 1, 0, 0, 4987, -16675),
        new(2, -1, 1, 0, 4036, -12831),
        new(2, 0, 2, 0, 3994, -10445),
        new(4, 0, 0, 0, 3861, -11650),
        new(2, 0, -3, 0, 3665, 14403),
        new(0, 1, -2, 0, -2689, -7003),
        new(2, 0, -1, 2, -2602, 0),
        new(2, -1, -2, 0, 2390, 10056),
        new(1, 0, 1, 0, -2348, 6322),
        new(2, -2, 0, 0, 2236, -9884),
        new(0, 1, 2, 0, -2120, 5751),
        new(0, 2, 0, 0, -2069, 0),
        new(2, -2, -1, 0, 2048, -4950),
        new(2, 0, 1, -2, -1773, 4130),
        new(2, 0, 0, 2, -1595, 0),
        new(4, -1, -1, 0, 1215, -3958),
        new(0, 0, 2, 2, -1110, 0),
        new(3, 0, -1, 0, -892, 3258),
        new(2, 1, 1, 0, -810, 2616),
        new(4, -1, -2, 0, 759, -1897),
        new(0, 2, -1, 0, -713, -2117),
        new(2, 2, -1, 0, -700, 2354),
        new(2, 1, -2, 0, 691, 0),
        new(2, -1, 0, -2, 596, 0),
        new(4, 0, 1, 0, 549, -1423),
        new(0, 0, 4, 0, 537, -1117),
        new(4, -1, 0, 0, 520, -1571),
        new(1, 0, -2, 0, -487, -1739),
        new(2, 1, 0, -2, -399, 0),
        new(0, 0, 2, -2, -381, -4421),
        new(1, 1, 1, 0, 351, 0),
        new(3, 0, -2, 0, -340, 0),
        new(4, 0, -3, 0, 330, 0),
        new(2, -1, 2, 0, 327, 0),
        new(0, 2, 1, 0, -323, 1165),
        new(1, 1, -1, 0, 299, 0),
        new(2, 0, 3, 0, 294, 0),
        new(2, 0, -1, -2, 0, 8752),
    ];

    /// <summary>Table 47.B: multiples of D, M, M', F and the coefficient of the sine for Σb (1e-6 degree).</summary>
    private static readonly LatitudeTerm[] LatitudeTerms =
    [
        new(0, 0, 0, 1, 5128122),
        new(0, 0, 1, 1, 280602),
        new(0, 0, 1, -1, 277693),
        new(2, 0, 0, -1, 173237),
        new(2, 0, -1, 1, 55413),
        new(2, 0, -1, -1, 46271),
        new(2, 0, 0, 1, 32573),
        new(0, 0, 2, 1, 17198),
        new(2, 0, 1, -1, 9266),
        new(0, 0, 2, -1, 8822),
        new(2, -1, 0, -1, 8216),
        new(2, 0, -2, -1, 4324),
        new(2, 0, 1, 1, 4200),
        new(2, 1, 0, -1, -3359),
        new(2, -1, -1, 1, 2463),
        new(2, -1, 0, 1, 2211),
        new(2, -1, -1, -1, 2065),
        new(0, 1, -1, -1, -1870),
        new(4, 0, -1, -1, 1828),
        new(0, 1, 0, 1, -1794),
        new(0, 0, 0, 3, -1749),
        new(0, 1, -1, 1, -1565),
        new(1, 0, 0, 1, -1491),
        new(0, 1, 1, 1, -1475),
        new(0, 1, 1, -1, -1410),
        new(0, 1, 0, -1, -1344),
        new(1, 0, 0, -1, -1335),
        new(0, 0, 3, 1, 1107),
        new(4, 0, 0, -1, 1021),
        new(4, 0, -1, 1, 833),
        new(0, 0, 1, -3, 777),
        new(4, 0, -2, 1, 671),
        new(2, 0, 0, -3, 607),
        new(2, 0, 2, -1, 596),
        new(2, -1, 1, -1, 491),
        new(2, 0, -2, 1, -451),
        new(0, 0, 3, -1, 439),
        new(2, 0, 2, 1, 422),
        new(2, 0, -3, -1, 421),
        new(2, 1, -1, 1, -366),
        new(2, 1, 0, 1, -351),
        new(4, 0, 0, 1, 331),
        new(2, -1, 1, 1, 315),
        new(2, -2, 0, -1, 302),
        new(0, 0, 1, 3, -283),
        new(2, 1, 1, -1, -229),
        new(1, 1, 0, -1, 223),
        new(1, 1, 0, 1, 223),
        new(0, 1, -2, -1, -220),
        new(2, 1, -1, -1, -220),
        new(1, 0, 1, 1, -185),
        new(2, -1, -2, -1, 181),
        new(0, 1, 2, 1, -177),
        new(4, 0, -2, -1, 176),
        new(4, -1, -1, -1, 166),
        new(1, 0, 1, -1, -164),
        new(4, 0, 1, -1, 132),
        new(1, 0, -1, -1, -119),
        new(4, -1, 0, -1, 115),
        new(2, -2, 0, 1, 107),
    ];

    /// <summary>
    /// Geocentric ecliptic longitude (mean equinox of date; add Δψ for the apparent longitude) and
    /// latitude, degrees, and the Earth-Moon centre distance, km.
    /// </summary>
    /// <param name="t">Julian centuries of TT from J2000.0 (eq. 22.1).</param>
    public static (double LongitudeDeg, double LatitudeDeg, double DistanceKm) Geocentric(double t)
    {
        var t2 = t * t;
        var t3 = t2 * t;
        var t4 = t3 * t;

        // Eqs. 47.1-47.5: mean longitude L', mean elongation D, Sun's mean anomaly M, Moon's mean
        // anomaly M', argument of latitude F, degrees.
        var meanLongitude = 218.3164477 + (481267.88123421 * t) - (0.0015786 * t2) + (t3 / 538841.0) - (t4 / 65194000.0);
        var elongation = 297.8501921 + (445267.1114034 * t) - (0.0018819 * t2) + (t3 / 545868.0) - (t4 / 113065000.0);
        var sunAnomaly = 357.5291092 + (35999.0502909 * t) - (0.0001536 * t2) + (t3 / 24490000.0);
        var moonAnomaly = 134.9633964 + (477198.8675055 * t) + (0.0087414 * t2) + (t3 / 69699.0) - (t4 / 14712000.0);
        var latitudeArgument = 93.2720950 + (483202.0175233 * t) - (0.0036539 * t2) - (t3 / 3526000.0) + (t4 / 863310000.0);

        // Ch. 47: the additive arguments A1 (Venus), A2 (Jupiter), A3, and eq. 47.6, the Earth-orbit
        // eccentricity factor E applied once per |multiple of M|.
        var a1 = 119.75 + (131.849 * t);
        var a2 = 53.09 + (479264.290 * t);
        var a3 = 313.45 + (481266.484 * t);
        var e = 1 - (0.002516 * t) - (0.0000074 * t2);
        var e2 = e * e;

        // Every argument is a small integer combination of D, M, M', F (|multiple| <= 4), so cos and sin of
        // each multiple are built once by the angle-addition recurrence and every term is a product of four
        // unit complex numbers: 12 trigonometric calls instead of about 170, the same result to 1e-15.
        Span<double> cosD = stackalloc double[MultipleCount], sinD = stackalloc double[MultipleCount];
        Span<double> cosM = stackalloc double[MultipleCount], sinM = stackalloc double[MultipleCount];
        Span<double> cosMp = stackalloc double[MultipleCount], sinMp = stackalloc double[MultipleCount];
        Span<double> cosF = stackalloc double[MultipleCount], sinF = stackalloc double[MultipleCount];
        Multiples(elongation, cosD, sinD);
        Multiples(sunAnomaly, cosM, sinM);
        Multiples(moonAnomaly, cosMp, sinMp);
        Multiples(latitudeArgument, cosF, sinF);

        double sumL = 0, sumR = 0, sumB = 0;
        foreach (ref readonly var term in LongitudeDistanceTerms.AsSpan())
        {
            var (cos, sin) = Combine(term.D, term.M, term.MPrime, term.F, cosD, sinD, cosM, sinM, cosMp, sinMp, cosF, sinF);
            var factor = term.M switch { 0 => 1.0, 1 or -1 => e, _ => e2 };
            sumL += factor * term.SineL * sin;
            sumR += factor * term.CosineR * cos;
        }

        foreach (ref readonly var term in LatitudeTerms.AsSpan())
        {
            var (_, sin) = Combine(term.D, term.M, term.MPrime, term.F, cosD, sinD, cosM, sinM, cosMp, sinMp, cosF, sinF);
            var factor = term.M switch { 0 => 1.0, 1 or -1 => e, _ => e2 };
            sumB += factor * term.SineB * sin;
        }

        sumL += (3958 * Angles.SinDeg(a1)) + (1962 * Angles.SinDeg(meanLongitude - latitudeArgument)) + (318 * Angles.SinDeg(a2));
        sumB += (-2235 * Angles.SinDeg(meanLongitude)) + (382 * Angles.SinDeg(a3))
            + (175 * Angles.SinDeg(a1 - latitudeArgument)) + (175 * Angles.SinDeg(a1 + latitudeArgument))
            + (127 * Angles.SinDeg(meanLongitude - moonAnomaly)) - (115 * Angles.SinDeg(meanLongitude + moonAnomaly));

        return (
            Angles.Normalise360(meanLongitude + (sumL / 1e6)),
            sumB / 1e6,
            385000.56 + (sumR / 1000.0));
    }

    /// <summary>Largest |multiple| of D, M, M' or F in tables 47.A and 47.B.</summary>
    private const int MaxMultiple = 4;

    /// <summary>Entries -4..4 of a multiples table, stored at index multiple + 4.</summary>
    private const int MultipleCount = (2 * MaxMultiple) + 1;

    /// <summary>cos and sin of k * angle for k = -4..4, at index k + 4.</summary>
    private static void Multiples(double angleDeg, Span<double> cos, Span<double> sin)
    {
        var (s1, c1) = Math.SinCos(Angles.Normalise360(angleDeg) * Angles.DegToRad);
        cos[MaxMultiple] = 1;
        sin[MaxMultiple] = 0;
        for (var k = 1; k <= MaxMultiple; k++)
        {
            var c = (cos[MaxMultiple + k - 1] * c1) - (sin[MaxMultiple + k - 1] * s1);
            var s = (sin[MaxMultiple + k - 1] * c1) + (cos[MaxMultiple + k - 1] * s1);
            cos[MaxMultiple + k] = c;
            sin[MaxMultiple + k] = s;
            cos[MaxMultiple - k] = c;
            sin[MaxMultiple - k] = -s;
        }
    }

    /// <summary>cos and sin of d D + m M + m' M' + f F, as the product of the four tabled multiples.</summary>
    private static (double Cos, double Sin) Combine(
        int d, int m, int mp, int f,
        ReadOnlySpan<double> cosD, ReadOnlySpan<double> sinD, ReadOnlySpan<double> cosM, ReadOnlySpan<double> sinM,
        ReadOnlySpan<double> cosMp, ReadOnlySpan<double> sinMp, ReadOnlySpan<double> cosF, ReadOnlySpan<double> sinF)
    {
        double c1 = cosD[d + MaxMultiple], s1 = sinD[d + MaxMultiple];
        double c2 = cosM[m + MaxMultiple], s2 = sinM[m + MaxMultiple];
        var c12 = (c1 * c2) - (s1 * s2);
        var s12 = (s1 * c2) + (c1 * s2);
        double c3 = cosMp[mp + MaxMultiple], s3 = sinMp[mp + MaxMultiple];
        double c4 = cosF[f + MaxMultiple], s4 = sinF[f + MaxMultiple];
        var c34 = (c3 * c4) - (s3 * s4);
        var s34 = (s3 * c4) + (c3 * s4);
        return ((c12 * c34) - (s12 * s34), (s12 * c34) + (c12 * s34));
    }

    private readonly record struct LongitudeTerm(sbyte D, sbyte M, sbyte MPrime, sbyte F, int SineL, int CosineR);

    private readonly record struct LatitudeTerm(sbyte D, sbyte M, sbyte MPrime, sbyte F, int SineB);
}
