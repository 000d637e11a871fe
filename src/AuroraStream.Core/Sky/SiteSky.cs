using System.Collections.Concurrent;

namespace AuroraStream.Core.Sky;

/// <summary>A port that knows where imager sites are (a site catalog).</summary>
public interface ISiteLocator
{
    /// <summary>The site with this code (case-insensitive), or null when it is not known.</summary>
    ImagerSite? Locate(string siteCode);
}

/// <summary>
/// The sky of a frame: from the frame's own geodetic latitude and longitude when its header has them,
/// else from the site's coordinates in a catalog; null when neither is known. Reports each unknown site
/// once. Thread-safe.
/// </summary>
/// <param name="sites">The site catalog.</param>
/// <param name="onUnknownSite">Told once per site code that has no coordinates (e.g. to print a warning).</param>
/// <param name="onHeaderDisagrees">Told once per site, with a message, when a frame's header coordinates lie more than
/// <see cref="HeaderDisagreementDeg"/> from the site's catalog coordinates (the header's are still used: they are the frame's own),
/// or when its header had coordinates that could not be used (<see cref="AllSkyFrame.LocationProblem"/>; the catalog's are used).</param>
public sealed class SiteSky(ISiteLocator sites, Action<string>? onUnknownSite = null, Action<string, string>? onHeaderDisagrees = null)
{
    /// <summary>Great-circle distance, degrees (about 110 km), beyond which header and catalog coordinates are reported as disagreeing.</summary>
    public const double HeaderDisagreementDeg = 1.0;

    /// <summary>The tag written for a frame whose sky is not known.</summary>
    public const string UnknownTag = "unknown";

    private readonly ISiteLocator _sites = sites ?? throw new ArgumentNullException(nameof(sites));
    private readonly ConcurrentDictionary<string, bool> _unknown = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _disagreeing = new(StringComparer.Ordinal);

    /// <summary>The tag of a sky: <c>dark</c>, <c>twilight</c>, <c>daylight</c>, or <c>unknown</c> for null.</summary>
    public static string Tag(SkyConditions? sky) => sky is { } s ? s.Sky.ToTag() : UnknownTag;

    /// <summary>The sky over a frame at its capture time (header coordinates first), or null when its site is unknown.</summary>
    public SkyConditions? Of(AllSkyFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (frame.GeodeticLatitude is not { } lat || frame.GeodeticLongitude is not { } lon)
        {
            if (frame.LocationProblem is { } problem && onHeaderDisagrees is not null && _disagreeing.TryAdd(frame.Site, true))
            {
                onHeaderDisagrees(frame.Site, _sites.Locate(frame.Site) is null
                    ? $"{frame.Origin.Source} frame {frame.Origin.Index}: {problem}, so its header gives no usable coordinates"
                    : $"{frame.Origin.Source} frame {frame.Origin.Index}: {problem}; the site catalog's coordinates of '{frame.Site}' are used for its sun and moon");
            }

            return At(frame.Site, frame.CaptureTime);
        }

        if (onHeaderDisagrees is not null && !_disagreeing.ContainsKey(frame.Site) && _sites.Locate(frame.Site) is { } known
            && Angles.GreatCircleDeg(lat, lon, known.GeodeticLatitude, known.GeodeticLongitude) is var apart && apart > HeaderDisagreementDeg
            && _disagreeing.TryAdd(frame.Site, true))
        {
            onHeaderDisagrees(frame.Site, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"the header of {frame.Origin.Source} frame {frame.Origin.Index} puts site '{frame.Site}' at {lat:0.###}, {lon:0.###}, {apart:0.#} deg from the catalog's {known.GeodeticLatitude:0.###}, {known.GeodeticLongitude:0.###}; the header's coordinates are used for its sun and moon"));
        }

        return SkyEphemeris.At(lat, lon, frame.CaptureTime);
    }

    /// <summary>The sky over a catalogued site at an instant (UTC), or null when the site is unknown.</summary>
    public SkyConditions? At(string site, DateTime utc)
    {
        ArgumentNullException.ThrowIfNull(site);
        if (_sites.Locate(site) is { } known)
        {
            return SkyEphemeris.At(known, utc);
        }

        if (_unknown.TryAdd(site, true))
        {
            onUnknownSite?.Invoke(site);
        }

        return null;
    }

    /// <summary>Site codes met without coordinates, in ordinal order.</summary>
    public IReadOnlyList<string> UnknownSites => [.. _unknown.Keys.Order(StringComparer.Ordinal)];
}
