using System.Runtime.InteropServices;
using RdmaStack.Interop;
using RdmaStack.Native;
using RdmaStack.Transport;

namespace RdmaStack.Providers.Verbs;

/// <summary>The asynchronous-event reader: a background thread that waits on the context's async_fd,
/// takes each event (ibv_get_async_event), records it, acknowledges it (ibv_ack_async_event) and raises
/// <see cref="AsyncEventReceived"/>.</summary>
internal sealed unsafe partial class VerbsDeviceContext
{
    private Thread? _eventReader;
    private volatile bool _stopEvents;
    private long _asyncEventCount;
    private VerbsAsyncEvent? _lastAsyncEvent;

    /// <summary>Raised on the reader's thread for every asynchronous event of the device (port down/up, a
    /// queue pair's fatal error, a device failure). Handlers must be quick and must not throw.</summary>
    public event EventHandler<VerbsAsyncEvent>? AsyncEventReceived;

    /// <summary>How many asynchronous events the device has reported since it was opened.</summary>
    /// <remarks>Acquire read; safe from any thread.</remarks>
    public long AsyncEventCount => Volatile.Read(ref _asyncEventCount);

    /// <summary>The last asynchronous event, or null.</summary>
    public VerbsAsyncEvent? LastAsyncEvent => Volatile.Read(ref _lastAsyncEvent);

    private void StartAsyncEventReader()
    {
        bool added = false;
        _context.DangerousAddRef(ref added); // the thread uses the context until it stops
        _eventReader = new Thread(ReadAsyncEvents) { IsBackground = true, Name = $"verbs events {DeviceName}" };
        _eventReader.Start();
    }

    private void StopAsyncEventReader()
    {
        _stopEvents = true;
        _eventReader?.Join();
    }

    private void ReadAsyncEvents()
    {
        try
        {
            ibv_context* context = _context.Pointer;
            var fd = new LibC.PollFd { Fd = context->async_fd, Events = LibC.PollIn };
            while (!_stopEvents)
            {
                fd.Revents = 0;
                int ready = LibC.Poll(&fd, 1, 100);
                if (ready <= 0 || (fd.Revents & LibC.PollIn) == 0)
                {
                    continue; // timeout (check the stop flag) or EINTR
                }

                ibv_async_event e;
                if (ibverbs.ibv_get_async_event(context, &e) != 0)
                {
                    continue;
                }

                int code = (int)e.event_type;
                int port = e.event_type is ibv_event_type.IBV_EVENT_PORT_ACTIVE or ibv_event_type.IBV_EVENT_PORT_ERR
                    or ibv_event_type.IBV_EVENT_LID_CHANGE or ibv_event_type.IBV_EVENT_PKEY_CHANGE
                    or ibv_event_type.IBV_EVENT_SM_CHANGE or ibv_event_type.IBV_EVENT_CLIENT_REREGISTER
                    or ibv_event_type.IBV_EVENT_GID_CHANGE
                    ? e.element.port_num
                    : 0;
                uint qpn = code is >= 1 and <= 7 || e.event_type == ibv_event_type.IBV_EVENT_QP_LAST_WQE_REACHED
                    ? e.element.qp->qp_num
                    : 0;
                string name = Marshal.PtrToStringUTF8((nint)ibverbs.ibv_event_type_str(e.event_type)) ?? code.ToString(System.Globalization.CultureInfo.InvariantCulture);
                ibverbs.ibv_ack_async_event(&e);
                var reported = new VerbsAsyncEvent(code, name, port, qpn);
                Volatile.Write(ref _lastAsyncEvent, reported);
                Interlocked.Increment(ref _asyncEventCount);
                AsyncEventReceived?.Invoke(this, reported);
            }
        }
        finally
        {
            _context.DangerousRelease();
        }
    }
}
