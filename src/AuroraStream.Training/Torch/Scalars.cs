using TorchSharp;

namespace AuroraStream.Training.Torch;

/// <summary>
/// Scalars that outlive every libtorch call they are passed to.
/// </summary>
/// <remarks>
/// TorchSharp 0.107 reads a <see cref="Scalar"/>'s native handle, passes it to libtorch and keeps no
/// reference to the managed object. The temporary of an implicit conversion (<c>t.add_(1)</c>,
/// <c>t * 0.5</c>, and <c>a + b</c>, whose alpha of 1 TorchSharp converts itself) is then garbage
/// while libtorch runs: a collection started by any other thread finalises it, the finalizer frees
/// the native scalar, and libtorch reads freed memory. Seen here as "For integral input tensors,
/// argument alpha must not be a floating point number" from BatchNorm in 1 of 3 test runs; a wrong
/// value would go unnoticed. The trainer therefore passes only these rooted constants or scalars it
/// disposes after the call, and build/BannedSymbols.TorchSharp.txt makes the compiler refuse the
/// implicit forms and the TorchSharp members that create such temporaries internally.
/// </remarks>
internal static class Scalars
{
    /// <summary>Integer 0.</summary>
    public static Scalar Zero { get; } = 0.ToScalar();

    /// <summary>Integer 1: the alpha of a plain addition, valid for integral and floating tensors.</summary>
    public static Scalar One { get; } = 1.ToScalar();

    /// <summary>Negative infinity (double).</summary>
    public static Scalar NegativeInfinity { get; } = double.NegativeInfinity.ToScalar();
}
