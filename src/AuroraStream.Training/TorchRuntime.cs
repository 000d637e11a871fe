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
    /// glibc's <c>M_MMAP_THRESHOLD</c> used by <see cref="KeepFreedMemory"/>: 32 MiB, the largest
    /// glibc accepts on 64-bit systems (<c>HEAP_MAX_SIZE / 2</c>), above a training batch's activations.
    /// </summary>
    internal const int MmapThresholdBytes = 32 * 1024 * 1024;

    /// <summary>glibc's <c>M_TRIM_THRESHOLD</c> used by <see cref="KeepFreedMemory"/>: 1 GiB of free heap kept before it is returned to the system.</summary>
    internal const int TrimThresholdBytes = 1024 * 1024 * 1024;

    // mallopt parameters (glibc malloc.h).
    private const int MallocTrimThreshold = -1;
    private const int MallocMmapThreshold = -3;

    private static readonly Lazy<bool> Kept = new(SetMallocOptions);

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

    /// <summary>
    /// On Linux with glibc, keeps the memory libtorch frees for its next tensors instead of handing
    /// it back to the kernel: sets <c>mallopt(M_MMAP_THRESHOLD, 32 MiB)</c> and
    /// <c>mallopt(M_TRIM_THRESHOLD, 1 GiB)</c> for this process (the glibc tunables
    /// <c>glibc.malloc.mmap_threshold</c> and <c>glibc.malloc.trim_threshold</c>, set at run time).
    /// libtorch's CPU allocator takes every tensor from malloc; with glibc's defaults a
    /// multi-megabyte activation is an <c>mmap</c> of fresh zeroed pages each training step and an
    /// <c>munmap</c> after, and a fifth of a training run's CPU time went to the kernel. Measured on
    /// the 2-core machine (fine-tuning the compact model, docs/training-and-models.md): 17% less wall
    /// time, kernel time 3.5 s to 1.1 s, and the trained weights bit for bit the same (allocation
    /// changes where tensors live, not the arithmetic). The process keeps up to its peak working set
    /// of freed memory. Elsewhere (another C library, another OS) does nothing.
    /// </summary>
    /// <returns>Whether both options were set (false where the C library has no glibc <c>mallopt</c>).</returns>
    public static bool KeepFreedMemory() => Kept.Value;

    private static bool SetMallocOptions()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            return Mallopt(MallocMmapThreshold, MmapThresholdBytes) == 1 && Mallopt(MallocTrimThreshold, TrimThresholdBytes) == 1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // musl and other C libraries: no glibc mallopt, nothing to tune.
            return false;
        }
    }

    // DllImport, not LibraryImport: two ints need no marshalling, and LibraryImport would need unsafe code.
#pragma warning disable SYSLIB1054
    [DllImport("libc.so.6", EntryPoint = "mallopt", ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Mallopt(int parameter, int value);
#pragma warning restore SYSLIB1054
}

/// <summary>This build has no libtorch, so it cannot train, fine-tune or export models.</summary>
public sealed class TrainingRuntimeUnavailableException() : InvalidOperationException(
    "this build of aurorastream has no libtorch (it was published with -p:TrainingRuntime=false, as the container image is): training, the OATH evaluation and export need the full build (make build)");
