using RdmaStack.HighAvailability.Engine;
using RdmaStack.HighAvailability.Replication;

namespace RdmaStack.HighAvailability.Sessions;

/// <summary>
/// One client's session: the last client sequence processed and the replies of the last
/// <c>window</c> requests, so that a repeat is answered from the record instead of processed again.
/// </summary>
/// <remarks>
/// Part of the replicated state: both replicas update it from the same stamped inputs, so a new primary
/// answers a resend exactly as the old one would have. Its buffers are allocated once, when the session opens.
/// </remarks>
internal sealed class ClientSession
{
    private readonly long[] _clientSequences;
    private readonly long[] _recordSequences;
    private readonly int[] _lengths;
    private readonly byte[] _replies;
    private readonly int _maxReply;

    public ClientSession(long clientId, int window, int maxReply)
    {
        ClientId = clientId;
        _maxReply = maxReply;
        _clientSequences = new long[window];
        _recordSequences = new long[window];
        _lengths = new int[window];
        _replies = new byte[window * maxReply];
    }

    public long ClientId { get; }

    /// <summary>The highest client sequence processed (0: none).</summary>
    public long LastSequence { get; private set; }

    public int Window => _clientSequences.Length;

    /// <summary>Keeps the reply of a newly processed request.</summary>
    public void Store(long clientSequence, long recordSequence, ReadOnlySpan<byte> reply)
    {
        int slot = (int)(clientSequence % Window);
        _clientSequences[slot] = clientSequence;
        _recordSequences[slot] = recordSequence;
        _lengths[slot] = reply.Length;
        reply.CopyTo(_replies.AsSpan(slot * _maxReply, _maxReply));
        if (clientSequence > LastSequence)
        {
            LastSequence = clientSequence;
        }
    }

    /// <summary>Finds the held reply of <paramref name="clientSequence"/>, if it is still in the window.</summary>
    public bool TryGetReply(long clientSequence, out long recordSequence, out ReadOnlySpan<byte> reply)
    {
        int slot = (int)(clientSequence % Window);
        if (clientSequence > 0 && _clientSequences[slot] == clientSequence)
        {
            recordSequence = _recordSequences[slot];
            reply = _replies.AsSpan(slot * _maxReply, _lengths[slot]);
            return true;
        }

        recordSequence = 0;
        reply = default;
        return false;
    }

    public void AddTo(ref DigestBuilder digest)
    {
        digest.Add(ClientId);
        digest.Add(LastSequence);
        for (int slot = 0; slot < Window; slot++)
        {
            digest.Add(_clientSequences[slot]);
            digest.Add(_recordSequences[slot]);
            digest.Add(_replies.AsSpan(slot * _maxReply, _lengths[slot]));
        }
    }

    /// <summary>The bytes <see cref="Write"/> needs.</summary>
    public int SnapshotLength
    {
        get
        {
            int length = 8 + 8 + 4;
            for (int slot = 0; slot < Window; slot++)
            {
                length += 8 + 8 + 4 + _lengths[slot];
            }

            return length;
        }
    }

    public void Write(ref WireWriter writer)
    {
        writer.Int64(ClientId);
        writer.Int64(LastSequence);
        writer.Int32(Window);
        for (int slot = 0; slot < Window; slot++)
        {
            writer.Int64(_clientSequences[slot]);
            writer.Int64(_recordSequences[slot]);
            writer.Int32(_lengths[slot]);
            writer.Bytes(_replies.AsSpan(slot * _maxReply, _lengths[slot]));
        }
    }

    public static ClientSession Read(ref WireReader reader, int window, int maxReply)
    {
        var session = new ClientSession(reader.Int64(), window, maxReply);
        long last = reader.Int64();
        if (reader.Int32() != window)
        {
            ThrowHelper.ThrowSnapshotMismatch("the snapshot's session window differs from this replica's");
        }

        for (int slot = 0; slot < window; slot++)
        {
            session._clientSequences[slot] = reader.Int64();
            session._recordSequences[slot] = reader.Int64();
            int length = reader.Int32();
            session._lengths[slot] = length;
            reader.Bytes(length).CopyTo(session._replies.AsSpan(slot * maxReply, maxReply));
        }

        session.LastSequence = last;
        return session;
    }
}
