using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using RdmaStack.Failover;
using RdmaStack.Providers.SharedMemory;
using RdmaStack.Queues;
using RdmaStack.Transport;

namespace RdmaStack.Fuzz;

/// <summary>
/// The slot reader over arbitrary ring bytes: a <see cref="FailoverReader"/> over 1 to 3 <see cref="SegmentedQueueReader"/>s
/// whose rings (each ending at a guard page) the input writes, as a broken, hostile or merely racing writer could: raw
/// bytes anywhere, slots sealed with a right CRC (at their place or not), trailers (heartbeat, tail, epoch), polls and
/// housekeeping as the clock moves. Whatever the bytes, the reader must deliver only the next sequence of the stream,
/// with its CRC right, from inside a ring, and must never throw or read out of bounds.
/// </summary>
internal static unsafe class SlotReaderTarget
{
    private enum Op
    {
        Poll,
        WriteBytes,
        SealSlot,
        WriteTrailer,
        Maintain,
        FlipBit,
    }

    /// <returns>What became of the input, for replays.</returns>
    public static string Run(ReadOnlySpan<byte> data)
    {
        var input = new FuzzInput(data);
        int links = 1 + (input.Byte() % 3);
        var geometry = new SegmentedQueueGeometry(2 + (input.Byte() % 3), 1 + (input.Byte() % 8), input.Byte() % 160);
        int retryLimit = 1 + (input.Byte() % 4);

        // Both integrity modes: a CRC over every slot (a channel whose writes can tear), or the store-order marker
        // (shared memory, the sequence stored last).
        bool checksum = (input.Byte() & 1) != 0;
        var clock = new FuzzClock();
        var rings = new MemoryRegion[links];
        var readers = new SegmentedQueueReader[links];
        for (int i = 0; i < links; i++)
        {
            rings[i] = GuardedMapping.Allocate(geometry.RingRegionLength, "fuzzed ring");
            var channel = new SharedMemoryChannel(
                MemoryRegion.AllocatePrivate(ControlBlockDescriptor.Length, "head source"),
                MemoryRegion.AllocatePrivate(ControlBlockDescriptor.Length, "writer's control block"));
            readers[i] = new SegmentedQueueReader(geometry, rings[i], channel, retryLimit, checksumSlots: checksum);
        }

        using var reader = new FailoverReader(readers, new FailoverOptions(), clock);
        var check = new DeliveryCheck(rings, geometry, checksum);
        for (int steps = 0; input.HasMore && steps < 4096; steps++)
        {
            switch ((Op)(input.Byte() % 6))
            {
                case Op.Poll:
                    int delivered = reader.Poll(ref check, 1 + (input.Byte() % 16));
                    if (reader.Position != check.Last || delivered < 0)
                    {
                        throw new InvariantViolationException($"the reader is at {reader.Position} after delivering up to {check.Last}");
                    }

                    break;
                case Op.WriteBytes:
                    MemoryRegion ring = rings[input.Byte() % links];
                    int offset = (int)(input.UInt16() % ring.Length);
                    input.Take(ring.GetSpan(offset, Math.Min(1 + (input.Byte() % 64), (int)(ring.Length - offset))));
                    break;
                case Op.SealSlot:
                    SealSlot(ref input, rings[input.Byte() % links], geometry, reader.Position, checksum);
                    break;
                case Op.WriteTrailer:
                    WriteTrailer(ref input, rings[input.Byte() % links], geometry);
                    break;
                case Op.Maintain:
                    clock.AdvanceMilliseconds(input.Byte() % 64);
                    reader.Maintain();
                    break;
                case Op.FlipBit:
                    MemoryRegion target = rings[input.Byte() % links];
                    int bit = input.UInt16() % (int)(target.Length * 8);
                    target.GetSpan(bit / 8, 1)[0] ^= (byte)(1 << (bit % 8));
                    break;
            }
        }

        return string.Create(CultureInfo.InvariantCulture, $"delivered {check.Last} over {links} link(s), {reader.Switches} switch(es), {reader.FaultsReported} fault(s) reported");
    }

    /// <summary>Inputs that deliver: slots sealed in order and polled; a failover to a newer epoch; a corrupt slot.</summary>
    public static IEnumerable<(string Name, byte[] Data)> Seeds()
    {
        // 2 links, 2 segments x 4 slots x 16 B, retry limit 1, CRC mode; seal slots 1..6 on link 0, poll, seal link 1's
        // trailer with epoch 5 (the failover's announcement), seal 7..8 there, poll again.
        var script = new List<byte> { 1, 0, 3, 16, 0, 1 };
        for (int s = 0; s < 6; s++)
        {
            script.AddRange([(byte)Op.SealSlot, 0, 0, 7, .. "payload"u8]);
            script.AddRange([(byte)Op.Poll, 3]);
        }

        script.AddRange([(byte)Op.WriteTrailer, 1, 0, 1, 6, 5, 0]);
        for (int s = 0; s < 2; s++)
        {
            script.AddRange([(byte)Op.SealSlot, 1, 0, 4, .. "next"u8, (byte)Op.Poll, 15]);
        }

        yield return ("failover", [.. script]);

        var corrupt = new List<byte> { 0, 1, 1, 64, 1, 1 };
        corrupt.AddRange([(byte)Op.SealSlot, 0, 0, 60, .. new byte[60]]);
        corrupt.AddRange([(byte)Op.FlipBit, 0, 200, 0, (byte)Op.Poll, 1, (byte)Op.Poll, 1, (byte)Op.Maintain, 10, (byte)Op.Poll, 1]);
        yield return ("corrupt", [.. corrupt]);

        var lap = new List<byte> { 0, 0, 0, 8, 3, 0 };
        for (int s = 0; s < 9; s++)
        {
            lap.AddRange([(byte)Op.SealSlot, 0, 0, 8, .. "lap-lap!"u8, (byte)Op.Poll, 1, (byte)Op.Maintain, 1]);
        }

        lap.AddRange([(byte)Op.SealSlot, 0, 200, 0, 0, 0, 0, 0, 0, 0, 0, 255, (byte)Op.Poll, 4]);
        yield return ("lap-and-bad-length", [.. lap]);

        // The failover seed again in the store-ordered mode (marker instead of CRC).
        script[5] = 0;
        yield return ("failover-store-ordered", [.. script]);
    }

    /// <summary>A trailer sealed as a writer seals it (selector even: heartbeat, tail, epoch and state from the input,
    /// small), or one of its words overwritten raw (odd: a torn or forged trailer, whose check must then fail).</summary>
    private static void WriteTrailer(ref FuzzInput input, MemoryRegion ring, SegmentedQueueGeometry geometry)
    {
        byte* trailer = ring.Pointer + geometry.TrailerOffset;
        byte selector = input.Byte();
        if ((selector & 1) == 0)
        {
            RingTrailerDescriptor.Seal(trailer, new WriterTrailer(input.Byte(), input.Byte() % 64, input.Byte() % 8, input.Byte() % 2));
        }
        else
        {
            ((long*)trailer)[(selector >> 1) % 5] = input.Int64();
        }
    }

    /// <summary>Writes a slot whose check word is right for the mode (a CRC, or the store-order marker), as a correct
    /// writer would: selector below 128 picks a sequence near the stream's next one and its place in the ring; otherwise
    /// the sequence, and the ring index, come from the input, and bit 1 writes the other mode's check word. The length
    /// byte may claim more than the slot holds.</summary>
    private static void SealSlot(ref FuzzInput input, MemoryRegion ring, SegmentedQueueGeometry geometry, long position, bool checksum)
    {
        byte selector = input.Byte();
        long sequence = selector < 128 ? position + 1 + (selector % 4) : input.Int64();
        int index = selector < 128 || (selector & 1) == 0
            ? (int)((ulong)Math.Max(sequence - 1, 0) % (ulong)geometry.Capacity)
            : input.Byte() % geometry.Capacity;
        int length = input.Byte();
        byte* slot = ring.Pointer + ((long)index * geometry.SlotStride);
        int room = geometry.SlotStride - SlotDescriptor.HeaderLength;
        var payload = new Span<byte>(slot + SlotDescriptor.HeaderLength, room);
        input.Take(payload[..Math.Min(length, room)]);
        *(long*)(slot + SlotDescriptor.SequenceOffset) = sequence;
        *(int*)(slot + SlotDescriptor.LengthOffset) = length;
        bool crc = checksum ^ (selector >= 128 && (selector & 2) != 0);
        *(uint*)(slot + SlotDescriptor.ChecksumOffset) = crc ? SlotDescriptor.ComputeChecksum(sequence, payload[..Math.Min(length, room)]) : SlotDescriptor.StoreOrderMarker;
    }

    /// <summary>Checks every delivery: the stream's next sequence, from inside a ring's slots, with the slot's header
    /// naming that sequence and length and its CRC right.</summary>
    private struct DeliveryCheck(MemoryRegion[] rings, SegmentedQueueGeometry geometry, bool checksum) : IMessageHandler
    {
        public long Last { get; private set; }

        public void OnMessage(ReadOnlySpan<byte> payload, long sequence)
        {
            if (sequence != Last + 1)
            {
                throw new InvariantViolationException($"delivered sequence {sequence} after {Last}");
            }

            if (payload.Length > geometry.SlotPayloadCapacity)
            {
                throw new InvariantViolationException($"delivered {payload.Length} B from slots of {geometry.SlotPayloadCapacity} B");
            }

            byte* p = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(payload));
            bool inside = false;
            foreach (MemoryRegion ring in rings)
            {
                long offset = p - ring.Pointer;
                inside |= offset >= SlotDescriptor.HeaderLength && offset + payload.Length <= geometry.RingLength
                    && (offset - SlotDescriptor.HeaderLength) % geometry.SlotStride == 0;
            }

            if (!inside)
            {
                throw new InvariantViolationException($"delivered a payload that is not a slot's ({payload.Length} B)");
            }

            byte* slot = p - SlotDescriptor.HeaderLength;
            if (*(long*)(slot + SlotDescriptor.SequenceOffset) != sequence || *(int*)(slot + SlotDescriptor.LengthOffset) != payload.Length
                || *(uint*)(slot + SlotDescriptor.ChecksumOffset) != (checksum ? SlotDescriptor.ComputeChecksum(sequence, payload) : SlotDescriptor.StoreOrderMarker))
            {
                throw new InvariantViolationException($"delivered sequence {sequence} whose slot header or check word is not right for the mode");
            }

            Last = sequence;
        }
    }
}
