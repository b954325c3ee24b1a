using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RdmaStack.HighAvailability.Replication;

namespace RdmaStack.HighAvailability.Transport;

/// <summary>
/// One member's side of the binding to a fabric: it registers the member in the service's folder, then, on a
/// background thread, reads the others' entries every poll interval, opens the streams to each new member (or to a new
/// incarnation of a known one) and hands them to the member's hot thread, and disposes the streams that thread has
/// let go of. The hot thread alone drives a stream between the hand-over and its retirement.
/// </summary>
internal abstract class MemberBinding : IDisposable
{
    private readonly MemberDirectory _directory;
    private readonly HashSet<IDisposable> _open = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly TimeSpan _pollInterval;
    private Thread? _thread;
    private bool _disposed;

    protected MemberBinding(ReplicaServiceOptions service, Fabric fabric, string self)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(fabric);
        service.Validate();
        Service = service;
        Self = self;
        Incarnation = MemberDirectory.NewIncarnation();
        _pollInterval = service.DirectoryPollInterval;
        _directory = new MemberDirectory(service.Directory ?? fabric.Options.RendezvousDirectory, service.Name);
        Logger = (fabric.Options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger("RdmaStack.HighAvailability");
    }

    /// <summary>The service.</summary>
    protected ReplicaServiceOptions Service { get; }

    /// <summary>This member's name (s0, s1, cID).</summary>
    protected string Self { get; }

    /// <summary>This member's incarnation.</summary>
    public long Incarnation { get; }

    /// <summary>The members whose processes run, after the last scan.</summary>
    protected Dictionary<string, long> Live { get; } = [];

    protected ILogger Logger { get; }

    /// <summary>Registers the member, opens the streams to the members already there, and starts the thread.</summary>
    public void Start()
    {
        _directory.Register(Self, Incarnation);
        BindingLog.Registered(Logger, Service.Name, Self, Incarnation, _directory.Folder);
        Pass();
        _thread = new Thread(Run) { IsBackground = true, Name = "rdmastack-ha membership " + Self };
        _thread.Start();
    }

    /// <summary>Stops the thread, withdraws the member's entry and disposes every stream it opened (the hot thread
    /// must have stopped).</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _stop.Cancel();
        _thread?.Join();
        _stop.Dispose();
        try
        {
            _directory.Withdraw(Self, Incarnation);
        }
        catch (IOException)
        {
            // the folder went away: nothing to withdraw
        }

        foreach (IDisposable stream in _open)
        {
            stream.Dispose();
        }

        _open.Clear();
    }

    /// <summary>Opens the streams to and from <paramref name="peer"/> (incarnation <paramref name="peerIncarnation"/>)
    /// on <paramref name="fabric"/>.</summary>
    protected (PublicationStream Out, SubscriptionStream In) Open(Fabric fabric, string peer, long peerIncarnation)
    {
        Subscription subscription = fabric.AddSubscription(MemberDirectory.StreamName(Service.Name, peer, peerIncarnation, Self, Incarnation));
        Publication publication;
        try
        {
            publication = fabric.AddPublication(MemberDirectory.StreamName(Service.Name, Self, Incarnation, peer, peerIncarnation));
        }
        catch
        {
            subscription.Dispose();
            throw;
        }

        var streams = (new PublicationStream(publication), new SubscriptionStream(subscription));
        _open.Add(streams.Item1);
        _open.Add(streams.Item2);
        BindingLog.Connected(Logger, Service.Name, Self, peer, peerIncarnation);
        return streams;
    }

    /// <summary>Brings the member's streams in line with <see cref="Live"/>.</summary>
    protected abstract void Reconcile();

    /// <summary>Takes the next stream the hot thread let go of, if any.</summary>
    protected abstract bool TryTakeRetired(out object? stream);

    private void Run()
    {
        while (!_stop.Token.WaitHandle.WaitOne(_pollInterval))
        {
            Pass();
        }
    }

    private void Pass()
    {
        try
        {
            _directory.Scan(Live);
            if (!Live.TryGetValue(Self, out long registered) || registered != Incarnation)
            {
                _directory.Register(Self, Incarnation); // the entry was removed or overwritten under us
            }

            Reconcile();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or TransportException or InvalidOperationException)
        {
            BindingLog.Failed(Logger, Service.Name, Self, e);
        }

        while (TryTakeRetired(out object? stream))
        {
            if (stream is IDisposable disposable && _open.Remove(disposable))
            {
                disposable.Dispose();
            }
        }
    }
}
