using System.CommandLine;
using System.Globalization;
using System.Net;

namespace RdmaStack.Cli.Commands;

/// <summary>
/// The options of a run across two hosts, perftest's way: the server is started with the device and waits; the client
/// is started with the same options and the server's address. perftest's flags where they mean the same: <c>-i</c> the
/// IB port, <c>-x</c> the GID index, <c>-p</c> the TCP port. The handshake's secret comes from <c>--secret-file</c>
/// (mode 0600) or the environment's RDMASTACK_SECRET, never from the command line.
/// </summary>
internal sealed class TwoHostOptionSet
{
    /// <summary>perftest's default TCP port.</summary>
    public const int DefaultPort = 18515;

    public Option<int> IbPort { get; } = new("--ib-port", "-i") { Description = "The device's port, from 1 (perftest's -i)", DefaultValueFactory = _ => 1 };

    public Option<int?> GidIndex { get; } = new("--gid-index", "-x") { Description = "The GID index (perftest's -x; default: the port's RoCE v2 GID, preferring IPv4)" };

    public Option<int?> Port { get; } = new("--port", "-p") { Description = $"Two hosts: the TCP port of the handshake (default {DefaultPort}; the drill's link 1 uses the next one)" };

    public Option<string?> SecretFile { get; } = new("--secret-file") { Description = $"Two hosts: the file holding the shared secret (mode 0600); else the environment's {HandshakeSecret.EnvironmentVariable}" };

    public Argument<string?> Server { get; } = new("server") { Description = "Two hosts: the server's address or name; without it this side is the server and waits", Arity = ArgumentArity.ZeroOrOne };

    public TwoHostOptionSet()
    {
        IbPort.Whole(1, 255);
        GidIndex.Whole(0, 255);
        Port.Whole(1, 65534, "the drill's link 1 uses the next one");
    }

    public void AddTo(Command command)
    {
        command.Options.Add(IbPort);
        command.Options.Add(GidIndex);
        command.Options.Add(Port);
        command.Options.Add(SecretFile);
        command.Arguments.Add(Server);
    }

    /// <summary>Whether the command line asks for two hosts: a server address, or a TCP port.</summary>
    public bool IsTwoHost(ParseResult result) => result.GetValue(Server) is not null || result.GetValue(Port) is not null;

    /// <summary>The two-host settings; reads the secret.</summary>
    /// <exception cref="ArgumentException">No secret (the message says where to put it), or a secret file others can read.</exception>
    public TwoHost Bind(ParseResult result)
    {
        string? file = result.GetValue(SecretFile);
        HandshakeSecret secret;
        try
        {
            secret = file is not null ? HandshakeSecret.FromFile(file) : HandshakeSecret.FromEnvironment();
        }
        catch (ArgumentException e) when (file is null)
        {
            throw new ArgumentException($"two hosts need the same secret on both: --secret-file FILE (mode 0600) or {HandshakeSecret.EnvironmentVariable} in the environment ({e.Message})", e);
        }

        return new TwoHost(result.GetValue(Server), result.GetValue(Port) ?? DefaultPort, result.GetValue(IbPort), result.GetValue(GidIndex), secret);
    }
}

/// <summary>One side of a two-host run.</summary>
/// <param name="Server">The server's address or name on the client; null on the server.</param>
/// <param name="TcpPort">The handshake's TCP port (link k uses this + k).</param>
/// <param name="IbPort">The device's port.</param>
/// <param name="GidIndex">The GID index, or null for the RoCE v2 one.</param>
/// <param name="Secret">The handshake secret.</param>
internal sealed record TwoHost(string? Server, int TcpPort, int IbPort, int? GidIndex, HandshakeSecret Secret)
{
    /// <summary>True on the side that waits (the server).</summary>
    public bool IsServer => Server is null;

    /// <summary>"server" (waits) or "client" (dials).</summary>
    public string Side => IsServer ? "server" : "client";

    /// <summary>The links of this side: one per device, the server listening on every address at port + k, the client
    /// dialling the server there.</summary>
    public IReadOnlyList<LinkOptions> Links(IReadOnlyList<string?> devices) =>
    [
        .. devices.Select((device, k) => new LinkOptions
        {
            Device = device,
            Port = IbPort,
            GidIndex = GidIndex,
            Listen = IsServer ? new IPEndPoint(IPAddress.Any, TcpPort + k) : null,
            Peer = IsServer ? null : PeerEndpoint(Server!, TcpPort + k),
        }),
    ];

    /// <summary>"server on port 18515" or "client of host-b:18515", for reports.</summary>
    public string Describe() => IsServer
        ? string.Create(CultureInfo.InvariantCulture, $"server, waiting on TCP port {TcpPort}")
        : string.Create(CultureInfo.InvariantCulture, $"client of {Server}:{TcpPort}");

    private static EndPoint PeerEndpoint(string server, int port) =>
        IPAddress.TryParse(server, out IPAddress? address) ? new IPEndPoint(address, port) : new DnsEndPoint(server, port);
}
