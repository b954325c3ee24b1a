// A publication and a subscription over RDMA verbs between two devices of this host (in the Soft-RoCE lab: rxe0 and
// rxe1, over a veth pair): `VerbsPair [writer-device] [reader-device] [count]`. Two fabrics in one process, one per
// device, find each other through an endpoint file; on two hosts, give each link a Listen endpoint on one side and a
// Peer on the other, and a Secret from a file or the environment (see the README).
using System.Buffers.Binary;
using System.Diagnostics;
using RdmaStack;
using RdmaStack.Queues;

string writerDevice = args.Length > 0 ? args[0] : "rxe0";
string readerDevice = args.Length > 1 ? args[1] : "rxe1";
long count = args.Length > 2 ? long.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 20_000;

FabricOptions Options(string device) => new()
{
    Provider = ProviderKind.Verbs,
    Links = [new LinkOptions { Device = device }],
    Geometry = new SegmentedQueueGeometry(4, 64, 64),
    HeartbeatTimeout = TimeSpan.FromSeconds(1), // generous: an emulated NIC (rxe under TCG) has millisecond hiccups
};

using Fabric writing = Fabric.Connect(Options(writerDevice));
using Fabric reading = Fabric.Connect(Options(readerDevice));
Subscription sub = reading.AddSubscription("sample.verbs");
Publication pub = writing.AddPublication("sample.verbs");

long received = 0, wrong = 0;
var reader = new Thread(() =>
{
    MessageHandler check = (payload, sequence) =>
    {
        received++;
        wrong += sequence == received && BinaryPrimitives.ReadInt64LittleEndian(payload) == sequence ? 0 : 1;
    };
    long deadline = Environment.TickCount64 + 120_000;
    while (received < count && Environment.TickCount64 < deadline)
    {
        if (sub.Poll(check, 256) == 0)
        {
            sub.DoWork();
        }
    }

    sub.Dispose();
});
reader.Start();

if (!pub.WaitForConnection(TimeSpan.FromSeconds(60)))
{
    Console.Error.WriteLine($"no connection {writerDevice} -> {readerDevice} within 60 s");
    return 1;
}

var clock = Stopwatch.StartNew();
byte[] message = new byte[64];
for (long i = 1; i <= count;)
{
    BinaryPrimitives.WriteInt64LittleEndian(message, i);
    long result = pub.Offer(message);
    if (result > 0)
    {
        i++;
    }
    else if (!QueueStatus.IsRetryable(result))
    {
        Console.Error.WriteLine($"offer {i}: {QueueStatus.Describe(result)}");
        return 1;
    }
}

CloseResult closed = pub.Close(TimeSpan.FromSeconds(30));
reader.Join();
Console.WriteLine($"{writerDevice} -> {readerDevice}: {received:N0} of {count:N0} received in {clock.Elapsed.TotalSeconds:0.00} s, {wrong} wrong; {closed}");
return received == count && wrong == 0 && closed.Flushed ? 0 : 1;
