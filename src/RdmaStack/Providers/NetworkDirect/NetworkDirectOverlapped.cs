using System.Runtime.InteropServices;
using RdmaStack.Interop.NetworkDirect;

namespace RdmaStack.Providers.NetworkDirect;

/// <summary>
/// One OVERLAPPED in native memory for the overlapped requests of NetworkDirect set-up (register, connect, accept,
/// disconnect) and for the connection's disconnect notification, with the two completion paths the SPI has: a call
/// that returns ND_SUCCESS (or a failure) is done and the OVERLAPPED is not used; a call that returns ND_PENDING
/// finishes later, and IND2Overlapped::GetOverlappedResult gives its final status.
/// </summary>
/// <remarks>
/// <para>Waiting polls GetOverlappedResult without blocking (wait = FALSE, so no event is needed in the OVERLAPPED),
/// spinning briefly and then sleeping a millisecond between polls, up to a deadline; a request still pending then is
/// canceled with CancelOverlappedRequests.</para>
/// <para>The memory must outlive the request: a request the provider never completes, even after the cancel, leaves
/// the OVERLAPPED allocated for the life of the process rather than freed under the provider's feet.</para>
/// <para>Set-up path; one request at a time per instance; not thread-safe.</para>
/// </remarks>
internal sealed unsafe class NetworkDirectOverlapped : IDisposable
{
    /// <summary>How long teardown waits for a pending Deregister or Disconnect.</summary>
    public static TimeSpan TeardownTimeout { get; } = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan s_cancelGrace = TimeSpan.FromSeconds(1);
    private OVERLAPPED* _overlapped = (OVERLAPPED*)NativeMemory.AllocZeroed((nuint)sizeof(OVERLAPPED));
    private bool _abandoned;

    /// <summary>The OVERLAPPED to pass to the next request.</summary>
    public OVERLAPPED* Pointer => _overlapped;

    /// <summary>True while the request runs: the low 32 bits of Internal are STATUS_PENDING (Win32's
    /// HasOverlappedIoCompleted, negated). One acquire read; no call into the provider.</summary>
    public bool IsPending => (uint)Volatile.Read(ref _overlapped->Internal) == ndstatus.ND_PENDING;

    /// <summary>True if the last wait ran out of time.</summary>
    public bool TimedOut { get; private set; }

    /// <summary>Clears the OVERLAPPED for the next request and marks it pending (STATUS_PENDING in Internal, as the
    /// system does for a request it queues), so that <see cref="IsPending"/> reads true until the provider completes it.</summary>
    /// <returns>Its pointer.</returns>
    public OVERLAPPED* Reset()
    {
        ObjectDisposedException.ThrowIf(_overlapped == null, this);
        *_overlapped = default;
        _overlapped->Internal = ndstatus.ND_PENDING;
        TimedOut = false;
        return _overlapped;
    }

    /// <summary>The final status of a request that returned <paramref name="status"/> on <paramref name="owner"/>:
    /// <paramref name="status"/> itself unless it is ND_PENDING, else what GetOverlappedResult says once the request
    /// completed, or ND_CANCELED / ND_PENDING when <paramref name="timeout"/> ran out (with <see cref="TimedOut"/> set)
    /// or <paramref name="cancellation"/> was signalled; the request is canceled then, and waited for.</summary>
    public int Complete(IND2Overlapped* owner, int status, TimeSpan timeout, CancellationToken cancellation = default)
    {
        if (status != ndstatus.ND_PENDING)
        {
            return status;
        }

        long deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        status = Poll(owner, deadline, cancellation);
        if (status != ndstatus.ND_PENDING)
        {
            return status;
        }

        TimedOut = !cancellation.IsCancellationRequested;
        owner->CancelOverlappedRequests();
        status = Poll(owner, Environment.TickCount64 + (long)s_cancelGrace.TotalMilliseconds, CancellationToken.None);
        if (status == ndstatus.ND_PENDING)
        {
            _abandoned = true;
        }

        return status;
    }

    /// <summary>Cancels the request if it still runs and waits (briefly) until the provider let go of the
    /// OVERLAPPED; one it never releases is left allocated (see the remarks).</summary>
    public void Cancel(IND2Overlapped* owner)
    {
        if (_overlapped == null || !IsPending)
        {
            return;
        }

        owner->CancelOverlappedRequests();
        if (Poll(owner, Environment.TickCount64 + (long)s_cancelGrace.TotalMilliseconds, CancellationToken.None) == ndstatus.ND_PENDING)
        {
            _abandoned = true;
        }
    }

    /// <summary>The status of a request known to have completed (<see cref="IsPending"/> false).</summary>
    public int Result(IND2Overlapped* owner) => owner->GetOverlappedResult(_overlapped, 0);

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_overlapped != null && !_abandoned)
        {
            NativeMemory.Free(_overlapped);
        }

        _overlapped = null;
    }

    private int Poll(IND2Overlapped* owner, long deadline, CancellationToken cancellation)
    {
        var spin = default(SpinWait);
        while (true)
        {
            int status = owner->GetOverlappedResult(_overlapped, 0);
            if (status != ndstatus.ND_PENDING || Environment.TickCount64 >= deadline || cancellation.IsCancellationRequested)
            {
                return status;
            }

            if (spin.NextSpinWillYield)
            {
                Thread.Sleep(1);
            }
            else
            {
                spin.SpinOnce();
            }
        }
    }
}
