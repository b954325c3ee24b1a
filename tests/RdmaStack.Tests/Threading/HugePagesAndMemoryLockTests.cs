using RdmaStack.Threading;

namespace RdmaStack.Tests.Threading;

/// <summary>Huge-page detection from sample text, huge-page allocation with its explanation, and mlockall.</summary>
[Collection(ProcessWideState.Name)]
public class HugePagesAndMemoryLockTests
{
    private const string MemInfoNoneReserved = """
        MemTotal:        4030128 kB
        AnonHugePages:         0 kB
        HugePages_Total:       0
        HugePages_Free:        0
        HugePages_Rsvd:        0
        Hugepagesize:       2048 kB
        """;

    private const string MemInfoReserved = """
        HugePages_Total:      64
        HugePages_Free:       60
        Hugepagesize:       2048 kB
        """;

    [Fact]
    public void Parses_an_empty_pool_and_the_thp_mode()
    {
        var info = HugePageInfo.Parse(MemInfoNoneReserved, "always [madvise] never\n");

        Assert.Equal(new HugePageInfo(0, 0, 2 << 20, "madvise"), info);
        Assert.False(info.CanReserve(4096));
        Assert.Equal("huge pages: none reserved (HugePages_Total 0, 2048 kB each); transparent huge pages: madvise", info.Describe());
    }

    [Fact]
    public void Parses_a_reserved_pool()
    {
        var info = HugePageInfo.Parse(MemInfoReserved, "[always] madvise never");

        Assert.Equal(new HugePageInfo(64, 60, 2 << 20, "always"), info);
        Assert.True(info.CanReserve(60L * (2 << 20)));
        Assert.False(info.CanReserve((60L * (2 << 20)) + 1));
    }

    [Fact]
    public void Reports_when_shared_memory_rings_cannot_have_huge_pages()
    {
        var info = HugePageInfo.Parse(MemInfoNoneReserved, "always [madvise] never") with
        {
            SharedMemoryMode = HugePageInfo.SelectedMode("always within_size advise [never] deny force\n"),
        };

        Assert.Equal("never", info.SharedMemoryMode);
        Assert.EndsWith("; for /dev/shm rings: never (shared-memory rings stay on 4 KiB pages)", info.Describe(), StringComparison.Ordinal);
        Assert.Null(HugePageInfo.SelectedMode("no brackets"));
    }

    [Fact]
    public void Missing_files_mean_no_huge_pages()
    {
        var info = HugePageInfo.Parse(null, null);

        Assert.Equal(new HugePageInfo(0, 0, 0, null), info);
        Assert.False(info.CanReserve(1));
    }

    [Fact]
    public void Allocates_usable_zeroed_memory_and_says_how_it_is_backed()
    {
        HugePageAllocation allocation = HugePageMemory.Allocate(3 << 20, "test ring");
        using var region = allocation.Region;

        Span<byte> bytes = region.GetSpan(0, 3 << 20);
        Assert.True(bytes.IndexOfAnyExcept((byte)0) < 0);
        bytes.Fill(0x5A);
        Assert.Equal(0x5A, region.GetSpan((3 << 20) - 1, 1)[0]);
        Assert.StartsWith("test ring: ", allocation.Message, StringComparison.Ordinal);
        HugePageInfo info = HugePageInfo.Detect();
        if (info.CanReserve(4 << 20))
        {
            Assert.Equal(HugePageBacking.Reserved, allocation.Backing);
        }
        else if (info.TransparentMode is "always" or "madvise")
        {
            Assert.Equal(HugePageBacking.Transparent, allocation.Backing);
        }
        else
        {
            Assert.Equal(HugePageBacking.None, allocation.Backing);
            Assert.Contains("ordinary 4 KiB pages", allocation.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Mlockall_either_locks_or_names_the_limit_to_raise()
    {
        MemoryLockResult result = MemoryLock.LockAll();
        try
        {
            if (result.Locked)
            {
                Assert.Contains("memory locked", result.Message, StringComparison.Ordinal);
            }
            else
            {
                Assert.Contains("mlockall(MCL_CURRENT|MCL_FUTURE) failed (errno", result.Message, StringComparison.Ordinal);
                Assert.Contains("locked-memory limit", result.Message, StringComparison.Ordinal);
            }
        }
        finally
        {
            MemoryLock.UnlockAll();
        }
    }
}
