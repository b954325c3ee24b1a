using Microsoft.Extensions.Logging;

namespace RdmaStack.HighAvailability.Transport;

/// <summary>What the membership threads of the fabric binding log (category "RdmaStack.HighAvailability"), never
/// from a hot thread.</summary>
internal static partial class BindingLog
{
    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "service '{Service}': {Member} incarnation {Incarnation:x12} registered in {Folder}")]
    public static partial void Registered(ILogger logger, string service, string member, long incarnation, string folder);

    [LoggerMessage(EventId = 102, Level = LogLevel.Information, Message = "service '{Service}': {Member} opened streams to {Peer} incarnation {PeerIncarnation:x12}")]
    public static partial void Connected(ILogger logger, string service, string member, string peer, long peerIncarnation);

    [LoggerMessage(EventId = 103, Level = LogLevel.Information, Message = "service '{Service}': {Member} dropped its streams to {Peer} (its process is gone)")]
    public static partial void Dropped(ILogger logger, string service, string member, string peer);

    [LoggerMessage(EventId = 104, Level = LogLevel.Warning, Message = "service '{Service}': {Member} could not update its streams; retrying")]
    public static partial void Failed(ILogger logger, string service, string member, Exception exception);
}
