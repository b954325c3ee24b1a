using System.Runtime.InteropServices;

namespace RdmaStack.Cli.Demo;

/// <summary>The few libc calls of the two-process runner (Linux): a child asks to be signalled when its parent dies,
/// and a parent asks its children to stop.</summary>
internal static partial class PeerLibC
{
    /// <summary>prctl(2) option: the signal this process gets when the thread that created it exits.</summary>
    public const int PR_SET_PDEATHSIG = 1;

    /// <summary>SIGTERM's number on Linux.</summary>
    public const int SIGTERM = 15;

    [LibraryImport("libc", EntryPoint = "prctl", SetLastError = true)]
    public static partial int prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);

    [LibraryImport("libc", EntryPoint = "getppid")]
    public static partial int getppid();

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int kill(int pid, int signal);
}
