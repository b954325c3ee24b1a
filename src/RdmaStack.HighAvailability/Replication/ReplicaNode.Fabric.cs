using System.Globalization;
using RdmaStack.HighAvailability.Engine;
using RdmaStack.HighAvailability.ExternalCalls;
using RdmaStack.HighAvailability.Transport;

namespace RdmaStack.HighAvailability.Replication;

/// <summary>The replica over the transport: its streams are publications and subscriptions of a fabric.</summary>
public sealed partial class ReplicaNode
{
    /// <summary>
    /// Makes server <paramref name="server"/> of <paramref name="service"/> on <paramref name="fabric"/>: the replica
    /// registers in the service's membership, opens its streams to the other server and to every client that appears
    /// (see <see cref="ReplicaServiceOptions"/>), and hands them to its own thread, which drives them all. Run it with
    /// <see cref="Run"/> (or <see cref="DoWork"/>) on one thread; <see cref="Dispose"/> closes the streams.
    /// </summary>
    /// <param name="fabric">The fabric (owned by the caller; disposed after the replica).</param>
    /// <param name="service">The service; every member gives the same.</param>
    /// <param name="server">0 or 1 (0 with one server).</param>
    /// <param name="options">The replica's settings; <see cref="ReplicaOptions.MaxMessageLength"/> must fit the fabric's
    /// slot payload. A server restarted after a failure starts as <see cref="ReplicaRole.Backup"/>: it rejoins the
    /// survivor by state transfer. Only a service of one server, or both servers after both died, start a primary.</param>
    /// <param name="engine">The deterministic engine (a fresh, empty instance).</param>
    /// <param name="services">The external services, by index (the backup's are never called).</param>
    /// <returns>The replica, connecting in the background.</returns>
    /// <exception cref="ArgumentException">A setting is out of range or does not fit the fabric; the message says which.</exception>
    /// <exception cref="IOException">The membership folder cannot be written.</exception>
    /// <remarks>
    /// Thread rule of the transport: the replica's thread alone drives its streams, and lets every one of them do
    /// its housekeeping (heartbeats) while it waits on one, so a wait for the backup never starves the client streams.
    /// </remarks>
    public static ReplicaNode Create(Fabric fabric, ReplicaServiceOptions service, int server, ReplicaOptions options, IDeterministicEngine engine, IReadOnlyList<IExternalService> services)
    {
        ArgumentNullException.ThrowIfNull(fabric);
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(options);
        service.Validate();
        ArgumentOutOfRangeException.ThrowIfNegative(server);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(server, service.Servers);
        int slot = fabric.Options.Geometry.SlotPayloadCapacity;
        if (options.MaxMessageLength > slot)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"ReplicaOptions.MaxMessageLength ({options.MaxMessageLength} B) does not fit the fabric's slot payload ({slot} B): raise the geometry's payload or lower the message length."), nameof(options));
        }

        if (service.Servers == 1 && options.InitialRole != ReplicaRole.Primary)
        {
            throw new ArgumentException("A service of one server has no primary to follow: start it as the primary.", nameof(options));
        }

        var node = new ReplicaNode(options, engine, services);
        try
        {
            node._binding = ServerBinding.Start(fabric, service, server, node);
        }
        catch
        {
            node.Dispose();
            throw;
        }

        return node;
    }
}
