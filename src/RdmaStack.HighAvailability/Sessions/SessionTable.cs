using RdmaStack.HighAvailability.Engine;
using RdmaStack.HighAvailability.Replication;

namespace RdmaStack.HighAvailability.Sessions;

/// <summary>
/// The session manager's table: one <see cref="ClientSession"/> per client id, deciding whether a request is
/// new, a repeat to answer from its record, or too old.
/// </summary>
internal sealed class SessionTable
{
    private readonly Dictionary<long, ClientSession> _sessions = [];

    public SessionTable(int window, int maxReply)
    {
        Window = window;
        MaxReply = maxReply;
    }

    public int Window { get; }

    public int MaxReply { get; }

    public int Count => _sessions.Count;

    public ClientSession GetOrAdd(long clientId)
    {
        if (!_sessions.TryGetValue(clientId, out ClientSession? session))
        {
            session = new ClientSession(clientId, Window, MaxReply);
            _sessions.Add(clientId, session);
        }

        return session;
    }

    public ClientSession? Find(long clientId) => _sessions.GetValueOrDefault(clientId);

    /// <summary>A digest of every session, in client-id order.</summary>
    public ulong ComputeDigest()
    {
        var digest = new DigestBuilder(0x5E55);
        foreach (ClientSession session in Ordered())
        {
            session.AddTo(ref digest);
        }

        return digest.Value;
    }

    public int SnapshotLength
    {
        get
        {
            int length = 4;
            foreach (ClientSession session in _sessions.Values)
            {
                length += session.SnapshotLength;
            }

            return length;
        }
    }

    public void Write(ref WireWriter writer)
    {
        writer.Int32(_sessions.Count);
        foreach (ClientSession session in Ordered())
        {
            session.Write(ref writer);
        }
    }

    public void Restore(ref WireReader reader)
    {
        _sessions.Clear();
        int count = reader.Int32();
        for (int i = 0; i < count; i++)
        {
            ClientSession session = ClientSession.Read(ref reader, Window, MaxReply);
            _sessions.Add(session.ClientId, session);
        }
    }

    private List<ClientSession> Ordered()
    {
        var ordered = new List<ClientSession>(_sessions.Values);
        ordered.Sort(static (a, b) => a.ClientId.CompareTo(b.ClientId));
        return ordered;
    }
}
