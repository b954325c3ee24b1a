namespace RdmaStack.Soak;

/// <summary>What the whole soak did.</summary>
internal sealed record SoakTotals(long Sent, long Delivered, long Lost, long Duplicated, long OutOfOrder, long Faults, long Failovers, long Reconnections, int ShmLeftAfterClose, double Seconds);
