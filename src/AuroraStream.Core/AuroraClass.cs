namespace AuroraStream.Core;

/// <summary>
/// The six OATH classes (Clausen &amp; Nickisch 2018). The numeric values are the OATH
/// <c>class6</c> codes, so they can be written to and read from the data set unchanged.
/// </summary>
public enum AuroraClass
{
    /// <summary>Auroral arc: a narrow band, usually east-west.</summary>
    Arc = 0,

    /// <summary>Diffuse aurora: broad, smooth emission without sharp edges.</summary>
    Diffuse = 1,

    /// <summary>Discrete aurora: sharp, folded, structured forms.</summary>
    Discrete = 2,

    /// <summary>Cloudy sky: the aurora, if any, is hidden.</summary>
    Cloudy = 3,

    /// <summary>The Moon dominates the image.</summary>
    Moon = 4,

    /// <summary>Clear sky with no aurora.</summary>
    Clear = 5,
}

/// <summary>The OATH two-class grouping: aurora = arc + diffuse + discrete.</summary>
public enum AuroraPresence
{
    /// <summary>Arc, diffuse or discrete (OATH <c>class2</c> = 0).</summary>
    Aurora = 0,

    /// <summary>Cloudy, moon or clear (OATH <c>class2</c> = 1).</summary>
    NoAurora = 1,
}

/// <summary>Names and groupings of <see cref="AuroraClass"/>.</summary>
public static class AuroraClasses
{
    /// <summary>All six classes in OATH code order.</summary>
    public static IReadOnlyList<AuroraClass> All { get; } =
        [AuroraClass.Arc, AuroraClass.Diffuse, AuroraClass.Discrete, AuroraClass.Cloudy, AuroraClass.Moon, AuroraClass.Clear];

    /// <summary>Whether the class counts as aurora in the OATH two-class grouping.</summary>
    public static bool IsAurora(this AuroraClass auroraClass) => auroraClass.ToPresence() == AuroraPresence.Aurora;

    /// <summary>The OATH two-class grouping of a six-class label.</summary>
    public static AuroraPresence ToPresence(this AuroraClass auroraClass) => auroraClass switch
    {
        AuroraClass.Arc or AuroraClass.Diffuse or AuroraClass.Discrete => AuroraPresence.Aurora,
        AuroraClass.Cloudy or AuroraClass.Moon or AuroraClass.Clear => AuroraPresence.NoAurora,
        _ => throw new ArgumentOutOfRangeException(nameof(auroraClass), auroraClass, "Not an OATH class."),
    };

    /// <summary>The lower-case label used on the wire and in files: arc, diffuse, discrete, cloudy, moon, clear.</summary>
    public static string ToLabel(this AuroraClass auroraClass) => auroraClass switch
    {
        AuroraClass.Arc => "arc",
        AuroraClass.Diffuse => "diffuse",
        AuroraClass.Discrete => "discrete",
        AuroraClass.Cloudy => "cloudy",
        AuroraClass.Moon => "moon",
        AuroraClass.Clear => "clear",
        _ => throw new ArgumentOutOfRangeException(nameof(auroraClass), auroraClass, "Not an OATH class."),
    };

    /// <summary>
    /// Parses a label as written by <see cref="ToLabel"/>, case-insensitively. OATH's own name for
    /// the clear class, <c>noaurora</c>, is accepted too.
    /// </summary>
    public static bool TryParseLabel(string? label, out AuroraClass auroraClass)
    {
        switch (label?.Trim().ToLowerInvariant())
        {
            case "arc": auroraClass = AuroraClass.Arc; return true;
            case "diffuse": auroraClass = AuroraClass.Diffuse; return true;
            case "discrete": auroraClass = AuroraClass.Discrete; return true;
            case "cloudy": auroraClass = AuroraClass.Cloudy; return true;
            case "moon": auroraClass = AuroraClass.Moon; return true;
            case "clear" or "noaurora": auroraClass = AuroraClass.Clear; return true;
            default: auroraClass = default; return false;
        }
    }
}
