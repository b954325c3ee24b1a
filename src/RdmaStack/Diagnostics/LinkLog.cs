using Microsoft.Extensions.Logging;
using RdmaStack.Failover;

namespace RdmaStack.Diagnostics;

/// <summary>The link events the library logs (category "RdmaStack"), all written from its background threads, never
/// from a hot thread.</summary>
internal static partial class LinkLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "{Side} '{Stream}' link {Link}: connected ({Description})")]
    public static partial void Connected(ILogger logger, string side, string stream, int link, string description);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "{Side} '{Stream}' link {Link}: failed, {Cause}: {Reason}")]
    public static partial void Failed(ILogger logger, string side, string stream, int link, LinkFailureCause cause, string reason);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "{Side} '{Stream}': failed over from link {From} to link {To} ({Cause}), resending {Resent} message(s)")]
    public static partial void FailedOver(ILogger logger, string side, string stream, int from, int to, LinkFailureCause cause, long resent);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "{Side} '{Stream}' link {Link}: connection attempt {Attempt} failed, next in {DelayMs} ms: {Message}")]
    public static partial void AttemptFailed(ILogger logger, string side, string stream, int link, int attempt, long delayMs, string message);

    [LoggerMessage(EventId = 5, Level = LogLevel.Error, Message = "{Side} '{Stream}' link {Link}: given up after {Attempts} connection attempts; the stream goes on over its other links: {Message}")]
    public static partial void GivenUp(ILogger logger, string side, string stream, int link, int attempts, string message);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "link {Link}: refused a connection from {Remote}: {Message}")]
    public static partial void Refused(ILogger logger, int link, string remote, string message);

    [LoggerMessage(EventId = 7, Level = LogLevel.Information, Message = "link {Link}: accepting connections on {Endpoint}")]
    public static partial void Listening(ILogger logger, int link, System.Net.IPEndPoint endpoint);

    [LoggerMessage(EventId = 8, Level = LogLevel.Information, Message = "{Side} '{Stream}': closed; {Position} offered, {Acknowledged} acknowledged")]
    public static partial void Closed(ILogger logger, string side, string stream, long position, long acknowledged);

    [LoggerMessage(EventId = 9, Level = LogLevel.Error, Message = "housekeeping failed (a retired connection could not be released cleanly)")]
    public static partial void HousekeepingFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 10, Level = LogLevel.Warning, Message = "link {Link}: closed with {Count} handshake(s) still running; their connections are released when they end")]
    public static partial void HandshakesStillRunning(ILogger logger, int link, int count);
}
