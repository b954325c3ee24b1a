using System.Globalization;
using RdmaStack.HighAvailability.Replication;
using RdmaStack.HighAvailability.Transport;

namespace RdmaStack.HighAvailability.Sessions;

/// <summary>The client over the transport: its streams are publications and subscriptions of a fabric.</summary>
public sealed partial class ReplicaClient
{
    /// <summary>
    /// Makes client <paramref name="clientId"/> of <paramref name="service"/> on <paramref name="fabric"/>: it registers
    /// in the service's membership and opens its streams to each server as the server appears (and anew when a server
    /// restarts); the servers open theirs to it. Drive it with <see cref="Submit"/> and
    /// <see cref="Poll{THandler}(ref THandler)"/> on one thread; <see cref="Dispose"/> closes the streams.
    /// </summary>
    /// <param name="fabric">The fabric every server is reached over (owned by the caller; disposed after the client).</param>
    /// <param name="service">The service; every member gives the same.</param>
    /// <param name="clientId">The client's id, unique among the service's clients; a client process that restarts is a
    /// new session and needs a new id (its requests start again at sequence 1).</param>
    /// <param name="options">The client's settings; <see cref="ReplicaClientOptions.MaxMessageLength"/> must fit the
    /// fabric's slot payload.</param>
    /// <returns>The client, connecting in the background.</returns>
    /// <exception cref="ArgumentException">A setting is out of range or does not fit the fabric.</exception>
    /// <exception cref="IOException">The membership folder cannot be written.</exception>
    public static ReplicaClient Create(Fabric fabric, ReplicaServiceOptions service, long clientId, ReplicaClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(fabric);
        ArgumentNullException.ThrowIfNull(service);
        return Create([.. Enumerable.Repeat(fabric, service.Servers)], service, clientId, options);
    }

    /// <summary>
    /// Makes client <paramref name="clientId"/> of <paramref name="service"/>, reaching server i over
    /// <paramref name="fabrics"/>[i]: for RDMA devices where each server is reached through another NIC (the other end
    /// of that server's wire). See <see cref="Create(Fabric, ReplicaServiceOptions, long, ReplicaClientOptions)"/>.
    /// </summary>
    /// <param name="fabrics">One fabric per server, in server order (owned by the caller).</param>
    /// <param name="service">The service; every member gives the same.</param>
    /// <param name="clientId">The client's id, unique among the service's clients.</param>
    /// <param name="options">The client's settings.</param>
    /// <returns>The client, connecting in the background.</returns>
    /// <exception cref="ArgumentException">A setting is out of range, or the number of fabrics is not the number of servers.</exception>
    /// <exception cref="IOException">The membership folder cannot be written.</exception>
    public static ReplicaClient Create(IReadOnlyList<Fabric> fabrics, ReplicaServiceOptions service, long clientId, ReplicaClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(fabrics);
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(options);
        service.Validate();
        ArgumentOutOfRangeException.ThrowIfNegative(clientId);
        if (fabrics.Count != service.Servers)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{fabrics.Count} fabrics for a service of {service.Servers} servers: give one per server."), nameof(fabrics));
        }

        foreach (Fabric fabric in fabrics)
        {
            ArgumentNullException.ThrowIfNull(fabric, nameof(fabrics));
            int slot = fabric.Options.Geometry.SlotPayloadCapacity;
            if (options.MaxMessageLength > slot)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"ReplicaClientOptions.MaxMessageLength ({options.MaxMessageLength} B) does not fit the fabric's slot payload ({slot} B)."), nameof(options));
            }
        }

        var client = new ReplicaClient(clientId, options);
        for (int server = 0; server < service.Servers; server++)
        {
            client._servers.Add(new ServerLink(null, null));
        }

        client._binding = ClientBinding.Start(fabrics, service, clientId, client);
        return client;
    }
}
