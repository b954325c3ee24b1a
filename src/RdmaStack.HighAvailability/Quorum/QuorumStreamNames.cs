using System.Globalization;

namespace RdmaStack.HighAvailability.Quorum;

/// <summary>
/// The names of a quorum service's streams. A processor's streams carry its incarnation, so that a restarted
/// processor meets fresh streams (a stream's sequence numbers belong to one writer and one reader).
/// </summary>
internal static class QuorumStreamNames
{
    /// <summary>Replicator to processor <paramref name="index"/>, incarnation <paramref name="incarnation"/>.</summary>
    public static string ToProcessor(string service, int index, long incarnation) =>
        string.Create(CultureInfo.InvariantCulture, $"{service}.p{index}.i{incarnation}.in");

    /// <summary>Processor <paramref name="index"/>, incarnation <paramref name="incarnation"/>, to the replicator.</summary>
    public static string FromProcessor(string service, int index, long incarnation) =>
        string.Create(CultureInfo.InvariantCulture, $"{service}.p{index}.i{incarnation}.out");

    /// <summary>Client <paramref name="clientId"/>'s requests.</summary>
    public static string Requests(string service, long clientId) =>
        string.Create(CultureInfo.InvariantCulture, $"{service}.c{clientId}.req");

    /// <summary>The replies to client <paramref name="clientId"/>.</summary>
    public static string Replies(string service, long clientId) =>
        string.Create(CultureInfo.InvariantCulture, $"{service}.c{clientId}.rep");
}
