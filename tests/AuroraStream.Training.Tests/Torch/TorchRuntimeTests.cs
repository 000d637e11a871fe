namespace AuroraStream.Training.Tests.Torch;

public sealed class TorchRuntimeTests
{
    private static readonly Dictionary<string, string?> NoVariables = [];

    [Fact]
    public void SetMallocOptions_SetsTheMmapThenTheTrimThreshold()
    {
        var calls = new List<(int Parameter, int Value)>();
        var set = TorchRuntime.SetMallocOptions(Read(NoVariables), Recording(calls, 1));

        Assert.Equal(OperatingSystem.IsLinux(), set);
        if (OperatingSystem.IsLinux())
        {
            // glibc malloc.h: M_MMAP_THRESHOLD -3, M_TRIM_THRESHOLD -1.
            Assert.Equal([(-3, 32 * 1024 * 1024), (-1, 1024 * 1024 * 1024)], calls);
        }
    }

    [Fact]
    public void SetMallocOptions_TriesBothAndSaysSoWhenOneIsRefused()
    {
        var calls = new List<(int Parameter, int Value)>();
        Assert.False(TorchRuntime.SetMallocOptions(Read(NoVariables), (p, v) => Recording(calls, p == -3 ? 0 : 1)(p, v)));
        Assert.Equal(OperatingSystem.IsLinux() ? 2 : 0, calls.Count);
    }

    [Theory]
    [InlineData("AURORASTREAM_KEEP_FREED_MEMORY", "0")]
    [InlineData("MALLOC_MMAP_THRESHOLD_", "65536")]
    [InlineData("MALLOC_TRIM_THRESHOLD_", "0")]
    [InlineData("MALLOC_ARENA_MAX", "2")]
    [InlineData("GLIBC_TUNABLES", "glibc.rtld.optional_static_tls=512:glibc.malloc.trim_threshold=0")]
    public void SetMallocOptions_LeavesTheAllocatorAsTheUserSetIt(string variable, string value)
    {
        var calls = new List<(int Parameter, int Value)>();
        Assert.False(TorchRuntime.SetMallocOptions(Read(new() { [variable] = value }), Recording(calls, 1)));
        Assert.Empty(calls);
    }

    [Fact]
    public void SetMallocOptions_IgnoresTunablesOfOtherParts()
    {
        var calls = new List<(int Parameter, int Value)>();
        var set = TorchRuntime.SetMallocOptions(Read(new() { ["GLIBC_TUNABLES"] = "glibc.rtld.optional_static_tls=512", ["AURORASTREAM_KEEP_FREED_MEMORY"] = "1" }), Recording(calls, 1));
        Assert.Equal(OperatingSystem.IsLinux(), set);
        Assert.Equal(OperatingSystem.IsLinux() ? 2 : 0, calls.Count);
    }

    [Fact]
    public void SetMallocOptions_WithoutGlibcMallopt_IsANoOp()
    {
        Assert.False(TorchRuntime.SetMallocOptions(Read(NoVariables), (_, _) => throw new EntryPointNotFoundException("mallopt")));
        Assert.False(TorchRuntime.SetMallocOptions(Read(NoVariables), (_, _) => throw new DllNotFoundException("libc.so.6")));
    }

    [Fact]
    public void KeepFreedMemory_SetsGlibcsOptionsOnThisMachine()
    {
        if (!TorchRuntime.SetMallocOptions(Environment.GetEnvironmentVariable, (_, _) => 1))
        {
            return; // nothing to set: off Linux, or this environment sets the allocator itself
        }

        // The real glibc call answers 1 for each (the test machines run Debian's glibc).
        Assert.True(TorchRuntime.KeepFreedMemory());
        Assert.True(TorchRuntime.KeepFreedMemory());
    }

    private static Func<string, string?> Read(Dictionary<string, string?> variables) => name => variables.GetValueOrDefault(name);

    private static Func<int, int, int> Recording(List<(int Parameter, int Value)> calls, int answer) => (parameter, value) =>
    {
        calls.Add((parameter, value));
        return answer;
    };
}
