using System.Diagnostics;
using System.Globalization;
using AuroraStream.TestUtilities;

namespace AuroraStream.Benchmarks;

/// <summary>
/// CPU time used over a stretch of wall-clock time by this process and by the influxd the
/// benchmark started: with both cores busy, frames/s is bounded by cores / CPU time per frame,
/// which is what says whether a figure is limited by a queue or by the machine.
/// </summary>
internal sealed class CpuMeter
{
    private readonly InfluxServer? _influx;
    private readonly Stopwatch _wall = Stopwatch.StartNew();
    private readonly TimeSpan _self;
    private readonly TimeSpan _server;

    private CpuMeter(InfluxServer? influx)
    {
        _influx = influx;
        _self = SelfTime();
        _server = influx?.ProcessorTime ?? TimeSpan.Zero;
    }

    /// <summary>Starts measuring this process (and the server, when given).</summary>
    public static CpuMeter Start(InfluxServer? influx = null) => new(influx);

    /// <summary>Wall-clock time since the start.</summary>
    public TimeSpan Elapsed => _wall.Elapsed;

    /// <summary>The use so far, for <paramref name="frames"/> frames.</summary>
    public CpuUse Stop(int frames)
    {
        var wall = _wall.Elapsed;
        var self = SelfTime() - _self;
        var server = (_influx?.ProcessorTime ?? TimeSpan.Zero) - _server;
        return new CpuUse(frames, wall, self, server);
    }

    private static TimeSpan SelfTime()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }
}

/// <summary>CPU used for some frames: this process and the InfluxDB server apart.</summary>
internal readonly record struct CpuUse(int Frames, TimeSpan Wall, TimeSpan Self, TimeSpan Server)
{
    /// <summary>Milliseconds of CPU (this process and the server) per frame.</summary>
    public double MillisecondsPerFrame => (Self + Server).TotalMilliseconds / Frames;

    /// <summary>Cores kept busy on average.</summary>
    public double Cores => (Self + Server) / Wall;

    /// <summary>One line: CPU per frame, split, and cores busy.</summary>
    public override string ToString() => Server > TimeSpan.Zero
        ? string.Create(CultureInfo.InvariantCulture, $"{MillisecondsPerFrame:0.00} ms CPU/frame (this process {Self.TotalMilliseconds / Frames:0.00}, influxd {Server.TotalMilliseconds / Frames:0.00}), {Cores:0.00} cores busy")
        : string.Create(CultureInfo.InvariantCulture, $"{MillisecondsPerFrame:0.00} ms CPU/frame, {Cores:0.00} cores busy");
}
