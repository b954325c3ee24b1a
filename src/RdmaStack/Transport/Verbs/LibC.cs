using System.Runtime.InteropServices;

namespace RdmaStack.Transport.Verbs;

/// <summary>poll(2), hand-declared here (it is libc, not libibverbs, so the generated bindings do not carry it):
/// the async-event reader waits on the context's async_fd with a timeout so that it can be stopped.</summary>
internal static unsafe partial class LibC
{
    public const short POLLIN = 0x001;

    [LibraryImport("libc", SetLastError = true)]
    public static partial int poll(PollFd* fds, nuint nfds, int timeout);

    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }
}
