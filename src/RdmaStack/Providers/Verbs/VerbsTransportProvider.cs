using RdmaStack.Transport;
using RdmaStack.Transport.Handshake;

namespace RdmaStack.Providers.Verbs;

/// <summary>
/// The verbs provider behind the <see cref="ITransportProvider"/> contract: each link end opens its device (waiting for
/// the port to be active, with a fresh context per connection so that a GID table rebuilt after a link-down is
/// picked up), then builds one RC connection for the link's queue with <see cref="VerbsProvider.Connect"/>.
/// </summary>
internal sealed class VerbsTransportProvider(VerbsOptions options) : ITransportProvider
{
    /// <inheritdoc/>
    public ProviderKind Kind => ProviderKind.Verbs;

    /// <summary>Queue pair settings.</summary>
    public VerbsOptions Options { get; } = options;

    /// <inheritdoc/>
    public ILinkConnection Connect(LinkSetup setup, ConnectionHandshake handshake, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(setup);
        ArgumentNullException.ThrowIfNull(handshake);
        string device = setup.Options.Device
            ?? throw new TransportException($"link {setup.Link} of stream '{setup.Stream}': the verbs provider needs a device (LinkOptions.Device, e.g. mlx5_0 or rxe0).");
        VerbsDeviceContext context = VerbsDeviceContext.OpenWhenActive(device, setup.Options.Port, setup.Options.GidIndex ?? -1, setup.Deadline, cancellation);
        try
        {
            VerbsQueueSet queues = VerbsProvider.Connect(context, handshake, setup.Geometry, [setup.Role], Options, setup.DecorateChannel);
            return new VerbsLinkConnection(context, queues, setup);
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        // Nothing shared: every connection owns its device context.
    }
}
