using System.Globalization;
using System.Net;
using System.Net.Sockets;
using RdmaStack.Transport;
using RdmaStack.Transport.Handshake;
using RdmaStack.Cli.Demo;
using RdmaStack.Providers.SharedMemory;
using RdmaStack.Providers.Verbs;

namespace RdmaStack.Cli.Drill;

/// <summary>
/// How the two drill processes (re-)connect a link: the receiver keeps one listener per link on 127.0.0.1
/// for the whole run and publishes its port and a fresh 32-byte secret in a file only this user can read
/// (rdmastack.NAME.linkI.handshake beside the shared-memory mappings); the sender dials it for the first
/// connection and after every link-down. The handshake runs over loopback, so it works while the link's
/// own veth is down; the queue pairs use the rxe devices.
/// </summary>
internal static class VerbsDrillEndpoints
{
    public static string FilePath(string name, int link) =>
        Path.Combine(SharedMemoryProvider.Directory, string.Create(CultureInfo.InvariantCulture, $"rdmastack.{name}.link{link}.handshake"));

    /// <summary>Publishes the listener of a link (see <see cref="HandshakeEndpointFile"/>).</summary>
    public static void Publish(string file, TcpListener listener, byte[] secret) => HandshakeEndpointFile.Publish(file, listener, secret);

    /// <summary>Waits for a link's file, then dials it.</summary>
    public static ConnectionHandshake Dial(string file, TimeSpan timeout) => HandshakeEndpointFile.Dial(file, timeout, "verbs drill");

    /// <summary>Opens <paramref name="device"/>, retrying while its port is not active yet (after `ip link set up`
    /// rxe takes a moment); a fresh context per connection also picks up a GID table rebuilt by the link-down.</summary>
    /// <exception cref="VerbsException">Still failing after <paramref name="timeout"/>.</exception>
    public static VerbsDeviceContext OpenWhenActive(string device, TimeSpan timeout, Func<bool> stop)
    {
        long deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        while (true)
        {
            try
            {
                return VerbsDeviceContext.Open(device);
            }
            catch (VerbsException) when (Environment.TickCount64 < deadline && !stop())
            {
                Thread.Sleep(20);
            }
        }
    }

    /// <summary>The port state rxe reports in sysfs ("4: ACTIVE", "1: DOWN"), or null if unreadable.</summary>
    public static string? PortState(string device)
    {
        try
        {
            return File.ReadAllText($"/sys/class/infiniband/{device}/ports/1/state").Trim();
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
