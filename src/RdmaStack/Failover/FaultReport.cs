using System.Globalization;

namespace RdmaStack.Failover;

/// <summary>
/// The value a reader writes into the writer's control block to report a broken link: the activation epoch it
/// concerns and the cause, as <c>epoch &lt;&lt; 8 | cause</c>. Reports only grow (a newer epoch is a larger value),
/// so the writer acts on a value larger than the last it saw, and a report about an earlier activation of a
/// link that has since been restored is recognised as stale.
/// </summary>
internal static class FaultReport
{
    /// <summary>The report of <paramref name="cause"/> on the activation <paramref name="epoch"/>.</summary>
    public static long Encode(long epoch, LinkFailureCause cause) => (epoch << 8) | (byte)cause;

    /// <summary>The epoch a report concerns.</summary>
    public static long Epoch(long report) => report >> 8;

    /// <summary>The cause a report names.</summary>
    public static LinkFailureCause Cause(long report) => (LinkFailureCause)(byte)report;

    /// <summary>Words for a reported cause.</summary>
    public static string Describe(LinkFailureCause cause) => cause switch
    {
        LinkFailureCause.CorruptSlot => "a corrupt slot",
        LinkFailureCause.LostWrite => "a lost write",
        LinkFailureCause.AsyncEvent => "its device reported an error",
        LinkFailureCause.ErrorCompletion => "an error completion on its side",
        LinkFailureCause.FailedPost => "a write it could not post",
        _ => "cause " + ((int)cause).ToString(CultureInfo.InvariantCulture),
    };
}
