namespace RdmaStack.HighAvailability.Tests.Journal;

/// <summary>A clock that moves only when the test says so.</summary>
internal sealed class AdjustableClock : TimeProvider
{
    private long _now = 1_000_000;

    public override long TimestampFrequency => TimeProvider.System.TimestampFrequency;

    public override long GetTimestamp() => _now;

    public void Advance(TimeSpan by) => _now += (long)(by.TotalSeconds * TimestampFrequency);
}
