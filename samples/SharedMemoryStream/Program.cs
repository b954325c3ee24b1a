// A publication and a subscription over shared memory: run `subscriber` in one terminal and `publisher` in another
// (or no argument: both, on two threads of this process). The two find each other through an endpoint file in
// /dev/shm; every message carries its index, and the subscriber checks it.
using System.Buffers.Binary;
using RdmaStack;
using RdmaStack.Queues;

const string Stream = "sample.shm";
const long Count = 1_000_000;
string role = args.Length > 0 ? args[0] : "both";
var options = new FabricOptions { Geometry = new SegmentedQueueGeometry(segments: 4, slotsPerSegment: 256, slotPayloadCapacity: 64) };

using Fabric fabric = Fabric.Connect(options);
Thread? subscriber = role is "subscriber" or "both" ? Start(() => Subscribe(fabric)) : null;
Thread? publisher = role is "publisher" or "both" ? Start(() => Publish(fabric)) : null;
subscriber?.Join();
publisher?.Join();
return Environment.ExitCode;

static Thread Start(Action body)
{
    var thread = new Thread(() => body());
    thread.Start();
    return thread;
}

static void Publish(Fabric fabric)
{
    using Publication pub = fabric.AddPublication(Stream);
    if (!pub.WaitForConnection(TimeSpan.FromSeconds(30)))
    {
        Fail("publisher: no subscriber within 30 s");
        return;
    }

    Span<byte> message = stackalloc byte[64];
    for (long i = 1; i <= Count;)
    {
        BinaryPrimitives.WriteInt64LittleEndian(message, i);
        long result = pub.Offer(message); // the sequence number, or a negative QueueStatus
        if (result > 0)
        {
            i++;
        }
        else if (!QueueStatus.IsRetryable(result))
        {
            Fail($"publisher: {QueueStatus.Describe(result)}");
            return;
        }
    }

    CloseResult closed = pub.Close(TimeSpan.FromSeconds(10)); // flushes: waits until the subscriber has it all
    Console.WriteLine($"publisher: {closed}");
}

static void Subscribe(Fabric fabric)
{
    using Subscription sub = fabric.AddSubscription(Stream);
    var check = new Check();
    long deadline = Environment.TickCount64 + 60_000;
    while (check.Received < Count && Environment.TickCount64 < deadline)
    {
        if (sub.Poll(ref check, 4096) == 0)
        {
            sub.DoWork(); // heartbeats, the idle head; a thread that does not poll must still call DoWork
        }
    }

    Console.WriteLine($"subscriber: {check.Received:N0} received, {check.Wrong} wrong");
    if (check.Received != Count || check.Wrong != 0)
    {
        Fail("subscriber: the stream is not complete and in order");
    }
}

static void Fail(string message)
{
    Console.Error.WriteLine(message);
    Environment.ExitCode = 1;
}

internal struct Check : IMessageHandler
{
    public long Received;
    public long Wrong;

    public void OnMessage(ReadOnlySpan<byte> payload, long sequence)
    {
        Received++;
        if (sequence != Received || BinaryPrimitives.ReadInt64LittleEndian(payload) != sequence)
        {
            Wrong++;
        }
    }
}
