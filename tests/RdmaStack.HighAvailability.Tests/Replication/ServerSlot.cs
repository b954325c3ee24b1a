using RdmaStack.HighAvailability.Replication;
using RdmaStack.HighAvailability.Tests.Transport;

namespace RdmaStack.HighAvailability.Tests.Replication;

/// <summary>One running replica: its thread and the streams it writes and reads, so that it can be killed.</summary>
internal sealed class ServerSlot : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;
    private readonly List<InMemoryStream> _outgoing = [];
    private readonly List<InMemoryStream> _incoming = [];
    private int _crashed;

    public ServerSlot(ReplicaNode node, string journalPath, bool dropUndeliveredOnCrash)
    {
        Node = node;
        JournalPath = journalPath;
        DropUndeliveredOnCrash = dropUndeliveredOnCrash;
        _thread = new Thread(Run) { IsBackground = true, Name = "replica" };
    }

    public ReplicaNode Node { get; }

    public string JournalPath { get; }

    public bool DropUndeliveredOnCrash { get; }

    public bool Crashed => Volatile.Read(ref _crashed) != 0;

    public bool Stopped { get; private set; }

    /// <summary>An exception other than a simulated crash that ended the replica's thread.</summary>
    public Exception? Failure { get; private set; }

    public void Outgoing(InMemoryStream stream)
    {
        lock (_outgoing)
        {
            _outgoing.Add(stream);
        }
    }

    public void Incoming(InMemoryStream stream)
    {
        lock (_outgoing)
        {
            _incoming.Add(stream);
        }
    }

    public void Start() => _thread.Start();

    /// <summary>Kills the replica between two passes of its loop.</summary>
    public void Kill()
    {
        _stop.Cancel();
        _thread.Join();
        CrashNow();
    }

    /// <summary>Stops the replica cleanly (its journal is flushed).</summary>
    public void Stop()
    {
        if (Stopped)
        {
            return;
        }

        Stopped = true;
        _stop.Cancel();
        _thread.Join();
        if (!Crashed)
        {
            Node.Dispose();
        }
    }

    public void Dispose()
    {
        Stop();
        _stop.Dispose();
    }

    private void Run()
    {
        try
        {
            Node.Run(_stop.Token);
        }
        catch (SimulatedCrashException)
        {
            CrashNow();
        }
        catch (Exception e)
        {
            Failure = e;
            CrashNow();
        }
    }

    private void CrashNow()
    {
        if (Interlocked.Exchange(ref _crashed, 1) != 0)
        {
            return;
        }

        lock (_outgoing)
        {
            foreach (InMemoryStream stream in _outgoing)
            {
                stream.KillWriter(DropUndeliveredOnCrash);
            }

            foreach (InMemoryStream stream in _incoming)
            {
                stream.KillReader();
            }
        }

        Node.Crash();
    }
}
