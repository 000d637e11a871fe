namespace AuroraStream.Synthetic;

/// <summary>
/// The THEMIS ASI fisheye: an equidistant projection (zenith angle proportional to the radius
/// from the optical centre) with a small cubic term, and the rotation of the image against
/// geographic north.
/// </summary>
/// <remarks>
/// <para>
/// Fitted to the per-pixel FULL_ELEVATION/FULL_AZIMUTH of the THEMIS skymaps for Athabasca
/// (themis02, 2023) and Gakona (themis20, 2011) in <c>tests/data/themis-asi/skymap</c>. Both give
/// the same radial law to 0.1 deg: zenith angle 6.9 deg at 10 px, 41.5 deg at 60 px, 86.7 deg at
/// 120 px (averaged round the centre). A pure equidistant law (0.704 deg/px) is off by up to 1.9
/// deg, so a cubic term <c>z = k1 r + k3 r^3</c> is kept; and the pixels are not square: the field
/// reaches 126 px up and down but 122 px left and right, so the radius is taken as
/// <c>r = sqrt(a dx^2 + dy^2 / a)</c> with a = 1.035. Least squares over every pixel above the
/// horizon gives k1 = 0.67991 deg/px, k3 = 2.902e-6 deg/px^3, off by at most 0.19 deg at both
/// sites (0.12 deg above 5 deg elevation); the horizon (z = 90 deg) is at r = 124.2 px.
/// The zenith is at column 124, row 127-129 (rows counted from the first stored row, the top of
/// an <see cref="AuroraStream.Core.AllSkyFrame"/>). Geographic north is toward the top, turned
/// 20-23 deg (the azimuth seen straight up from the centre is 19.7 deg at Athabasca, 22.5 deg at
/// Gakona), and east is to the LEFT: the image is the sky seen from below.
/// </para>
/// <para>
/// The equidistant fisheye and the THEMIS ASI optics (a 180 deg field of view on a 256x256
/// binned CCD) are described in Mende et al. 2008, Space Sci. Rev. 141, 357, "The THEMIS array of
/// ground-based observatories for the study of auroral substorms", section 3.
/// </para>
/// </remarks>
/// <param name="CentreX">Column of the zenith, pixels (0 = first column).</param>
/// <param name="CentreY">Row of the zenith, pixels (0 = top row).</param>
/// <param name="Scale">Plate-scale factor: 1 is the fitted THEMIS lens; 1.03 puts the horizon 3% farther out.</param>
/// <param name="NorthAzimuthDeg">Azimuth (degrees east of north) seen straight up from the centre in the image.</param>
public sealed record FisheyeLens(double CentreX, double CentreY, double Scale, double NorthAzimuthDeg)
{
    /// <summary>Linear coefficient of the radial law, degrees of zenith angle per pixel.</summary>
    public const double K1DegPerPx = 0.67991;

    /// <summary>Cubic coefficient of the radial law, degrees per pixel cubed.</summary>
    public const double K3DegPerPx3 = 2.902e-6;

    /// <summary>Ratio of the row pitch to the column pitch on the sky (rows are finer): the elliptical radius is <c>sqrt(a dx^2 + dy^2 / a)</c>.</summary>
    /// <value>Default 1.035, fitted to the skymaps.</value>
    public double PixelAspect { get; init; } = 1.035;

    /// <summary>Elliptical radius, pixels, of the offset (<paramref name="dx"/>, <paramref name="dy"/>) from the centre: the radius the radial law takes.</summary>
    public double RadiusOf(double dx, double dy) => Math.Sqrt((PixelAspect * dx * dx) + (dy * dy / PixelAspect));

    /// <summary>The fitted THEMIS lens of a 256x256 frame (zenith at column 124, row 127.9; straight up in the image is azimuth 21 deg; pixel aspect 1.035).</summary>
    public static FisheyeLens Themis { get; } = new(124.0, 127.9, 1.0, 21.0);

    /// <summary>Elliptical radius of the horizon (zenith angle 90 deg), pixels: 122 px to the sides, 126 px up and down.</summary>
    public double HorizonRadiusPx => RadiusPx(90);

    /// <summary>Zenith angle in degrees of a point <paramref name="radiusPx"/> pixels from the centre.</summary>
    public double ZenithAngleDeg(double radiusPx)
    {
        var r = radiusPx / Scale;
        return (K1DegPerPx * r) + (K3DegPerPx3 * r * r * r);
    }

    /// <summary>Radius in pixels at which the zenith angle is <paramref name="zenithAngleDeg"/> (the inverse of <see cref="ZenithAngleDeg"/>).</summary>
    public double RadiusPx(double zenithAngleDeg)
    {
        // Newton on a monotonic cubic from the equidistant guess: three steps reach 1e-9 px.
        var r = zenithAngleDeg / K1DegPerPx;
        for (var i = 0; i < 6; i++)
        {
            var f = (K1DegPerPx * r) + (K3DegPerPx3 * r * r * r) - zenithAngleDeg;
            r -= f / (K1DegPerPx + (3 * K3DegPerPx3 * r * r));
        }

        return r * Scale;
    }

    /// <summary>Zenith angle and azimuth (degrees east of north) of pixel centre (<paramref name="x"/>, <paramref name="y"/>).</summary>
    public (double ZenithDeg, double AzimuthDeg) Direction(double x, double y)
    {
        var (dx, dy) = (x - CentreX, y - CentreY);
        var r = RadiusOf(dx, dy);

        // Up is north (turned by NorthAzimuthDeg), left is east: the sky seen from below.
        var s = Math.Sqrt(PixelAspect);
        var az = NorthAzimuthDeg + (Math.Atan2(-dx * s, -dy / s) * 180 / Math.PI);
        return (ZenithAngleDeg(r), ((az % 360) + 360) % 360);
    }

    /// <summary>Pixel position (column, row) of the direction (<paramref name="zenithDeg"/>, <paramref name="azimuthDeg"/>).</summary>
    public (double X, double Y) Pixel(double zenithDeg, double azimuthDeg)
    {
        var r = RadiusPx(zenithDeg);
        var phi = (azimuthDeg - NorthAzimuthDeg) * Math.PI / 180;
        var s = Math.Sqrt(PixelAspect);
        return (CentreX - (r * Math.Sin(phi) / s), CentreY - (r * Math.Cos(phi) * s));
    }
}
