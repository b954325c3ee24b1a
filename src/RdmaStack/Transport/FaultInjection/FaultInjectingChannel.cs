namespace RdmaStack.Transport.FaultInjection;

/// <summary>
/// A decorator on any provider's <see cref="IRemoteWriteChannel"/> that injects the faults a link can
/// suffer: the link dies (<see cref="LinkFaultSwitch.Kill"/>), dies after N more writes (in the middle of
/// a resend, say), a write lands corrupted, a write is lost, or writes are held back and land late.
/// </summary>
/// <remarks>
/// Corruption flips one payload byte of the landed copy by posting from a source with that byte flipped
/// and restoring it at once, which is exact for providers that read the source while posting (shared
/// memory, inline verbs writes). Held-back writes land in their original order when released, as on a
/// reliable connection. Arm faults from any thread; the data path only reads one volatile word.
/// </remarks>
internal sealed class FaultInjectingChannel : IRemoteWriteChannel
{
    private readonly IRemoteWriteChannel _inner;
    private readonly long _dataLimit;
    private readonly PendingWrite[] _held;
    private int _heldCount;
    private int _armed;
    private int _corruptNext;
    private int _dropNext;
    private int _holdCount;
    private long _failAfter = -1;
    private int _droppedSignaled;

    /// <summary>Wraps <paramref name="inner"/> on the link <paramref name="link"/>.</summary>
    /// <param name="inner">The real channel.</param>
    /// <param name="link">The switch shared with the other direction of the same link.</param>
    /// <param name="maxHeld">The most writes <see cref="HoldWrites"/> can keep back.</param>
    /// <param name="dataLimit">Writes to remote offsets below this are the ones <see cref="CorruptNextWrite"/>
    /// and <see cref="DropNextWrite"/> aim at (for a ring: its slots, not its heartbeat trailer); any write by default.</param>
    public FaultInjectingChannel(IRemoteWriteChannel inner, LinkFaultSwitch link, int maxHeld = 4096, long dataLimit = long.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(link);
        _inner = inner;
        _dataLimit = dataLimit;
        Link = link;
        _held = new PendingWrite[maxHeld];
    }

    /// <summary>The link this direction belongs to.</summary>
    public LinkFaultSwitch Link { get; }

    /// <summary>Writes that were lost on purpose.</summary>
    public long Dropped { get; private set; }

    /// <summary>Writes that landed corrupted on purpose.</summary>
    public long Corrupted { get; private set; }

    /// <inheritdoc/>
    public MemoryRegion Source => _inner.Source;

    /// <inheritdoc/>
    public long RemoteLength => _inner.RemoteLength;

    /// <inheritdoc/>
    public int SendQueueDepth => _inner.SendQueueDepth;

    /// <inheritdoc/>
    public bool IsConnected => _inner.IsConnected && !Link.IsKilled;

    /// <summary>Always true, whatever the inner channel promises: a corrupted or dropped write must be caught
    /// by the reader's CRC, so the queue over this channel keeps it.</summary>
    public bool WritesCanTear => true;

    /// <summary>The next data write (below the data limit) lands with its last byte flipped.</summary>
    public void CorruptNextWrite() => Arm(ref _corruptNext);

    /// <summary>The next data write (below the data limit) is lost: it reports success but never lands.</summary>
    public void DropNextWrite() => Arm(ref _dropNext);

    /// <summary>Holds back the next <paramref name="count"/> writes (and any behind them) until <see cref="ReleaseHeld"/>.</summary>
    /// <param name="count">Writes to hold.</param>
    public void HoldWrites(int count)
    {
        Volatile.Write(ref _holdCount, count);
        Volatile.Write(ref _armed, 1);
    }

    /// <summary>Kills the link after <paramref name="writes"/> more writes on this direction succeed.</summary>
    /// <param name="writes">Writes still allowed.</param>
    public void FailAfter(long writes)
    {
        Volatile.Write(ref _failAfter, writes);
        Volatile.Write(ref _armed, 1);
    }

    /// <summary>Lands every held write, in order.</summary>
    /// <returns>How many landed.</returns>
    public int ReleaseHeld()
    {
        int released = 0;
        for (int i = 0; i < _heldCount; i++)
        {
            PendingWrite w = _held[i];
            if (_inner.PostWrite(w.SourceOffset, w.RemoteOffset, w.Length, w.Signaled) == WriteStatus.Posted)
            {
                released++;
            }
        }

        _heldCount = 0;
        return released;
    }

    /// <inheritdoc/>
    public WriteStatus PostWrite(long sourceOffset, long remoteOffset, int length, bool signaled)
    {
        if (Link.IsKilled)
        {
            return WriteStatus.LinkFailed;
        }

        if (Volatile.Read(ref _armed) == 0 && _heldCount == 0)
        {
            return _inner.PostWrite(sourceOffset, remoteOffset, length, signaled);
        }

        return PostWithFaults(sourceOffset, remoteOffset, length, signaled);
    }

    /// <inheritdoc/>
    public int PollCompletions()
    {
        if (Link.IsKilled)
        {
            return -1;
        }

        int done = _inner.PollCompletions();
        if (done >= 0 && _droppedSignaled > 0)
        {
            done += _droppedSignaled;
            _droppedSignaled = 0;
        }

        return done;
    }

    /// <inheritdoc/>
    public void Dispose() => _inner.Dispose();

    private static bool Take(ref int flag) => Interlocked.Exchange(ref flag, 0) != 0;

    private void Arm(ref int flag)
    {
        Volatile.Write(ref flag, 1);
        Volatile.Write(ref _armed, 1);
    }

    private WriteStatus PostWithFaults(long sourceOffset, long remoteOffset, int length, bool signaled)
    {
        long failAfter = Volatile.Read(ref _failAfter);
        if (failAfter == 0)
        {
            Volatile.Write(ref _failAfter, -1);
            Link.Kill();
            return WriteStatus.LinkFailed;
        }

        if (failAfter > 0)
        {
            Volatile.Write(ref _failAfter, failAfter - 1);
        }

        bool isSlot = remoteOffset < _dataLimit;
        if (isSlot && Volatile.Read(ref _dropNext) != 0 && Take(ref _dropNext))
        {
            Dropped++;
            _droppedSignaled += signaled ? 1 : 0;
            return WriteStatus.Posted;
        }

        if (Volatile.Read(ref _holdCount) > 0 || _heldCount > 0)
        {
            if (_heldCount == _held.Length)
            {
                return WriteStatus.SendQueueFull;
            }

            _held[_heldCount++] = new PendingWrite(sourceOffset, remoteOffset, length, signaled);
            Interlocked.Decrement(ref _holdCount);
            if (Volatile.Read(ref _holdCount) <= 0)
            {
                Volatile.Write(ref _holdCount, 0);
            }

            return WriteStatus.Posted;
        }

        WriteStatus status;
        if (isSlot && Volatile.Read(ref _corruptNext) != 0 && Take(ref _corruptNext))
        {
            Span<byte> last = Source.GetSpan(sourceOffset + length - 1, 1);
            last[0] ^= 0x5A;
            status = _inner.PostWrite(sourceOffset, remoteOffset, length, signaled);
            last[0] ^= 0x5A;
            Corrupted++;
        }
        else
        {
            status = _inner.PostWrite(sourceOffset, remoteOffset, length, signaled);
        }

        RearmIfIdle();
        return status;
    }

    /// <summary>Leaves the slow path once nothing is armed; re-checks after clearing so that a fault armed
    /// concurrently by another thread is never lost.</summary>
    private void RearmIfIdle()
    {
        if (AnyArmed())
        {
            return;
        }

        Volatile.Write(ref _armed, 0);
        if (AnyArmed())
        {
            Volatile.Write(ref _armed, 1);
        }
    }

    private bool AnyArmed() =>
        Volatile.Read(ref _corruptNext) != 0 || Volatile.Read(ref _dropNext) != 0 ||
        Volatile.Read(ref _holdCount) != 0 || _heldCount != 0 || Volatile.Read(ref _failAfter) >= 0;

    private readonly record struct PendingWrite(long SourceOffset, long RemoteOffset, int Length, bool Signaled);
}
