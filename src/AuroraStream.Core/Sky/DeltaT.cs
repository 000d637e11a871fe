namespace AuroraStream.Core.Sky;

/// <summary>
/// ΔT = TT - UT, seconds, from the polynomial expressions of Espenak and Meeus (2006), <i>Five Millennium
/// Canon of Solar Eclipses: -1999 to +3000</i>, NASA/TP-2006-214141 (section "Polynomial Expressions for
/// Delta T"), with the year defined there as <c>y = year + (month - 0.5) / 12</c>.
/// </summary>
/// <remarks>
/// Within 2005-2050 the expression is 62.92 + 0.32217 t + 0.005589 t^2 (t = y - 2000); it tracks the
/// observed ΔT to about a second through 2025 (the extrapolation drifts a few seconds high after that,
/// which moves the Moon by well under an arcminute). Before 1600 and after 2050 ΔT is uncertain by
/// minutes to hours, and so is the Moon's position derived from it.
/// </remarks>
internal static class DeltaT
{
    /// <summary>The decimal year the polynomials are keyed on: <c>year + (month - 0.5) / 12</c>.</summary>
    public static double DecimalYear(DateTime utc) => utc.Year + ((utc.Month - 0.5) / 12.0);

    /// <summary>ΔT in seconds at a decimal year <paramref name="y"/>.</summary>
    public static double Seconds(double y)
    {
        double u, t;
        if (y < -500)
        {
            u = (y - 1820) / 100;
            return -20 + (32 * u * u);
        }

        if (y < 500)
        {
            u = y / 100;
            return Polynomial(u, 10583.6, -1014.41, 33.78311, -5.952053, -0.1798452, 0.022174192, 0.0090316521);
        }

        if (y < 1600)
        {
            u = (y - 1000) / 100;
            return Polynomial(u, 1574.2, -556.01, 71.23472, 0.319781, -0.8503463, -0.005050998, 0.0083572073);
        }

        if (y < 1700)
        {
            t = y - 1600;
            return Polynomial(t, 120, -0.9808, -0.01532, 1.0 / 7129);
        }

        if (y < 1800)
        {
            t = y - 1700;
            return Polynomial(t, 8.83, 0.1603, -0.0059285, 0.00013336, -1.0 / 1174000);
        }

        if (y < 1860)
        {
            t = y - 1800;
            return Polynomial(t, 13.72, -0.332447, 0.0068612, 0.0041116, -0.00037436, 0.0000121272, -0.0000001699, 0.000000000875);
        }

        if (y < 1900)
        {
            t = y - 1860;
            return Polynomial(t, 7.62, 0.5737, -0.251754, 0.01680668, -0.0004473624, 1.0 / 233174);
        }

        if (y < 1920)
        {
            t = y - 1900;
            return Polynomial(t, -2.79, 1.494119, -0.0598939, 0.0061966, -0.000197);
        }

        if (y < 1941)
        {
            t = y - 1920;
            return Polynomial(t, 21.20, 0.84493, -0.076100, 0.0020936);
        }

        if (y < 1961)
        {
            t = y - 1950;
            return Polynomial(t, 29.07, 0.407, -1.0 / 233, 1.0 / 2547);
        }

        if (y < 1986)
        {
            t = y - 1975;
            return Polynomial(t, 45.45, 1.067, -1.0 / 260, -1.0 / 718);
        }

        if (y < 2005)
        {
            t = y - 2000;
            return Polynomial(t, 63.86, 0.3345, -0.060374, 0.0017275, 0.000651814, 0.00002373599);
        }

        if (y < 2050)
        {
            t = y - 2000;
            return Polynomial(t, 62.92, 0.32217, 0.005589);
        }

        u = (y - 1820) / 100;
        return y < 2150
            ? -20 + (32 * u * u) - (0.5628 * (2150 - y))
            : -20 + (32 * u * u);
    }

    private static double Polynomial(double x, params ReadOnlySpan<double> coefficients)
    {
        var sum = 0.0;
        for (var i = coefficients.Length - 1; i >= 0; i--)
        {
            sum = (sum * x) + coefficients[i];
        }

        return sum;
    }
}
