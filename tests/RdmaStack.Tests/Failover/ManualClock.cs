namespace RdmaStack.Tests.Failover;

/// <summary>A clock that moves only when a test says so (ticks of Stopwatch frequency).</summary>
internal sealed class ManualClock : TimeProvider
{
    private long _now = 1_000_000;

    public override long TimestampFrequency => TimeProvider.System.TimestampFrequency;

    public override long GetTimestamp() => _now;

    public void Advance(TimeSpan by) => _now += (long)(by.TotalSeconds * TimestampFrequency);
}
