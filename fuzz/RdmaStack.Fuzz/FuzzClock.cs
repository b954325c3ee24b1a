namespace RdmaStack.Fuzz;

/// <summary>A clock that moves only when the input says so, so the same input always takes the same path.</summary>
internal sealed class FuzzClock : TimeProvider
{
    private long _now = 1_000_000;

    public override long TimestampFrequency => TimeProvider.System.TimestampFrequency;

    public override long GetTimestamp() => _now;

    public void AdvanceMilliseconds(int milliseconds) => _now += milliseconds * TimestampFrequency / 1000;
}
