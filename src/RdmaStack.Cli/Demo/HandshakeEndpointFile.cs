using System.Globalization;
using System.Net;
using System.Net.Sockets;
using RdmaStack.Transport;
using RdmaStack.Transport.Handshake;

namespace RdmaStack.Cli.Demo;

/// <summary>
/// How the two processes of a verbs run find each other: the listening side writes "address port secret" (a
/// fresh secret in hex) into a file only this user can read, atomically (written aside, then renamed); the
/// dialling side waits for the file and dials. A process of another user can neither read the secret nor pass
/// the handshake. Used by the verbs demo and the verbs drill.
/// </summary>
internal static class HandshakeEndpointFile
{
    /// <summary>Publishes <paramref name="listener"/>'s endpoint and <paramref name="secret"/> in <paramref name="file"/> (mode 600).</summary>
    public static void Publish(string file, TcpListener listener, byte[] secret)
    {
        ArgumentNullException.ThrowIfNull(listener);
        var endpoint = (IPEndPoint)listener.LocalEndpoint;
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        string temporary = file + ".tmp";
        using (var writer = new StreamWriter(temporary, options))
        {
            writer.Write(string.Create(CultureInfo.InvariantCulture, $"{endpoint.Address} {endpoint.Port} {Convert.ToHexString(secret)}"));
        }

        File.Move(temporary, file);
    }

    /// <summary>Waits for <paramref name="file"/>, then dials the endpoint it names.</summary>
    /// <param name="file">The published file.</param>
    /// <param name="timeout">For the file to appear, then for the connection.</param>
    /// <param name="who">Starts the error messages ("verbs demo").</param>
    /// <returns>The handshake, not yet authenticated.</returns>
    /// <exception cref="TransportException">No file, a malformed one, or no connection within the timeout.</exception>
    public static ConnectionHandshake Dial(string file, TimeSpan timeout, string who)
    {
        long deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        while (!File.Exists(file))
        {
            if (Environment.TickCount64 > deadline)
            {
                throw new TransportException($"{who}: the receiver did not publish its handshake endpoint ({file}) within {timeout.TotalSeconds:0.#} s.");
            }

            Thread.Sleep(20);
        }

        string[] parts = File.ReadAllText(file).Split(' ');
        if (parts.Length != 3 || !IPAddress.TryParse(parts[0], out IPAddress? address) || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out int port))
        {
            throw new TransportException($"{who}: {file} does not hold 'address port secret'.");
        }

        return ConnectionHandshake.Connect(new IPEndPoint(address, port), Convert.FromHexString(parts[2]), timeout);
    }
}
