using System.Globalization;

namespace RdmaStack;

/// <summary>What closing a publication found: how far the stream got, and whether the reader consumed all of it.</summary>
/// <param name="Offered">The sequence of the last message accepted.</param>
/// <param name="Acknowledged">The highest sequence the reader acknowledged.</param>
/// <param name="Waited">How long the close was allowed to wait for the reader.</param>
public sealed record CloseResult(long Offered, long Acknowledged, TimeSpan Waited)
{
    /// <summary>True when the reader acknowledged every message offered.</summary>
    public bool Flushed => Acknowledged >= Offered;

    /// <summary>Messages offered that the reader had not acknowledged when the publication closed.</summary>
    public long Unacknowledged => Math.Max(0, Offered - Acknowledged);

    /// <summary>"all 1,000 messages acknowledged", or which were not.</summary>
    /// <returns>The description.</returns>
    public override string ToString() => Flushed
        ? string.Create(CultureInfo.InvariantCulture, $"all {Offered:N0} messages acknowledged")
        : string.Create(CultureInfo.InvariantCulture, $"{Acknowledged:N0} of {Offered:N0} messages acknowledged; {Unacknowledged:N0} (sequences {Acknowledged + 1:N0} to {Offered:N0}) not within {Waited.TotalSeconds:0.###} s");
}
