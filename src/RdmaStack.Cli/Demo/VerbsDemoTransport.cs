using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using RdmaStack.Queues;
using RdmaStack.Transport;
using RdmaStack.Transport.Handshake;
using RdmaStack.Providers.SharedMemory;
using RdmaStack.Providers.Verbs;

namespace RdmaStack.Cli.Demo;

/// <summary>
/// The demo over the verbs provider: queue 0 carries sender to receiver, queue 1 back, each an RC connection
/// between <see cref="SenderDevice"/> (the sender's) and <see cref="ReceiverDevice"/> (the receiver's). One TCP
/// handshake per run carries both: the receiver listens on <see cref="ListenAddress"/> (an ephemeral port), the
/// sender dials.
/// </summary>
/// <remarks>
/// The receiver publishes its port and a fresh 32-byte secret in a file only this user can read
/// (rdmastack.NAME.handshake beside the shared-memory mappings); the sender reads both from it. A process of
/// another user therefore can neither read the secret nor pass the handshake.
/// </remarks>
internal sealed class VerbsDemoTransport(string senderDevice, string receiverDevice, IPAddress listenAddress) : IDemoTransport
{
    private readonly List<VerbsQueueSet> _queues = [];
    private VerbsDeviceContext? _device;

    public string SenderDevice { get; } = senderDevice;

    public string ReceiverDevice { get; } = receiverDevice;

    public IPAddress ListenAddress { get; } = listenAddress;

    public string Description => $"verbs provider, {SenderDevice} -> {ReceiverDevice}";

    public (SegmentedQueueWriter Outbound, SegmentedQueueReader Inbound) Open(string role, string name, SegmentedQueueGeometry geometry, TimeSpan timeout)
    {
        bool sender = role == "sender";
        _device ??= VerbsDeviceContext.Open(sender ? SenderDevice : ReceiverDevice);
        QueueEndpointRole[] roles = sender
            ? [QueueEndpointRole.Writer, QueueEndpointRole.Reader]
            : [QueueEndpointRole.Reader, QueueEndpointRole.Writer];
        string file = Path.Combine(SharedMemoryProvider.Directory, $"rdmastack.{name}.handshake");
        VerbsQueueSet queues;
        using (ConnectionHandshake handshake = sender ? Dial(file, timeout) : Listen(file, timeout))
        {
            queues = VerbsProvider.Connect(_device, handshake, geometry, roles);
        }

        _queues.Add(queues);
        return (queues.Writers[0], queues.Readers[0]);
    }

    /// <summary>Every connection's queues, then the device context (reverse creation order).</summary>
    public void Dispose()
    {
        for (int i = _queues.Count - 1; i >= 0; i--)
        {
            _queues[i].Dispose();
        }

        _queues.Clear();
        _device?.Dispose();
        _device = null;
    }

    private ConnectionHandshake Listen(string file, TimeSpan timeout)
    {
        var listener = new TcpListener(ListenAddress, 0);
        listener.Start();
        try
        {
            byte[] secret = RandomNumberGenerator.GetBytes(32);
            HandshakeEndpointFile.Publish(file, listener, secret);
            return ConnectionHandshake.Accept(listener, secret, timeout);
        }
        finally
        {
            listener.Stop();
        }
    }

    private static ConnectionHandshake Dial(string file, TimeSpan timeout) => HandshakeEndpointFile.Dial(file, timeout, "verbs demo");
}
