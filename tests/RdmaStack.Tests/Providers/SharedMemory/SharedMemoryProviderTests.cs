using RdmaStack.Queues;
using RdmaStack.Transport;
using RdmaStack.Providers.SharedMemory;

namespace RdmaStack.Tests.Providers.SharedMemory;

public class SharedMemoryProviderTests
{
    private static readonly SegmentedQueueGeometry Geometry = new(2, 4, 32);

    private static string UniqueName() => $"test-{Environment.ProcessId}-{Guid.NewGuid():N}";

    [Fact]
    public void Writer_and_reader_meet_through_named_mappings()
    {
        string name = UniqueName();
        using SegmentedQueueReader reader = SharedMemoryProvider.CreateReader(name, Geometry);
        Assert.True(File.Exists(SharedMemoryProvider.RingPath(name)));
        using (SegmentedQueueWriter writer = SharedMemoryProvider.ConnectWriter(name, Geometry, TimeSpan.Zero))
        {
            Assert.True(File.Exists(SharedMemoryProvider.ControlPath(name)));
            var received = new List<long>();
            for (int i = 1; i <= 100; i++)
            {
                Assert.Equal(i, writer.Offer(new byte[32]));
                Assert.Equal(1, reader.Poll((_, s) => received.Add(s)));
            }

            Assert.Equal(Enumerable.Range(1, 100).Select(i => (long)i), received);
            Assert.Equal(100, writer.PublishedHead); // the head went through the writer's own mapping
        }

        Assert.False(File.Exists(SharedMemoryProvider.ControlPath(name)));
        reader.Dispose();
        Assert.False(File.Exists(SharedMemoryProvider.RingPath(name)));
    }

    [Fact]
    public void Attaching_to_a_missing_ring_fails_with_a_clear_message()
    {
        string name = UniqueName();
        var e = Assert.Throws<TransportException>(() => SharedMemoryProvider.ConnectWriter(name, Geometry, TimeSpan.FromMilliseconds(20)));
        Assert.Contains("No shared-memory ring", e.Message, StringComparison.Ordinal);
        Assert.Contains(SharedMemoryProvider.RingPath(name), e.Message, StringComparison.Ordinal);
        Assert.Contains("start the reader first", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(SharedMemoryProvider.ControlPath(name))); // nothing left behind
    }

    [Fact]
    public void Attaching_to_a_ring_of_another_geometry_fails_naming_both()
    {
        string name = UniqueName();
        using SegmentedQueueReader reader = SharedMemoryProvider.CreateReader(name, Geometry);
        var e = Assert.Throws<TransportException>(() => SharedMemoryProvider.ConnectWriter(name, new SegmentedQueueGeometry(2, 8, 32), TimeSpan.Zero));
        Assert.Contains("Geometry mismatch", e.Message, StringComparison.Ordinal);
        Assert.Contains("2 segments x 4 slots x 32 B", e.Message, StringComparison.Ordinal);
        Assert.Contains("2 x 8 x 32 B", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(SharedMemoryProvider.ControlPath(name)));
    }

    [Fact]
    public void Attaching_to_a_file_that_is_not_a_ring_fails()
    {
        string name = UniqueName();
        string path = SharedMemoryProvider.RingPath(name);
        File.WriteAllBytes(path, new byte[8192]);
        try
        {
            var e = Assert.Throws<TransportException>(() => SharedMemoryProvider.ConnectWriter(name, Geometry, TimeSpan.Zero));
            Assert.Contains("no RdmaStack header", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Writer_waits_for_a_reader_that_arrives_late()
    {
        string name = UniqueName();
        SegmentedQueueReader? reader = null;
        CancellationToken cancel = TestContext.Current.CancellationToken;
        var late = Task.Run(
            async () =>
            {
                await Task.Delay(100, cancel);
                reader = SharedMemoryProvider.CreateReader(name, Geometry);
            },
            cancel);
        using SegmentedQueueWriter writer = SharedMemoryProvider.ConnectWriter(name, Geometry, TimeSpan.FromSeconds(10));
        await late;
        using (reader)
        {
            Assert.Equal(1, writer.Offer(new byte[4]));
            Assert.Equal(1, reader!.Poll((_, _) => { }));
        }
    }

    [Fact]
    public void Reader_publishes_its_head_once_the_writer_has_arrived()
    {
        string name = UniqueName();
        using SegmentedQueueReader reader = SharedMemoryProvider.CreateReader(name, Geometry);
        Assert.False(reader.HeadChannel.IsConnected);
        using SegmentedQueueWriter writer = SharedMemoryProvider.ConnectWriter(name, Geometry, TimeSpan.Zero);
        for (int i = 0; i < 4; i++)
        {
            writer.Offer(new byte[1]);
        }

        Assert.Equal(4, reader.Poll((_, _) => { }));
        Assert.True(reader.HeadChannel.IsConnected);
        Assert.Equal(4, writer.PublishedHead);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a/b")]
    [InlineData("../x")]
    [InlineData("has space")]
    public void Rejects_names_that_are_not_plain(string name)
    {
        var e = Assert.Throws<ArgumentException>(() => SharedMemoryProvider.CreateReader(name, Geometry));
        Assert.Contains("must be 1 to 100 letters", e.Message, StringComparison.Ordinal);
    }
}
