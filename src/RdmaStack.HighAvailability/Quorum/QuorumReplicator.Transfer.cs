using System.Globalization;
using RdmaStack.HighAvailability.Engine;
using RdmaStack.HighAvailability.Replication;

namespace RdmaStack.HighAvailability.Quorum;

/// <summary>State transfer: a joining processor gets a donor's snapshot, checked against the majority's digest.</summary>
public sealed partial class QuorumReplicator
{
    private static readonly TimeSpan TransferRetryDelay = TimeSpan.FromMilliseconds(20);

    private StateTransfer? _transfer;
    private long _nextTransferAt;

    private int AdvanceTransfer()
    {
        if (_transfer is null)
        {
            return StartTransfer() ? 1 : 0;
        }

        return CheckTransfer();
    }

    /// <summary>
    /// Starts a transfer to the first joining processor heard from lately: the checkpoint is the last sequence S; every active
    /// processor is asked for its state digest after S, and the one with the fewest dissents also for its snapshot.
    /// </summary>
    private bool StartTransfer()
    {
        if (!_started || _now < _nextTransferAt)
        {
            return false;
        }

        ProcessorSlot? joiner = null;
        ProcessorSlot? donor = null;
        int reporters = 0;
        foreach (ProcessorSlot slot in _slots)
        {
            if (slot.State == QuorumProcessorState.Joining && joiner is null && _now - slot.LastHeard <= _heartbeatTimeoutTicks / 2)
            {
                // Heard from lately: a processor ejected for lagging may in fact be dead, and its heartbeat timeout
                // will tell; a transfer to it would only cost the donor a snapshot.
                joiner = slot;
            }
            else if (slot.State == QuorumProcessorState.Active)
            {
                reporters |= 1 << slot.Index;
                if (donor is null || slot.Dissents < donor.Dissents)
                {
                    donor = slot;
                }
            }
        }

        if (joiner is null || donor is null)
        {
            return false;
        }

        long checkpoint = _lastSequence;
        _transfer = new StateTransfer(joiner, donor, checkpoint, reporters, _slots.Length);
        foreach (ProcessorSlot slot in _slots)
        {
            if ((reporters & (1 << slot.Index)) != 0)
            {
                slot.MarkerAt = checkpoint;
                slot.MarkerDonor = slot == donor;
            }
        }

        joiner.State = QuorumProcessorState.Transferring;
        joiner.Control.Clear();
        joiner.Relaying = false;
        joiner.NextSend = checkpoint + 1;
        return true;
    }

    private void OnStateDigest(ProcessorSlot slot, long sequence, ulong digest)
    {
        if (_transfer is { } transfer && sequence == transfer.Sequence && (transfer.Reporters & (1 << slot.Index)) != 0)
        {
            transfer.Report(slot.Index, digest);
        }
    }

    private void OnSnapshotBegin(ProcessorSlot slot, long sequence, int length, ulong engineDigest)
    {
        if (_transfer is not { } transfer || transfer.Donor != slot || sequence != transfer.Sequence)
        {
            return; // what a donor of an abandoned transfer still sends
        }

        if ((uint)length > (uint)_options.MaxSnapshotLength)
        {
            Violation(slot, string.Create(CultureInfo.InvariantCulture, $"a snapshot of {length} bytes (at most {_options.MaxSnapshotLength})"));
            return;
        }

        transfer.Snapshot = new byte[length];
        transfer.Received = 0;
        transfer.EngineDigest = engineDigest;
        transfer.SnapshotComplete = false;
    }

    private void OnSnapshotChunk(ProcessorSlot slot, int offset, ReadOnlySpan<byte> bytes)
    {
        if (_transfer is not { Snapshot: { } snapshot } transfer || transfer.Donor != slot)
        {
            return;
        }

        if (offset != transfer.Received || bytes.Length > snapshot.Length - offset)
        {
            Violation(slot, string.Create(CultureInfo.InvariantCulture, $"a snapshot chunk at offset {offset} of {bytes.Length} bytes ({transfer.Received} of {snapshot.Length} received)"));
            return;
        }

        bytes.CopyTo(snapshot.AsSpan(offset));
        transfer.Received += bytes.Length;
    }

    private void OnSnapshotEnd(ProcessorSlot slot, ulong bytesDigest)
    {
        if (_transfer is not { Snapshot: { } snapshot } transfer || transfer.Donor != slot)
        {
            return;
        }

        if (transfer.Received != snapshot.Length || DigestBuilder.Of(snapshot) != bytesDigest)
        {
            AbortTransfer("the donor's snapshot arrived incomplete or damaged");
            return;
        }

        transfer.BytesDigest = bytesDigest;
        transfer.SnapshotComplete = true;
    }

    /// <summary>
    /// Once the snapshot is in and every reporter gave its digest: if the donor's digest is the majority's, the
    /// snapshot goes to the joiner (a reporter with another digest is ejected); otherwise the donor is ejected.
    /// </summary>
    private int CheckTransfer()
    {
        StateTransfer transfer = _transfer!;
        if (transfer.Relayed || !transfer.SnapshotComplete)
        {
            return 0;
        }

        int total = 0;
        int matching = 0;
        foreach (ProcessorSlot slot in _slots)
        {
            if ((transfer.Reporters & (1 << slot.Index)) == 0)
            {
                continue;
            }

            if (!transfer.HasReported(slot.Index))
            {
                return 0;
            }

            total++;
            matching += transfer.DigestOf(slot.Index) == transfer.EngineDigest ? 1 : 0;
        }

        if (matching * 2 <= total)
        {
            Eject(transfer.Donor, EjectionReason.StateDigest, string.Create(CultureInfo.InvariantCulture,
                $"its state digest after sequence {transfer.Sequence} was shared by {matching} of the {total} active processors"));
            return 1;
        }

        foreach (ProcessorSlot slot in _slots)
        {
            if ((transfer.Reporters & (1 << slot.Index)) != 0 && transfer.DigestOf(slot.Index) != transfer.EngineDigest && slot.State == QuorumProcessorState.Active)
            {
                Eject(slot, EjectionReason.StateDigest, string.Create(CultureInfo.InvariantCulture,
                    $"its state digest after sequence {transfer.Sequence} differs from the majority's"));
            }
        }

        if (_transfer == transfer)
        {
            transfer.Relayed = true;
            transfer.Joiner.Relaying = true;
            transfer.Joiner.RelayOffset = -1;
        }

        return 1;
    }

    /// <summary>Sends the confirmed snapshot to the joiner, as far as its stream takes it.</summary>
    private int Relay(ProcessorSlot slot)
    {
        if (_transfer is not { Snapshot: { } snapshot } transfer || transfer.Joiner != slot)
        {
            slot.Relaying = false;
            return 0;
        }

        int sent = 0;
        if (slot.RelayOffset < 0)
        {
            var begin = new WireWriter(_sendBuffer);
            begin.Byte((byte)QuorumMessageType.SnapshotBegin);
            begin.Int64(transfer.Sequence);
            begin.Int32(snapshot.Length);
            begin.UInt64(transfer.EngineDigest);
            if (!Offer(slot, begin.Written))
            {
                return 0;
            }

            slot.RelayOffset = 0;
            sent++;
        }

        int chunk = _options.MaxMessageLength - 1 - 4;
        while (slot.RelayOffset < snapshot.Length)
        {
            int length = Math.Min(chunk, snapshot.Length - slot.RelayOffset);
            var writer = new WireWriter(_sendBuffer);
            writer.Byte((byte)QuorumMessageType.SnapshotChunk);
            writer.Int32(slot.RelayOffset);
            writer.Bytes(snapshot.AsSpan(slot.RelayOffset, length));
            if (!Offer(slot, writer.Written))
            {
                return sent;
            }

            slot.RelayOffset += length;
            sent++;
        }

        var end = new WireWriter(_sendBuffer);
        end.Byte((byte)QuorumMessageType.SnapshotEnd);
        end.UInt64(transfer.BytesDigest);
        if (Offer(slot, end.Written))
        {
            slot.Relaying = false;
            sent++;
        }

        return sent;
    }

    /// <summary>The joiner installed the snapshot: it votes from S+1 if its digest is the donor's.</summary>
    private void OnRestored(ProcessorSlot slot, long sequence, ulong digest)
    {
        if (_transfer is not { Relayed: true } transfer || transfer.Joiner != slot || sequence != transfer.Sequence || slot.Relaying)
        {
            return;
        }

        if (digest == transfer.EngineDigest)
        {
            // The inputs after S went to the joiner while it was not yet a voter, and those a quorum answered meanwhile
            // may have left the window: it votes from the oldest one still held.
            _transfer = null;
            Admit(slot, Math.Max(transfer.Sequence + 1, _oldest), initial: false);
            return;
        }

        AbortTransfer(string.Create(CultureInfo.InvariantCulture,
            $"the joiner's state digest after restoring, {digest:x16}, differs from the donor's, {transfer.EngineDigest:x16}"));

        // A joiner that restores wrongly will likely do so again: do not make a donor snapshot every few milliseconds.
        _nextTransferAt = _now + _heartbeatTimeoutTicks;
    }

    /// <summary>Gives the transfer up (the joiner waits for the next one) and forgets the markers not sent yet.</summary>
    private void AbortTransfer(string why)
    {
        if (_transfer is not { } transfer)
        {
            return;
        }

        _transfer = null;
        foreach (ProcessorSlot slot in _slots)
        {
            slot.MarkerAt = ProcessorSlot.NoMarker;
        }

        ProcessorSlot joiner = transfer.Joiner;
        if (joiner.State == QuorumProcessorState.Transferring)
        {
            joiner.State = QuorumProcessorState.Joining;
        }

        joiner.Relaying = false;
        Increment(ref _transfersFailed);
        _nextTransferAt = _now + Ticks(TransferRetryDelay);
        Observe(new QuorumProcessorEvent(joiner.Index, joiner.Incarnation, QuorumProcessorEventKind.TransferFailed, transfer.Sequence, null,
            string.Create(CultureInfo.InvariantCulture, $"the state transfer to processor {joiner.Index} after sequence {transfer.Sequence} failed: {why}")));
    }
}
