using System.Runtime.InteropServices;

namespace RdmaStack.Native;

/// <summary>The libc calls the library makes (Linux, glibc): affinity, memory locking and mapping, poll. One class for all.</summary>
/// <remarks>Every import sets the last error, read with <see cref="Marshal.GetLastPInvokeError"/>.</remarks>
internal static unsafe partial class LibC
{
    public const int MclCurrent = 1;
    public const int MclFuture = 2;
    public const int ProtRead = 1;
    public const int ProtWrite = 2;
    public const int MapPrivate = 0x02;
    public const int MapAnonymous = 0x20;
    public const int MapHugeTlb = 0x40000;
    public const int MadvHugePage = 14;
    public const short PollIn = 0x001;

    private const string Library = "libc.so.6";

    /// <summary>sched_setaffinity(2); pid 0 is the calling thread.</summary>
    [LibraryImport(Library, EntryPoint = "sched_setaffinity", SetLastError = true)]
    public static partial int SchedSetAffinity(int pid, nuint cpuSetSize, ulong* mask);

    /// <summary>sched_getaffinity(2); returns the bytes of the mask the kernel filled.</summary>
    [LibraryImport(Library, EntryPoint = "sched_getaffinity", SetLastError = true)]
    public static partial int SchedGetAffinity(int pid, nuint cpuSetSize, ulong* mask);

    /// <summary>mlockall(2).</summary>
    [LibraryImport(Library, EntryPoint = "mlockall", SetLastError = true)]
    public static partial int MLockAll(int flags);

    /// <summary>munlockall(2).</summary>
    [LibraryImport(Library, EntryPoint = "munlockall", SetLastError = true)]
    public static partial int MUnlockAll();

    /// <summary>mmap(2).</summary>
    [LibraryImport(Library, EntryPoint = "mmap", SetLastError = true)]
    public static partial void* MMap(void* address, nuint length, int protection, int flags, int fd, long offset);

    /// <summary>munmap(2).</summary>
    [LibraryImport(Library, EntryPoint = "munmap", SetLastError = true)]
    public static partial int MUnmap(void* address, nuint length);

    /// <summary>madvise(2).</summary>
    [LibraryImport(Library, EntryPoint = "madvise", SetLastError = true)]
    public static partial int MAdvise(void* address, nuint length, int advice);

    /// <summary>The errno of the last call, with its text: "EPERM (1): Operation not permitted".</summary>
    public static string LastErrorText()
    {
        int errno = Marshal.GetLastPInvokeError();
        return $"errno {errno}: {Marshal.GetPInvokeErrorMessage(errno)}";
    }

    /// <summary>poll(2) on <paramref name="count"/> descriptors, waiting at most <paramref name="timeoutMilliseconds"/>.</summary>
    [LibraryImport(Library, EntryPoint = "poll", SetLastError = true)]
    public static partial int Poll(PollFd* fds, nuint count, int timeoutMilliseconds);

    /// <summary>struct pollfd.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        /// <summary>The descriptor.</summary>
        public int Fd;

        /// <summary>Events asked for.</summary>
        public short Events;

        /// <summary>Events returned.</summary>
        public short Revents;
    }
}
