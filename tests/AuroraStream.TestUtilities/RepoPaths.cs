namespace AuroraStream.TestUtilities;

/// <summary>Paths of the repository's fixtures, found from the test binary upwards.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> RootLazy = new(FindRoot);

    /// <summary>The repository root (the folder holding AuroraStream.sln).</summary>
    public static string Root => RootLazy.Value;

    /// <summary>tests/data.</summary>
    public static string TestData => Path.Combine(Root, "tests", "data");

    /// <summary>samples/ (the archive <c>make run</c> replays).</summary>
    public static string Samples => Path.Combine(Root, "samples");

    /// <summary>A file under tests/data.</summary>
    public static string Data(params string[] parts) => Path.Combine([TestData, .. parts]);

    /// <summary>tests/data/themis-asi/stream0-pgm.</summary>
    public static string Stream0Folder => Data("themis-asi", "stream0-pgm");

    /// <summary>tests/data/themis-asi/l1-cdf.</summary>
    public static string L1CdfFolder => Data("themis-asi", "l1-cdf");

    /// <summary>The full-resolution L1 CDF fixture.</summary>
    public static string L1AsfCdf => Path.Combine(L1CdfFolder, "thg_l1_asf_gako_2011010617_v01.cdf");

    /// <summary>The thumbnail L1 CDF fixture.</summary>
    public static string L1AstCdf => Path.Combine(L1CdfFolder, "thg_l1_ast_gako_20110505_v01.cdf");

    /// <summary>The first gzip stream0 fixture.</summary>
    public static string Stream0Gz => Path.Combine(Stream0Folder, "20140310_0600_gill_themis19_full.pgm.gz");

    /// <summary>The plain stream0 fixture.</summary>
    public static string Stream0Plain => Path.Combine(Stream0Folder, "20140310_0605_gill_themis19_full.pgm");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AuroraStream.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No AuroraStream.sln above {AppContext.BaseDirectory}.");
    }
}
