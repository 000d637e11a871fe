using System.Globalization;
using AuroraStream.Core;
using AuroraStream.Core.Sky;
using AuroraStream.Formats.IO;
using AuroraStream.Formats.Text;

namespace AuroraStream.Formats.SpaceWeather;

/// <summary>A ground station with its corrected geomagnetic (CGM) coordinates.</summary>
/// <param name="Code">Four-letter code, lower case.</param>
/// <param name="Name">Station name.</param>
/// <param name="Latitude">Geodetic latitude, degrees.</param>
/// <param name="Longitude">Geodetic longitude, degrees east.</param>
/// <param name="CgmLatitude">CGM latitude, degrees; NaN when not known.</param>
/// <param name="MagneticMidnightUt">UT hour of magnetic midnight at the station; NaN when not known.</param>
public sealed record Station(string Code, string Name, double Latitude, double Longitude, double CgmLatitude, double MagneticMidnightUt)
{
    /// <summary>Magnetic local time (0-24 h) at a UT instant; NaN without CGM coordinates.</summary>
    public double MagneticLocalTime(DateTime utc)
    {
        if (double.IsNaN(MagneticMidnightUt))
        {
            return double.NaN;
        }

        var mlt = (utc.TimeOfDay.TotalHours - MagneticMidnightUt) % 24;
        return mlt < 0 ? mlt + 24 : mlt;
    }
}

/// <summary>
/// Station coordinates (CSV, RFC 4180: a quoted name may hold a comma) from the gmag station tables (<c>array,code,name,latitude,longitude,
/// cgm_latitude,cgm_longitude,declination,lshell,mlt_midnight,mlt_ut</c>) and the ASI location table
/// (<c>array,location_code,name,latitude,longitude,filter</c>, geodetic only). The first row of a
/// code wins; a later file only adds codes. As an <see cref="ISiteLocator"/> it gives the sky
/// computations each site's geodetic coordinates.
/// </summary>
public sealed class StationCatalog : ISiteLocator
{
    private const string AsiLocationsResource = "AuroraStream.Formats.asi_locations.csv";

    private static readonly Lazy<StationCatalog> BuiltIn = new(() =>
    {
        using var stream = typeof(StationCatalog).Assembly.GetManifestResourceStream(AsiLocationsResource)
            ?? throw new InvalidOperationException($"The embedded resource {AsiLocationsResource} is missing from the build.");
        using var reader = new StreamReader(stream);
        var stations = new Dictionary<string, Station>(StringComparer.Ordinal);
        using var csv = CsvTable.FromText("asi_locations.csv (built in)", reader.ReadToEnd(), firstLine: 1);
        ReadTable(csv, stations);
        return new StationCatalog(stations);
    });

    private readonly Dictionary<string, Station> _stations;

    private StationCatalog(Dictionary<string, Station> stations) => _stations = stations;

    /// <summary>
    /// The imager sites built into the program: THEMIS, REGO, TREx and the other arrays of asilib's
    /// <c>asi_locations.csv</c> (geodetic coordinates only; the first array's row of a code wins).
    /// </summary>
    public static StationCatalog AsiLocations => BuiltIn.Value;

    /// <inheritdoc />
    public ImagerSite? Locate(string siteCode)
    {
        ArgumentNullException.ThrowIfNull(siteCode);
        return Find(siteCode.Trim()) is { } s && double.IsFinite(s.Latitude) && Math.Abs(s.Latitude) <= 90 && double.IsFinite(s.Longitude) && s.Longitude is >= -180 and <= 360
            ? new ImagerSite(s.Code, s.Name.Length > 0 ? s.Name : s.Code, s.Latitude, s.Longitude)
            : null;
    }

    /// <summary>This catalog, with the codes it lacks taken from <paramref name="fallback"/>.</summary>
    public StationCatalog Then(StationCatalog fallback)
    {
        ArgumentNullException.ThrowIfNull(fallback);
        var stations = new Dictionary<string, Station>(_stations, StringComparer.Ordinal);
        foreach (var (code, station) in fallback._stations)
        {
            stations.TryAdd(code, station);
        }

        return new StationCatalog(stations);
    }

    /// <summary>All stations.</summary>
    public IReadOnlyCollection<Station> Stations => _stations.Values;

    /// <summary>A station by code (case-insensitive), or null.</summary>
    public Station? Find(string code) => _stations.GetValueOrDefault(code.ToLowerInvariant());

    /// <summary>Reads one or more station files (or folders of them).</summary>
    public static StationCatalog Read(IEnumerable<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var stations = new Dictionary<string, Station>(StringComparer.Ordinal);
        var files = paths.SelectMany(p => Directory.Exists(p) ? Directory.GetFiles(p).Order(StringComparer.Ordinal) : (IEnumerable<string>)[p]).ToList();

        // Tables with CGM coordinates first, so that MLT is known wherever a code has it.
        foreach (var file in files.OrderBy(f => File.ReadLines(f).FirstOrDefault()?.Contains("mlt_midnight", StringComparison.Ordinal) == true ? 0 : 1))
        {
            ReadFile(file, stations);
        }

        return new StationCatalog(stations);
    }

    private static void ReadFile(string path, Dictionary<string, Station> stations)
    {
        using var csv = CsvTable.Open(path);
        ReadTable(csv, stations);
    }

    private static void ReadTable(CsvTable csv, Dictionary<string, Station> stations)
    {
        var path = csv.Path;
        if (csv.Header.Count == 0)
        {
            throw FormatError.At(path, string.Empty, "empty station file");
        }

        var code = csv.Column("code", "location_code");
        var name = csv.Column("name");
        var lat = csv.Column("latitude");
        var lon = csv.Column("longitude");
        var cgm = csv.Column("cgm_latitude");
        var midnight = csv.Column("mlt_midnight");
        if (code < 0 || lat < 0 || lon < 0)
        {
            throw FormatError.At(path, "line 1", "a station table needs code (or location_code), latitude and longitude columns").Tag(FormatErrorKind.UnknownFormat);
        }

        while (csv.Read())
        {
            if (csv.FieldCount < csv.Header.Count)
            {
                throw csv.Error($"{csv.FieldCount} fields, expected {csv.Header.Count}");
            }

            var station = new Station(
                csv[code].ToLowerInvariant(),
                name >= 0 ? csv[name] : string.Empty,
                csv.Number(lat),
                csv.Number(lon),
                cgm >= 0 ? csv.Number(cgm) : double.NaN,
                midnight >= 0 ? csv.Number(midnight) : double.NaN);
            stations.TryAdd(station.Code, station);
        }
    }
}
