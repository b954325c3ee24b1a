using RdmaStack.Queues;
using RdmaStack.Threading;

namespace RdmaStack.Tests.Fabric;

/// <summary>
/// A process that locks its memory (mlockall, as a hot path should) still opens and closes shared-memory streams:
/// unmapping a locked shared mapping must not throw. Not parallel with other tests: mlockall is process-wide.
/// </summary>
[Collection(ProcessWideState.Name)]
public sealed class LockedMemoryTests
{
    [Fact]
    public void Streams_open_and_close_while_the_process_memory_is_locked()
    {
        MemoryLockResult locked = MemoryLock.LockAll();
        try
        {
            if (!locked.Locked)
            {
                Assert.Skip($"mlockall is refused here, so there is no locked memory to test with: {locked.Message}");
            }

            using var fabric = RdmaStack.Fabric.Connect(new FabricOptions
            {
                Links = [new LinkOptions(), new LinkOptions()],
                Geometry = new SegmentedQueueGeometry(4, 32, 32),
            });
            StreamPair s = StreamPair.Open(fabric);
            s.WaitAllLinksUp();
            s.Stream(2_000);
            s.AssertExactlyOnceInOrder();
            s.Subscription.Dispose();
            s.Publication.Dispose();
        }
        finally
        {
            MemoryLock.UnlockAll();
        }
    }
}
