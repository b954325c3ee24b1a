namespace RdmaStack.HighAvailability.Quorum;

/// <summary>One client's two streams at the replicator, and what the replicator knows of it.</summary>
internal sealed class ClientLink(long clientId, StreamPair streams)
{
    public long ClientId { get; } = clientId;

    public StreamPair Streams { get; } = streams;

    /// <summary>The highest client sequence sequenced so far (requests must go up).</summary>
    public long LastClientSequence { get; set; }

    /// <summary>The client said it is done.</summary>
    public bool Done { get; set; }

    /// <summary>Sequenced messages of this client not answered yet.</summary>
    public int Unanswered { get; set; }

    /// <summary>Done and every message answered (counted once in the replicator's ClientsDone).</summary>
    public bool Finished { get; set; }

    /// <summary>The reply stream is closed: answers are dropped.</summary>
    public bool Closed { get; set; }
}
