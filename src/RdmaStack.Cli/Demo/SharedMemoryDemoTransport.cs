using RdmaStack.Queues;
using RdmaStack.Providers.SharedMemory;

namespace RdmaStack.Cli.Demo;

/// <summary>The demo over the shared-memory provider: queue NAME.ab carries sender to receiver, NAME.ba back.</summary>
internal sealed class SharedMemoryDemoTransport : IDemoTransport
{
    public string Description => "shared-memory provider";

    public (SegmentedQueueWriter Outbound, SegmentedQueueReader Inbound) Open(string role, string name, SegmentedQueueGeometry geometry, TimeSpan timeout)
    {
        // Each side creates its own ring first (never blocks), then attaches to the peer's (waits up to timeout).
        (string inbound, string outbound) = role == "sender" ? (".ba", ".ab") : (".ab", ".ba");
        SegmentedQueueReader reader = SharedMemoryProvider.CreateReader(name + inbound, geometry);
        try
        {
            return (SharedMemoryProvider.ConnectWriter(name + outbound, geometry, timeout), reader);
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    /// <summary>Nothing to release: the writer and the reader own their mappings.</summary>
    public void Dispose()
    {
    }
}
