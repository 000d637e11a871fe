using System.Runtime.InteropServices;
using TorchSharp;

namespace AuroraStream.Training;

/// <summary>
/// The native libtorch that TorchSharp runs on. A build published with <c>-p:TrainingRuntime=false</c>
/// (the container image: it streams and analyses, and is 0.5 GB smaller without it) leaves libtorch out,
/// and the commands that train, fine-tune or export say so before doing anything else.
/// </summary>
public static class TorchRuntime
{
    /// <summary>
    /// Throws <see cref="TrainingRuntimeUnavailableException"/> when libtorch is not where this build's
    /// native libraries are. Looked for the way TorchSharp looks first, without touching TorchSharp's
    /// <c>torch</c>, whose fallback would copy libtorch out of a NuGet cache into the application folder.
    /// </summary>
    public static void EnsureAvailable()
    {
        if (!NativeLibrary.TryLoad("torch_cpu", typeof(torch).Assembly, null, out _))
        {
            throw new TrainingRuntimeUnavailableException();
        }
    }
}

/// <summary>This build has no libtorch, so it cannot train, fine-tune or export models.</summary>
public sealed class TrainingRuntimeUnavailableException() : InvalidOperationException(
    "this build of aurorastream has no libtorch (it was published with -p:TrainingRuntime=false, as the container image is): training, the OATH evaluation and export need the full build (make build)");
