using System.Globalization;
using AuroraStream.Formats.IO;

namespace AuroraStream.Formats.IdlSave;

/// <summary>
/// A THEMIS ASI skymap (<c>themis_skymap_&lt;site&gt;_&lt;yyyymmdd&gt;-+_vNN.sav</c>): the
/// elevation and azimuth of every pixel, valid from a date on.
/// </summary>
/// <remarks>
/// Arrays are row-major in the order IDL stores them (IDL's x, the column, fastest), which is the
/// order <c>scipy.io.readsav</c> returns. NaN marks pixels outside the field of view.
/// </remarks>
public sealed class ThemisSkymap
{
    private ThemisSkymap(string site, string imager, string project, DateTime validFrom, double siteLatitude, double siteLongitude, double siteAltitudeM, int width, int height, float[] elevation, float[] azimuth, IReadOnlyList<double> mapAltitudesM)
    {
        Site = site;
        Imager = imager;
        Project = project;
        ValidFrom = validFrom;
        SiteLatitude = siteLatitude;
        SiteLongitude = siteLongitude;
        SiteAltitudeM = siteAltitudeM;
        Width = width;
        Height = height;
        FullElevation = elevation;
        FullAzimuth = azimuth;
        MapAltitudesM = mapAltitudesM;
    }

    /// <summary>Site code (SITE_UID).</summary>
    public string Site { get; }

    /// <summary>Imager id (IMAGER_UID), e.g. themis20.</summary>
    public string Imager { get; }

    /// <summary>Project (PROJECT_UID).</summary>
    public string Project { get; }

    /// <summary>Start of validity (GENERATION_INFO.VALID_INTERVAL_START, hour resolution).</summary>
    public DateTime ValidFrom { get; }

    /// <summary>Site geodetic latitude (SITE_MAP_LATITUDE), degrees.</summary>
    public double SiteLatitude { get; }

    /// <summary>Site geodetic longitude (SITE_MAP_LONGITUDE), degrees east, 0-360.</summary>
    public double SiteLongitude { get; }

    /// <summary>Site altitude (SITE_MAP_ALTITUDE), metres.</summary>
    public double SiteAltitudeM { get; }

    /// <summary>Width of the elevation and azimuth maps.</summary>
    public int Width { get; }

    /// <summary>Height of the elevation and azimuth maps.</summary>
    public int Height { get; }

    /// <summary>Elevation of each pixel in degrees, NaN outside the field of view.</summary>
    public IReadOnlyList<float> FullElevation { get; }

    /// <summary>Azimuth of each pixel in degrees east of north, NaN outside the field of view.</summary>
    public IReadOnlyList<float> FullAzimuth { get; }

    /// <summary>Altitudes of the latitude/longitude maps (FULL_MAP_ALTITUDE), metres.</summary>
    public IReadOnlyList<double> MapAltitudesM { get; }

    /// <summary>Reads a skymap file.</summary>
    /// <exception cref="InvalidDataException">Not an IDL SAVE file with a THEMIS SKYMAP structure.</exception>
    public static ThemisSkymap Read(string path)
    {
        var variables = IdlSaveFile.Read(path);
        if (!variables.TryGetValue("SKYMAP", out var value) || value is not IdlStruct skymap)
        {
            throw FormatError.At(path, string.Empty, $"an IDL SAVE file without a SKYMAP structure (variables: {string.Join(", ", variables.Keys)})").Tag(FormatErrorKind.UnknownFormat);
        }

        var elevation = FloatImage(skymap, "FULL_ELEVATION", path);
        var azimuth = FloatImage(skymap, "FULL_AZIMUTH", path);
        if (elevation.Array.Dimensions.SequenceEqual(azimuth.Array.Dimensions) is false)
        {
            throw FormatError.At(path, "SKYMAP", "FULL_ELEVATION and FULL_AZIMUTH differ in shape");
        }

        var info = skymap["GENERATION_INFO"] as IdlStruct;
        var validText = info?["VALID_INTERVAL_START"] as string;
        var validFrom = ParseValidFrom(validText)
            ?? throw FormatError.At(path, "SKYMAP.GENERATION_INFO", $"VALID_INTERVAL_START '{validText}' is not a yyyyMMddHH time");
        var altitudes = skymap["FULL_MAP_ALTITUDE"] is IdlArray { Data: float[] alt } ? alt.Select(a => (double)a).ToArray() : [];
        return new ThemisSkymap(
            Text(skymap, "SITE_UID", path),
            Text(skymap, "IMAGER_UID", path),
            Text(skymap, "PROJECT_UID", path),
            validFrom,
            Number(skymap, "SITE_MAP_LATITUDE", path),
            Number(skymap, "SITE_MAP_LONGITUDE", path),
            Number(skymap, "SITE_MAP_ALTITUDE", path),
            elevation.Array.Dimensions[1],
            elevation.Array.Dimensions[0],
            elevation.Data,
            azimuth.Data,
            altitudes);
    }

    private static DateTime? ParseValidFrom(string? text) =>
        text is not null && DateTime.TryParseExact(text.Trim(), "yyyyMMddHH", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t)
            ? DateTime.SpecifyKind(t, DateTimeKind.Utc)
            : null;

    private static (IdlArray Array, float[] Data) FloatImage(IdlStruct skymap, string tag, string path) =>
        skymap[tag] is IdlArray { Data: float[] data, Dimensions.Count: 2 } array
            ? (array, data)
            : throw FormatError.At(path, $"SKYMAP.{tag}", "missing or not a 2-D float array");

    private static string Text(IdlStruct skymap, string tag, string path) =>
        skymap[tag] as string ?? throw FormatError.At(path, $"SKYMAP.{tag}", "missing or not a string");

    private static double Number(IdlStruct skymap, string tag, string path) => skymap[tag] switch
    {
        float f => f,
        double d => d,
        int i => i,
        short s => s,
        _ => throw FormatError.At(path, $"SKYMAP.{tag}", "missing or not a number"),
    };
}
