namespace AuroraStream.Core;

/// <summary>
/// Derives seeds from seeds, the same in every process and on every machine. (.NET's
/// <see cref="HashCode"/> is randomised per process, so it must not be used for this.)
/// </summary>
public static class Seeds
{
    /// <summary>A non-negative seed mixing the parts with the SplitMix64 finaliser.</summary>
    public static int Combine(int a, int b, int c = 0)
    {
        var x = ((ulong)(uint)a * 0x9E3779B97F4A7C15UL) ^ ((ulong)(uint)b * 0xC2B2AE3D27D4EB4FUL) ^ ((ulong)(uint)c * 0x165667B19E3779F9UL);
        x ^= x >> 30;
        x *= 0xBF58476D1CE4E5B9UL;
        x ^= x >> 27;
        x *= 0x94D049BB133111EBUL;
        x ^= x >> 31;
        return (int)(x & 0x7FFFFFFF);
    }
}
