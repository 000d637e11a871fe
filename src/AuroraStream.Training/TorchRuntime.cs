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
    /// glibc's <c>M_MMAP_THRESHOLD</c> set by <see cref="KeepFreedMemory"/>: 32 MiB, which every glibc
    /// accepts (older ones refuse more than <c>HEAP_MAX_SIZE / 2</c>, 32 MiB on 64-bit systems). The
    /// compact model's activations at 64 px (the default recipe, batch 64 with two views) stay under
    /// it; a block above it (a ResNet-18 or 128 px batch's largest activations) is still mapped
    /// fresh and unmapped when freed.
    /// </summary>
    internal const int MmapThresholdBytes = 32 * 1024 * 1024;

    /// <summary>glibc's <c>M_TRIM_THRESHOLD</c> set by <see cref="KeepFreedMemory"/>: up to 1 GiB of free heap kept before it is returned to the system.</summary>
    internal const int TrimThresholdBytes = 1024 * 1024 * 1024;

    /// <summary>glibc's <c>mallopt</c> parameter numbers (malloc.h).</summary>
    internal const int MallocTrimThreshold = -1;

    /// <inheritdoc cref="MallocTrimThreshold"/>
    internal const int MallocMmapThreshold = -3;

    /// <summary>
    /// Environment variables through which a user sets glibc's allocator: when one is set (or
    /// <c>GLIBC_TUNABLES</c> names a <c>glibc.malloc.</c> tunable), <see cref="KeepFreedMemory"/>
    /// leaves the allocator as the user set it. <c>AURORASTREAM_KEEP_FREED_MEMORY=0</c> turns it off.
    /// </summary>
    internal static readonly IReadOnlyList<string> UserMallocVariables = ["MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_", "MALLOC_ARENA_MAX"];

    private static readonly Lazy<bool> Kept = new(() => SetMallocOptions(Environment.GetEnvironmentVariable, Mallopt));

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
    /// <c>mallopt(M_TRIM_THRESHOLD, 1 GiB)</c> for the rest of the process (what the glibc tunables
    /// <c>glibc.malloc.mmap_threshold</c> and <c>glibc.malloc.trim_threshold</c> set at start-up).
    /// libtorch's CPU allocator takes every tensor from malloc; with glibc's defaults a
    /// multi-megabyte activation is an <c>mmap</c> of fresh zeroed pages each training step and an
    /// <c>munmap</c> after, and a fifth of a <c>make model</c> run's CPU time went to the kernel.
    /// Measured on the 2-core machine (docs/training-and-models.md, "How long make model takes"):
    /// fine-tuning the compact model about 10% faster (kernel time 3.5 s to 1 s), the four
    /// leave-one-scene-out folds (two side by side) 10 min 55 s before, 5 min 22 s and 7 min 10 s
    /// after, and the trained weights bit for bit the same (allocation changes
    /// where tensors live, not the arithmetic). The process keeps up to its peak working set of
    /// freed memory. Does nothing when the user set glibc's allocator (<see cref="UserMallocVariables"/>,
    /// <c>GLIBC_TUNABLES</c>), when <c>AURORASTREAM_KEEP_FREED_MEMORY=0</c>, off Linux, or where the
    /// C library is not glibc. Under an <c>LD_PRELOAD</c>ed allocator (jemalloc, tcmalloc) glibc's
    /// <c>mallopt</c> still answers but no longer governs malloc: harmless, and without effect.
    /// </summary>
    /// <returns>Whether both options were set.</returns>
    public static bool KeepFreedMemory() => Kept.Value;

    /// <summary>Sets both options through <paramref name="mallopt"/> unless the environment says not to; both are tried even if the first is refused.</summary>
    /// <param name="environment">Reads an environment variable.</param>
    /// <param name="mallopt">glibc's <c>mallopt(parameter, value)</c>: 1 on success.</param>
    /// <returns>Whether both were set.</returns>
    internal static bool SetMallocOptions(Func<string, string?> environment, Func<int, int, int> mallopt)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(mallopt);
        if (!OperatingSystem.IsLinux()
            || environment("AURORASTREAM_KEEP_FREED_MEMORY") == "0"
            || UserMallocVariables.Any(name => !string.IsNullOrEmpty(environment(name)))
            || (environment("GLIBC_TUNABLES") ?? string.Empty).Contains("glibc.malloc.", StringComparison.Ordinal))
        {
            return false;
        }

        try
        {
            var mmap = mallopt(MallocMmapThreshold, MmapThresholdBytes) == 1;
            var trim = mallopt(MallocTrimThreshold, TrimThresholdBytes) == 1;
            return mmap && trim;
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
