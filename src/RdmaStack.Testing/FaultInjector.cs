using System.Globalization;
using RdmaStack.Queues;
using RdmaStack.Transport;
using RdmaStack.Transport.FaultInjection;

namespace RdmaStack.Testing;

/// <summary>
/// Injects the faults a link can suffer into a fabric's links, for drills and for tests of applications built on the
/// library: the link dies (every write on it fails and its completions report an error, in both directions, as a real
/// link-down), the next write lands corrupted, or the next write is lost. It decorates every channel the provider
/// makes; when the publication and the subscription of a stream run in this process (with
/// <see cref="Attach"/> applied to both fabrics' options), both directions of a link share one switch, so a kill breaks
/// both at once. A link with an injector on either end checks every slot with CRC-32C, as over RDMA (its writes can
/// now tear), even where the provider would not: the two ends settle that in their handshake, so a corrupted write is
/// caught whichever side the injector is on.
/// </summary>
/// <remarks>
/// A killed link stays dead for the connections that had it; the library then re-establishes the link, and the new
/// connection gets a working switch. Faults may be injected from any thread. Not for production use.
/// </remarks>
public sealed class FaultInjector
{
    private readonly LinkFaultSwitch[] _switches;
    private readonly FaultInjectingChannel?[] _slotChannels;
    private readonly int[] _connections;
    private readonly object _gate = new();

    /// <summary>Creates an injector for fabrics of <paramref name="links"/> links.</summary>
    /// <param name="links">The number of links, as in <see cref="FabricOptions.Links"/>.</param>
    public FaultInjector(int links)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(links, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(links, FabricOptions.MaxLinks);
        _switches = new LinkFaultSwitch[links];
        for (int i = 0; i < links; i++)
        {
            _switches[i] = new LinkFaultSwitch();
        }

        _slotChannels = new FaultInjectingChannel?[links];
        _connections = new int[links];
    }

    /// <summary>Writes lost on purpose, on every link.</summary>
    public long Dropped { get; private set; }

    /// <summary>Links killed.</summary>
    public long Killed { get; private set; }

    /// <summary>Writes corrupted on purpose.</summary>
    public long Corrupted { get; private set; }

    /// <summary>Returns <paramref name="options"/> with this injector on every link (give both sides' fabrics the result).</summary>
    /// <param name="options">The fabric's options; its link count must be the injector's.</param>
    /// <returns>The options to connect the fabric with.</returns>
    /// <exception cref="ArgumentException">The link counts differ.</exception>
    public FabricOptions Attach(FabricOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Links.Count != _switches.Length)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The injector has {_switches.Length} links, the options {options.Links.Count}."), nameof(options));
        }

        return options with { DecorateChannel = Decorate };
    }

    /// <summary>How many connections of <paramref name="link"/> have carried slots so far (the first, and each
    /// re-established one).</summary>
    /// <param name="link">The link.</param>
    /// <returns>The count.</returns>
    public int Connections(int link)
    {
        lock (_gate)
        {
            return _connections[link];
        }
    }

    /// <summary>Kills <paramref name="link"/>'s current connection: both directions fail from the next write on.</summary>
    /// <param name="link">The link.</param>
    public void Kill(int link)
    {
        lock (_gate)
        {
            _switches[link].Kill();
            _switches[link] = new LinkFaultSwitch(); // the next connection of the link works again
            Killed++;
        }
    }

    /// <summary>The next slot written on <paramref name="link"/> lands with a byte flipped.</summary>
    /// <param name="link">The link.</param>
    public void CorruptNextWrite(int link)
    {
        lock (_gate)
        {
            SlotChannel(link).CorruptNextWrite();
            Corrupted++;
        }
    }

    /// <summary>The next slot written on <paramref name="link"/> is lost: it reports success but never lands.</summary>
    /// <param name="link">The link.</param>
    public void DropNextWrite(int link)
    {
        lock (_gate)
        {
            SlotChannel(link).DropNextWrite();
            Dropped++;
        }
    }

    /// <summary>Reports an error of <paramref name="link"/>'s device to the publication, as a port error or a fatal
    /// queue pair event of a real NIC would: the library fails the link over and re-establishes it.</summary>
    /// <param name="publication">The publication.</param>
    /// <param name="link">The link.</param>
    public static void RaiseDeviceError(Publication publication, int link)
    {
        ArgumentNullException.ThrowIfNull(publication);
        publication.RequestDeviceFailure(link, "injected device error (RdmaStack.Testing)");
    }

    /// <summary>Reports an error of <paramref name="link"/>'s device to the subscription: it tells the writer over every
    /// link, which fails the stream over.</summary>
    /// <param name="subscription">The subscription.</param>
    /// <param name="link">The link.</param>
    public static void RaiseDeviceError(Subscription subscription, int link)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        subscription.RequestDeviceFailure(link, "injected device error (RdmaStack.Testing)");
    }

    private FaultInjectingChannel SlotChannel(int link) =>
        _slotChannels[link] ?? throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"Link {link} has carried no slots yet."));

    private FaultInjectingChannel Decorate(int link, IRemoteWriteChannel channel)
    {
        lock (_gate)
        {
            bool slots = channel.Source.Length > ControlBlockDescriptor.Length;
            var injecting = new FaultInjectingChannel(channel, _switches[link], dataLimit: slots ? channel.RemoteLength - RingTrailerDescriptor.Length : long.MaxValue);
            if (slots)
            {
                _slotChannels[link] = injecting;
                _connections[link]++;
            }

            return injecting;
        }
    }
}
