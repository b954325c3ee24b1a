using System.Globalization;
using RdmaStack.Failover;
using RdmaStack.Queues;
using RdmaStack.Transport;

namespace RdmaStack.Providers.Verbs;

/// <summary>
/// One end of a link over verbs: its device context and the RC connection of the link's queue. The device's
/// asynchronous events that concern this connection (a port error on its port, a fatal error of one of its queue pairs,
/// a fatal device error) are reported as link failures.
/// </summary>
internal sealed class VerbsLinkConnection : ILinkConnection
{
    private readonly VerbsDeviceContext _device;
    private readonly VerbsQueueSet _queues;
    private readonly uint[] _queuePairs;
    private Action<LinkFailureCause, string>? _sink;

    public VerbsLinkConnection(VerbsDeviceContext device, VerbsQueueSet queues, LinkSetup setup)
    {
        _device = device;
        _queues = queues;
        _queuePairs = queues.QueuePairNumbers;
        Writer = queues.Writers.Count > 0 ? queues.Writers[0] : null;
        Reader = queues.Readers.Count > 0 ? queues.Readers[0] : null;
        Description = string.Create(
            CultureInfo.InvariantCulture,
            $"verbs {device.DeviceName} port {device.Port} ({(device.IsInfiniBand ? $"InfiniBand LID {device.Lid}" : $"RoCE GID index {device.GidIndex}")}), link {setup.Link} of '{setup.Stream}', QPs {string.Join(", ", _queuePairs.Select(q => "0x" + q.ToString("x", CultureInfo.InvariantCulture)))}");
        _device.AsyncEventReceived += OnAsyncEvent;
    }

    /// <inheritdoc/>
    public SegmentedQueueWriter? Writer { get; }

    /// <inheritdoc/>
    public SegmentedQueueReader? Reader { get; }

    /// <inheritdoc/>
    public string Description { get; }

    /// <inheritdoc/>
    public void ReportFailuresTo(Action<LinkFailureCause, string> sink) => Volatile.Write(ref _sink, sink);

    /// <summary>Whether <paramref name="e"/> breaks this connection: a port error on its port, a fatal or error event
    /// of one of its queue pairs, a fatal device error.</summary>
    internal bool Concerns(VerbsAsyncEvent e) => e.Code switch
    {
        VerbsAsyncEvent.PortError => e.PortNumber == _device.Port,
        VerbsAsyncEvent.DeviceFatal => true,
        VerbsAsyncEvent.QueuePairFatal or VerbsAsyncEvent.QueuePairRequestError or VerbsAsyncEvent.QueuePairAccessError
            => Array.IndexOf(_queuePairs, e.QueuePairNumber) >= 0,
        _ => false,
    };

    /// <inheritdoc/>
    public void Dispose()
    {
        _device.AsyncEventReceived -= OnAsyncEvent;
        _queues.Dispose();
        _device.Dispose();
    }

    private void OnAsyncEvent(object? sender, VerbsAsyncEvent e)
    {
        if (Concerns(e))
        {
            Volatile.Read(ref _sink)?.Invoke(
                LinkFailureCause.AsyncEvent,
                string.Create(CultureInfo.InvariantCulture, $"{_device.DeviceName}: {e.Name}{(e.PortNumber > 0 ? $" on port {e.PortNumber}" : string.Empty)}{(e.QueuePairNumber > 0 ? $" for QP 0x{e.QueuePairNumber:x}" : string.Empty)}"));
        }
    }
}
