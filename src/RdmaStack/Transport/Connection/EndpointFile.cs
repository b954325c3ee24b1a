using System.Globalization;
using System.Net;
using RdmaStack.Native;

namespace RdmaStack.Transport.Connection;

/// <summary>
/// How two processes of one host find each other without configured endpoints: the accepting side writes
/// "address port secret pid" (the secret in hex, or "-" when both sides have it configured) into a file only this
/// user can read, atomically (written aside, then renamed); the dialling side waits for the file and dials. A process
/// of another user can neither read the secret nor pass the handshake; a file whose writer has died is stale and is
/// ignored and removed.
/// </summary>
internal static class EndpointFile
{
    /// <summary>The file of link <paramref name="link"/> of <paramref name="stream"/>, for the side that accepts as
    /// <paramref name="acceptorRole"/> ("sub" for a subscription, "pub" for a publication).</summary>
    public static string PathFor(string directory, string stream, int link, string acceptorRole) =>
        Path.Combine(directory, string.Create(CultureInfo.InvariantCulture, $"rdmastack.{stream}.{acceptorRole}.link{link}.endpoint"));

    /// <summary>Publishes <paramref name="endpoint"/> (and the generated <paramref name="secret"/>, if any) in
    /// <paramref name="file"/>, mode 0600, replacing a stale one.</summary>
    /// <exception cref="TransportException">A live process publishes the same stream and link already.</exception>
    public static void Publish(string file, IPEndPoint endpoint, HandshakeSecret? secret)
    {
        int owner = 0;
        try
        {
            TryRead(file, out _, out _, out owner);
        }
        catch (TransportException)
        {
            // A malformed file is replaced below.
        }

        if (owner != 0 && owner != Environment.ProcessId && ProcessLiveness.IsAlive(owner))
        {
            throw new TransportException($"{file} is published by process {owner}, which is running: is the same stream added twice on this host?");
        }

        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        string temporary = string.Create(CultureInfo.InvariantCulture, $"{file}.{Environment.ProcessId}.tmp");
        using (var writer = new StreamWriter(temporary, options))
        {
            string secretText = secret is null ? "-" : Convert.ToHexString(secret.Bytes);
            writer.Write(string.Create(CultureInfo.InvariantCulture, $"{endpoint.Address} {endpoint.Port} {secretText} {Environment.ProcessId}"));
        }

        File.Move(temporary, file, overwrite: true);
    }

    /// <summary>Waits for <paramref name="file"/> to name a live process's endpoint.</summary>
    /// <param name="file">The file.</param>
    /// <param name="deadline">Give up at this <see cref="Environment.TickCount64"/>.</param>
    /// <param name="cancellation">Stops the wait.</param>
    /// <param name="secret">The secret in the file, or null when it says "-".</param>
    /// <returns>The endpoint.</returns>
    /// <exception cref="TransportException">No live endpoint within the deadline, or a malformed file.</exception>
    public static IPEndPoint Wait(string file, long deadline, CancellationToken cancellation, out HandshakeSecret? secret)
    {
        while (true)
        {
            if (TryRead(file, out IPEndPoint? endpoint, out secret, out int owner) && (owner == Environment.ProcessId || ProcessLiveness.IsAlive(owner)))
            {
                return endpoint!;
            }

            if (Environment.TickCount64 >= deadline)
            {
                throw new TransportException($"no peer published {file} (the accepting side writes it when its stream is added; is it running on this host, with the same stream name?)");
            }

            cancellation.WaitHandle.WaitOne(10);
            cancellation.ThrowIfCancellationRequested();
        }
    }

    /// <summary>Removes <paramref name="file"/> if this process wrote it.</summary>
    public static void Withdraw(string file)
    {
        if (TryRead(file, out _, out _, out int owner) && owner == Environment.ProcessId)
        {
            File.Delete(file);
        }
    }

    private static bool TryRead(string file, out IPEndPoint? endpoint, out HandshakeSecret? secret, out int owner)
    {
        endpoint = null;
        secret = null;
        owner = 0;
        string text;
        try
        {
            text = File.ReadAllText(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }

        string[] parts = text.Split(' ');
        if (parts.Length != 4 || !IPAddress.TryParse(parts[0], out IPAddress? address)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535
            || !int.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out owner))
        {
            throw new TransportException($"{file} does not hold 'address port secret pid': remove it.");
        }

        if (parts[2] != "-")
        {
            try
            {
                secret = HandshakeSecret.FromBytes(Convert.FromHexString(parts[2]));
            }
            catch (Exception e) when (e is FormatException or ArgumentException)
            {
                throw new TransportException($"{file} holds a malformed secret: remove it.", e);
            }
        }

        endpoint = new IPEndPoint(address, port);
        return true;
    }
}
