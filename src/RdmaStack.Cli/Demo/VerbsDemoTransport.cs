using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using RdmaStack.Queues;
using RdmaStack.Transport;
using RdmaStack.Transport.Handshake;
using RdmaStack.Transport.SharedMemory;
using RdmaStack.Transport.Verbs;

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
internal sealed class VerbsDemoTransport(string senderDevice, string receiverDevice, IPAddress listenAddress) : IDemoTransport, IDisposable
{
    private VerbsDeviceContext? _device;
    private VerbsQueueSet? _queues;

    public string SenderDevice { get; } = senderDevice;

    public string ReceiverDevice { get; } = receiverDevice;

    public IPAddress ListenAddress { get; } = listenAddress;

    public string Description => $"verbs provider, {SenderDevice} -> {ReceiverDevice}";

    public (SegmentedQueueWriter Outbound, SegmentedQueueReader Inbound) Open(string role, string name, SegmentedQueueGeometry geometry, TimeSpan timeout)
    {
        bool sender = role == "sender";
        _device = VerbsDeviceContext.Open(sender ? SenderDevice : ReceiverDevice);
        QueueEndpointRole[] roles = sender
            ? [QueueEndpointRole.Writer, QueueEndpointRole.Reader]
            : [QueueEndpointRole.Reader, QueueEndpointRole.Writer];
        string file = Path.Combine(SharedMemoryProvider.Directory, $"rdmastack.{name}.handshake");
        using (ConnectionHandshake handshake = sender ? Dial(file, timeout) : Listen(file, timeout))
        {
            _queues = VerbsProvider.Connect(_device, handshake, geometry, roles);
        }

        return (_queues.Writers[0], _queues.Readers[0]);
    }

    public void Dispose()
    {
        _queues?.Dispose();
        _device?.Dispose();
    }

    private ConnectionHandshake Listen(string file, TimeSpan timeout)
    {
        var listener = new TcpListener(ListenAddress, 0);
        listener.Start();
        try
        {
            byte[] secret = RandomNumberGenerator.GetBytes(32);
            int port = ((IPEndPoint)listener.LocalEndpoint).Port;
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            string temporary = file + ".tmp";
            using (var writer = new StreamWriter(temporary, options))
            {
                writer.Write(string.Create(CultureInfo.InvariantCulture, $"{ListenAddress} {port} {Convert.ToHexString(secret)}"));
            }

            File.Move(temporary, file);
            return ConnectionHandshake.Accept(listener, secret, timeout);
        }
        finally
        {
            listener.Stop();
        }
    }

    private static ConnectionHandshake Dial(string file, TimeSpan timeout)
    {
        long deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        while (!File.Exists(file))
        {
            if (Environment.TickCount64 > deadline)
            {
                throw new TransportException($"verbs demo: the receiver did not publish its handshake endpoint ({file}) within {timeout.TotalSeconds:0.#} s.");
            }

            Thread.Sleep(20);
        }

        string[] parts = File.ReadAllText(file).Split(' ');
        if (parts.Length != 3 || !IPAddress.TryParse(parts[0], out IPAddress? address) || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out int port))
        {
            throw new TransportException($"verbs demo: {file} does not hold 'address port secret'.");
        }

        return ConnectionHandshake.Connect(new IPEndPoint(address, port), Convert.FromHexString(parts[2]), timeout);
    }
}
