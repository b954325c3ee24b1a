namespace RdmaStack.HighAvailability.Sessions;

/// <summary>Settings of a <see cref="ReplicaClient"/>.</summary>
public sealed class ReplicaClientOptions
{
    /// <summary>The largest message on the streams; the same as the replicas'. Default 1024.</summary>
    public int MaxMessageLength { get; init; } = 1024;

    /// <summary>Requests that may be unanswered at once; at most the replicas' session window. Default 64.</summary>
    public int Window { get; init; } = 64;

    /// <summary>With requests unanswered and no reply for this long, the client tries the other server. Default 1 s.</summary>
    public TimeSpan ResendTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>After a "not primary" reply, the client waits this long before it resends. Default 2 ms.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(2);

    /// <summary>The clock for the timeouts.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
