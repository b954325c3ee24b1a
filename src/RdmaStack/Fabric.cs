using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RdmaStack.Providers.NetworkDirect;
using RdmaStack.Providers.SharedMemory;
using RdmaStack.Queues;
using RdmaStack.Providers.Verbs;
using RdmaStack.Supervision;
using RdmaStack.Threading;
using RdmaStack.Transport;
using RdmaStack.Transport.Connection;
using RdmaStack.Transport.Handshake;

namespace RdmaStack;

/// <summary>
/// The entry point: one fabric (a provider and its links) on which an application adds publications (streams it
/// writes) and subscriptions (streams it reads). The fabric owns the resources and their lifecycle: it connects each
/// stream's links in the background, watches them, fails a stream over to a standby link when its active link breaks,
/// re-establishes the broken link and makes it the new standby, and closes everything on <see cref="Dispose"/>.
/// </summary>
/// <remarks>
/// <code>
/// using var fabric = Fabric.Connect(new FabricOptions { Provider = ProviderKind.SharedMemory });
/// using Publication orders = fabric.AddPublication("orders");       // in one process
/// using Subscription input = fabric.AddSubscription("orders");      // in another
/// long sequence = orders.Offer(message);                             // &gt; 0, or a QueueStatus code
/// int n = input.Poll((payload, sequence) =&gt; Handle(payload));
/// </code>
/// <para>Threads: the fabric runs its own background threads (acceptors, handshakes, one dialer per dialled link,
/// housekeeping) on <see cref="FabricOptions.BackgroundCpus"/>; each publication and subscription is driven by one
/// application thread, its hot thread, which alone calls its Offer/Poll/DoWork.</para>
/// <para>Thread-safety: Add* and Dispose may be called from any thread.</para>
/// </remarks>
public sealed partial class Fabric : IDisposable
{
    private readonly object _gate = new();
    private readonly LinkListener?[] _listeners;
    private readonly List<IDisposable> _streams = [];
    private readonly HashSet<(string Stream, QueueEndpointRole Role)> _names = [];
    private HandshakeSecret? _generatedSecret;
    private bool _disposed;

    private Fabric(FabricOptions options)
    {
        Options = options;
        ILoggerFactory factory = options.LoggerFactory ?? NullLoggerFactory.Instance;
        Logger = factory.CreateLogger("RdmaStack");
        Threads = new BackgroundThreads(options);
        Housekeeper = new Housekeeper(Threads, Logger);
        _listeners = new LinkListener?[options.Links.Count];
        Provider = options.Provider switch
        {
            ProviderKind.Verbs => new VerbsTransportProvider(options.Verbs),
            ProviderKind.NetworkDirect => new NetworkDirectTransportProvider(
                options.NetworkDirectSource ?? NetworkDirectDiscovery.DefaultSource, NetworkDirectConnectionOptions.Default, Threads, options.HeartbeatInterval),
            _ => new SharedMemoryTransportProvider(),
        };
    }

    /// <summary>The options the fabric was made with.</summary>
    public FabricOptions Options { get; }

    internal ILogger Logger { get; }

    internal BackgroundThreads Threads { get; }

    internal Housekeeper Housekeeper { get; }

    internal ITransportProvider Provider { get; }

    /// <summary>Checks <paramref name="options"/> and makes the fabric. Nothing connects yet: publications and
    /// subscriptions connect in the background once added. For shared memory, files left in the mapping folder by a
    /// process that died without cleaning up are removed.</summary>
    /// <param name="options">The provider, links, geometry and timeouts.</param>
    /// <returns>The fabric.</returns>
    /// <exception cref="ArgumentException">An option is out of range, or the provider does not run on this platform
    /// (NetworkDirect outside Windows); the message names the option and the rule or the platform.</exception>
    public static Fabric Connect(FabricOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (options.Provider == ProviderKind.SharedMemory)
        {
            SharedMapping.RemoveStale(SharedMemoryProvider.Directory);
        }

        return new Fabric(options);
    }

    /// <summary>Adds a stream this process writes. Returns at once; the links connect in the background (wait with
    /// <see cref="Publication.WaitForConnection"/>, or offer and watch for <see cref="QueueStatus.NotConnected"/>).</summary>
    /// <param name="stream">The stream's name: 1 to 100 letters, digits, '.', '_' or '-'; the subscription uses the same.</param>
    /// <returns>The publication; dispose it (or the fabric) to close it.</returns>
    /// <exception cref="ArgumentException">The name is not valid.</exception>
    /// <exception cref="InvalidOperationException">The stream is published here already.</exception>
    /// <exception cref="TransportException">A listener could not be started (its endpoint is taken or not this host's).</exception>
    public Publication AddPublication(string stream) => Add(stream, core => new Publication(core));

    /// <summary>Adds a stream this process reads. Returns at once; the links connect in the background.</summary>
    /// <param name="stream">The stream's name, as the publication gives it.</param>
    /// <returns>The subscription; dispose it (or the fabric) to close it.</returns>
    /// <exception cref="ArgumentException">The name is not valid.</exception>
    /// <exception cref="InvalidOperationException">The stream is subscribed here already.</exception>
    /// <exception cref="TransportException">A listener could not be started, or another live process subscribes the
    /// same stream on this host.</exception>
    public Subscription AddSubscription(string stream) => Add(stream, core => new Subscription(core));

    /// <summary>Where link <paramref name="link"/> accepts connections (its <see cref="LinkOptions.Listen"/> endpoint,
    /// with the port the system gave when it was 0; loopback for one host), starting the link's listener if it does
    /// not run yet.</summary>
    /// <param name="link">The link's index.</param>
    /// <returns>The endpoint.</returns>
    /// <exception cref="TransportException">The listener could not be started.</exception>
    public IPEndPoint GetListenEndpoint(int link)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(link);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(link, Options.Links.Count);
        return ListenerFor(link).LocalEndpoint;
    }

    /// <summary>Pins the calling thread to <see cref="FabricOptions.HotCpus"/>[<paramref name="index"/>], a core the
    /// library keeps its own threads off.</summary>
    /// <param name="index">Which of the hot CPUs.</param>
    /// <returns>The CPU.</returns>
    /// <exception cref="InvalidOperationException">No hot CPUs were given, or the index is past them.</exception>
    public int PinHotThread(int index)
    {
        IReadOnlyList<int> cpus = Options.HotCpus ?? throw new InvalidOperationException("FabricOptions.HotCpus is not set: name the cores for the hot threads first.");
        if ((uint)index >= (uint)cpus.Count)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"Hot CPU {index} asked for, but FabricOptions.HotCpus has {cpus.Count}."));
        }

        CpuAffinity.PinCurrentThread(cpus[index]);
        return cpus[index];
    }

    /// <summary>Closes every publication (flushing each, up to <see cref="FabricOptions.CloseTimeout"/>) and
    /// subscription, then the listeners and the background threads.</summary>
    public void Dispose()
    {
        IDisposable[] streams;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            streams = [.. _streams];
        }

        foreach (IDisposable stream in streams)
        {
            stream.Dispose();
        }

        foreach (LinkListener? listener in _listeners)
        {
            listener?.Dispose();
        }

        Housekeeper.Dispose();
        Provider.Dispose();
    }

    /// <summary>The listener of link <paramref name="link"/>, started on first use.</summary>
    internal LinkListener ListenerFor(int link)
    {
        lock (_gate)
        {
            if (_listeners[link] is { } listener)
            {
                return listener;
            }

            LinkOptions options = Options.Links[link];
            HandshakeSecret secret = Options.Secret ?? (_generatedSecret ??= HandshakeSecret.Generate());
            return _listeners[link] = new LinkListener(link, options.Listen ?? new IPEndPoint(IPAddress.Loopback, 0), secret, Options, Logger, Threads);
        }
    }

    /// <summary>A stream closed by its owner leaves the fabric's list.</summary>
    internal void Remove(IDisposable stream, StreamCore core)
    {
        lock (_gate)
        {
            _streams.Remove(stream);
            _names.Remove((core.Stream, core.Role));
        }
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,100}$")]
    private static partial Regex StreamName();

    private T Add<T>(string stream, Func<StreamCore, T> create)
        where T : IDisposable
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!StreamName().IsMatch(stream))
        {
            throw new ArgumentException($"Stream name '{stream}' must be 1 to 100 letters, digits, '.', '_' or '-'.", nameof(stream));
        }

        QueueEndpointRole role = typeof(T) == typeof(Publication) ? QueueEndpointRole.Writer : QueueEndpointRole.Reader;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_names.Add((stream, role)))
            {
                throw new InvalidOperationException($"The stream '{stream}' already has a {(role == QueueEndpointRole.Writer ? "publication" : "subscription")} on this fabric.");
            }

            var core = new StreamCore(this, stream, role);
            T created = create(core);
            try
            {
                core.Start();
            }
            catch
            {
                _names.Remove((stream, role));
                created.Dispose();
                throw;
            }

            _streams.Add(created);
            return created;
        }
    }
}
