using System.Runtime.InteropServices;

namespace RdmaStack.Cli.Demo;

/// <summary>
/// A peer process's end of the two-process runner's lifecycle. <see cref="WatchParent"/> (every peer, at start) asks
/// Linux to send SIGTERM when the parent dies (PR_SET_PDEATHSIG), and ends at once if the parent is already gone, so no
/// peer outlives its run. <see cref="Install"/> (a peer whose loops check <see cref="Requested"/>) turns SIGINT, SIGTERM
/// and SIGHUP into a request to stop: the loops end, report, and the streams close, which removes the peer's files
/// from /dev/shm.
/// </summary>
internal static class PeerShutdown
{
    /// <summary>The variable <see cref="PeerProcess"/> sets in a peer's environment: the parent's process id.</summary>
    public const string ParentVariable = "RDMASTACK_PEER_PARENT";

    private static readonly List<PosixSignalRegistration> s_registrations = [];
    private static volatile string? s_signal;

    /// <summary>True once a stop was asked for (a hot loop's check: one volatile read).</summary>
    public static bool Requested => s_signal is not null;

    /// <summary>The signal that asked for the stop, or null.</summary>
    public static string? Signal => s_signal;

    /// <summary>If this process is a peer (<see cref="ParentVariable"/> set), has it signalled when the parent dies.</summary>
    /// <returns>False if the parent is already gone (the caller ends at once).</returns>
    public static bool WatchParent()
    {
        string? parent = Environment.GetEnvironmentVariable(ParentVariable);
        if (parent is null || !OperatingSystem.IsLinux())
        {
            return true;
        }

        if (PeerLibC.prctl(PeerLibC.PR_SET_PDEATHSIG, PeerLibC.SIGTERM, 0, 0, 0) != 0)
        {
            Console.Error.WriteLine($"rdmastack: prctl(PR_SET_PDEATHSIG) failed (errno {Marshal.GetLastPInvokeError()}): this peer will not notice its parent's death");
        }

        // The parent may have died before the request above: then the signal never comes, and the reparented peer ends now.
        return int.TryParse(parent, System.Globalization.CultureInfo.InvariantCulture, out int pid) && PeerLibC.getppid() == pid;
    }

    /// <summary>Turns SIGINT, SIGTERM and SIGHUP into <see cref="Requested"/> instead of an abrupt exit.</summary>
    public static void Install()
    {
        foreach (PosixSignal signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP })
        {
            s_registrations.Add(PosixSignalRegistration.Create(signal, context =>
            {
                context.Cancel = true;
                s_signal ??= context.Signal.ToString();
            }));
        }
    }
}
