using RdmaStack.Transport;

namespace RdmaStack.Queues;

/// <summary>
/// Selective signaling with a send queue that cannot overflow: every <see cref="Interval"/>-th write is
/// signaled, and a write is posted only while fewer than <see cref="Depth"/> are outstanding. A signaled
/// completion retires its whole batch. With Depth &gt;= Interval there is always a signaled write in
/// flight when the queue is full, so polling completions always frees room.
/// </summary>
internal struct SendQueueBudget
{
    private int _sinceSignal;
    private int _outstanding;

    public SendQueueBudget(int depth, int interval)
    {
        if (depth < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(depth), depth, "The send queue depth must be at least 1.");
        }

        if (interval < 1 || interval > depth)
        {
            throw new ArgumentOutOfRangeException(nameof(interval), interval, $"The signal interval must be 1 to the send queue depth ({depth}).");
        }

        Depth = depth;
        Interval = interval;
    }

    public readonly int Depth { get; }

    public readonly int Interval { get; }

    /// <summary>Writes posted and not yet retired by a completion.</summary>
    public readonly int Outstanding => _outstanding;

    public readonly bool IsFull => _outstanding >= Depth;

    /// <summary>Accounts one posted write; returns whether it must be signaled.</summary>
    public bool NextSignaled() => _sinceSignal + 1 == Interval;

    /// <summary>Records that a write was posted, signaled as <see cref="NextSignaled"/> said.</summary>
    public void Posted()
    {
        _outstanding++;
        if (++_sinceSignal == Interval)
        {
            _sinceSignal = 0;
        }
    }

    /// <summary>Retires the batches of <paramref name="signaledCompletions"/> completions.</summary>
    public void Completed(int signaledCompletions) => _outstanding -= signaledCompletions * Interval;

    /// <summary>Polls <paramref name="channel"/>'s completions into the budget.</summary>
    /// <returns>Signaled completions retired, or -1 if the channel failed.</returns>
    public int Retire(IRemoteWriteChannel channel)
    {
        int done = channel.PollCompletions();
        if (done > 0)
        {
            Completed(done);
        }

        return done;
    }

    /// <summary>Posts one write of the same offset on both sides within the budget (retiring completions
    /// first when it is full), signaled as the interval says.</summary>
    /// <returns>What became of the write; <see cref="WriteStatus.SendQueueFull"/> when no room could be made.</returns>
    public WriteStatus Post(IRemoteWriteChannel channel, long offset, int length)
    {
        if (IsFull)
        {
            Retire(channel);
            if (IsFull)
            {
                return channel.IsConnected ? WriteStatus.SendQueueFull : WriteStatus.NotConnected;
            }
        }

        WriteStatus status = channel.PostWrite(offset, offset, length, NextSignaled());
        if (status == WriteStatus.Posted)
        {
            Posted();
        }

        return status;
    }
}
