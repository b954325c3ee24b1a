using System.Globalization;
using RdmaStack.Failover;

namespace RdmaStack.Cli.Demo;

/// <summary>Remembers the last link failure the library reported on either stream of a peer (the events are raised
/// on the peer's hot thread, the one that reads it), so a stop or a stall names what the transport saw.</summary>
internal sealed class LinkFailureNote
{
    public LinkFailureNote(Publication outbound, Subscription inbound)
    {
        outbound.LinkFailed += (_, f) => Last = Describe(outbound.Stream, f);
        inbound.LinkFailed += (_, f) => Last = Describe(inbound.Stream, f);
    }

    /// <summary>The last failure, in words, or null.</summary>
    public string? Last { get; private set; }

    /// <summary>"; the library reported: ..." or nothing.</summary>
    public string Note() => Last is null ? string.Empty : "; the last link failure the library reported: " + Last;

    /// <summary>The error of a peer asked to stop: what it was doing, the signal, and the last link failure.</summary>
    public string Stopped(string what) => $"{what} by {PeerShutdown.Signal ?? "a signal"}{Note()}";

    private static string Describe(string stream, LinkFailure failure) =>
        string.Create(CultureInfo.InvariantCulture, $"link {failure.Link} of '{stream}' failed ({failure.Cause}): {failure.Reason}");
}
