using System.Runtime.InteropServices;

namespace AuroraStream.Training.Tests.Torch;

public sealed class TorchRuntimeTests
{
    [Fact]
    public void KeepFreedMemory_LeavesAFreedActivationSizedBlockInTheProcess()
    {
        Assert.True(OperatingSystem.IsLinux(), "the tests run on Linux (glibc), where the options are set");
        Assert.True(TorchRuntime.KeepFreedMemory());
        Assert.True(TorchRuntime.KeepFreedMemory()); // set once, the answer kept

        // 16 MiB, a training batch's first activation: under the 32 MiB mmap threshold it comes from
        // the heap, and under the 1 GiB trim threshold it stays there once freed (with glibc's
        // defaults it would be mmapped and handed back to the kernel when freed).
        const int bytes = 16 * 1024 * 1024;
        var before = MallocInfo().FreeBytes;
        var block = Marshal.AllocHGlobal(bytes); // malloc on Unix
        Marshal.Copy(new byte[bytes], 0, block, bytes);
        Marshal.FreeHGlobal(block);

        Assert.True(MallocInfo().FreeBytes - before >= bytes / 2, $"free heap grew by {MallocInfo().FreeBytes - before} bytes, freeing {bytes}");
    }

    private static MallInfo2 MallocInfo() => NativeMallInfo2();

#pragma warning disable SYSLIB1054 // a returned struct of ten size_t needs no marshalling
    [DllImport("libc.so.6", EntryPoint = "mallinfo2", ExactSpelling = true)]
    private static extern MallInfo2 NativeMallInfo2();
#pragma warning restore SYSLIB1054

    // glibc's struct mallinfo2; FreeBytes is fordblks, the free bytes in all arenas.
    [StructLayout(LayoutKind.Sequential)]
    private readonly struct MallInfo2
    {
        private readonly nuint _arena;
        private readonly nuint _ordblks;
        private readonly nuint _smblks;
        private readonly nuint _hblks;
        private readonly nuint _hblkhd;
        private readonly nuint _usmblks;
        private readonly nuint _fsmblks;
        private readonly nuint _uordblks;
        private readonly nuint _fordblks;
        private readonly nuint _keepcost;

        public long FreeBytes => (long)_fordblks;
    }
}
