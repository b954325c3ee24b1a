// A stream over two NIC pairs that survives a link-down: `FailoverPair [seconds]` streams for that long (default 30)
// from rxe0 (link 0) and rxe2 (link 1) to rxe1 and rxe3 (the Soft-RoCE lab's two pairs) and reports every failover,
// link failure (as each side saw it) and re-established link as it happens. Take a link down meanwhile (`ip link set
// vethA down`, later `up`): the library fails the stream over to the other pair, re-establishes the broken link once
// it is back and makes it the standby; the subscriber checks that nothing was lost, repeated or reordered. `--shm` runs
// it over shared memory.
using System.Buffers.Binary;
using RdmaStack;
using RdmaStack.Queues;

bool shm = args.Contains("--shm");
double seconds = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) is { } s ? double.Parse(s, System.Globalization.CultureInfo.InvariantCulture) : 30;

FabricOptions Options(string device0, string device1) => new()
{
    Provider = shm ? ProviderKind.SharedMemory : ProviderKind.Verbs,
    Links = shm ? [new LinkOptions(), new LinkOptions()] : [new LinkOptions { Device = device0 }, new LinkOptions { Device = device1 }],
    Geometry = new SegmentedQueueGeometry(4, 64, 64),
    // Bounds for an emulated NIC (the lab's Soft-RoCE under TCG), as the drill uses: the library's defaults (50 ms,
    // 20 ms) suit hardware, but under TCG the resend after a failover can take longer than 20 ms to land, and the
    // reader would report the new link's write lost.
    HeartbeatInterval = TimeSpan.FromMilliseconds(2),
    HeartbeatTimeout = TimeSpan.FromSeconds(1),
    LostWriteTimeout = TimeSpan.FromMilliseconds(200),
    ConnectTimeout = TimeSpan.FromSeconds(30),
};

using Fabric writing = Fabric.Connect(Options("rxe0", "rxe2"));
using Fabric reading = Fabric.Connect(Options("rxe1", "rxe3"));
Subscription sub = reading.AddSubscription("sample.failover");
Publication pub = writing.AddPublication("sample.failover");
pub.FailedOver += (_, e) => Console.WriteLine(e.From < 0 ? $"  link {e.To} carries the stream" : $"  failed over from link {e.From} to link {e.To} ({e.Cause}: {e.Reason}), resending {Math.Max(0, e.LastResent - e.FirstResent + 1)}");
pub.LinkConnected += (_, e) => Console.WriteLine($"  link {e.Link} connected (connection {e.Generation}): {e.Description}");
pub.LinkFailed += (_, e) => Console.WriteLine($"  publication: link {e.Link} failed ({e.Cause}: {e.Reason})");
sub.LinkFailed += (_, e) => Console.WriteLine($"  subscription: link {e.Link} failed ({e.Cause}: {e.Reason})");

long received = 0, wrong = 0;
bool stop = false;
var reader = new Thread(() =>
{
    MessageHandler check = (payload, sequence) =>
    {
        received++;
        wrong += sequence == received && BinaryPrimitives.ReadInt64LittleEndian(payload) == sequence ? 0 : 1;
    };
    while (!Volatile.Read(ref stop) || received < pub.Position)
    {
        if (sub.Poll(check, 256) == 0)
        {
            sub.DoWork();
            Thread.Yield();
        }
    }

    sub.Dispose();
});
reader.Start();

if (!pub.WaitForConnection(TimeSpan.FromSeconds(60)))
{
    Console.Error.WriteLine("no link connected within 60 s");
    return 1;
}

byte[] message = new byte[64];
long end = Environment.TickCount64 + (long)(seconds * 1000);
for (long i = 1; Environment.TickCount64 < end;)
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
    else
    {
        Thread.Yield();
    }
}

CloseResult closed = pub.Close(TimeSpan.FromSeconds(30));
Volatile.Write(ref stop, true);
reader.Join();
Console.WriteLine($"sent {pub.Position:N0}, received {received:N0}, {wrong} wrong, {pub.Failovers} failovers; {closed}");
return received == pub.Position && wrong == 0 && closed.Flushed ? 0 : 1;
