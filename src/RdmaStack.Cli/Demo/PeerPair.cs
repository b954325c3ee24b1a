using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace RdmaStack.Cli.Demo;

/// <summary>
/// Runs the two processes of a two-process test (the demo, the perf harness): `rdmastack COMMAND --role
/// receiver|sender --name NAME ARGS`, receiver first. Each peer prints lines while it runs and one
/// <see cref="ResultPrefix"/> line (JSON) at the end; the rest is relayed to the caller.
/// </summary>
/// <remarks>
/// <para>Lifecycle: SIGINT, SIGTERM or SIGHUP to this process stops both peers (SIGTERM, then SIGKILL after
/// <see cref="StopGrace"/>) and the run reports the signal; a peer that dies before it reports (killed, crashed) gets
/// its partner stopped at once, and the run names the dead peer and how it died, instead of waiting for the partner's
/// stall timeout; each peer ends by itself if this process dies (<see cref="PeerShutdown.WatchParent"/>). Once both are
/// gone, the shared-memory files left by a peer that could not close (killed) are removed: their owner is dead, and the
/// library's start removes such files (<see cref="Fabric.Connect"/>), so the run does that start itself.</para>
/// <para>The peers are started from the calling thread, which must live until the run ends (PR_SET_PDEATHSIG follows
/// the thread that started a process): this method blocks until then.</para>
/// </remarks>
internal static class PeerPair
{
    /// <summary>Starts the line a peer prints its result on.</summary>
    public const string ResultPrefix = "RESULT ";

    /// <summary>How long a peer asked to stop (SIGTERM) has to report and close before it is killed.</summary>
    public static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(5);

    /// <summary>Runs both peers to the end (or until <paramref name="limit"/>, a signal, or the death of one).</summary>
    /// <param name="command">The hidden peer command ("demo-peer", "perf-peer").</param>
    /// <param name="name">The run's unique name; the peers' mappings are /dev/shm/rdmastack.NAME.*.</param>
    /// <param name="arguments">The options both peers get after --role and --name.</param>
    /// <param name="limit">Guards against a hung process (each peer has its own stall timeout).</param>
    /// <param name="onLine">Gets every other stdout line, with the role.</param>
    /// <param name="onError">Gets every stderr line, with the role.</param>
    /// <returns>Each peer's result line (null if it printed none) and exit code, and why the run ended early, if it did.</returns>
    public static PeerPairOutcome Run(string command, string name, IReadOnlyList<string> arguments, TimeSpan limit, Action<string, string> onLine, Action<string, string> onError)
    {
        using var wake = new AutoResetEvent(false);
        int interruptSignal = 0;
        var registrations = new List<PosixSignalRegistration>();
        if (!OperatingSystem.IsWindows())
        {
            foreach ((PosixSignal signal, int number) in new[] { (PosixSignal.SIGINT, 2), (PosixSignal.SIGTERM, 15), (PosixSignal.SIGHUP, 1) })
            {
                registrations.Add(PosixSignalRegistration.Create(signal, context =>
                {
                    context.Cancel = true; // stop the peers and report first; the command exits with 128 + the signal
                    Interlocked.CompareExchange(ref interruptSignal, number, 0);
                    wake.Set();
                }));
            }
        }

        try
        {
            using Peer receiver = Peer.Start(command, "receiver", name, arguments, onLine, onError, wake);
            using Peer sender = Peer.Start(command, "sender", name, arguments, onLine, onError, wake);
            string? error = Supervise(command, receiver, sender, limit, wake, () => Volatile.Read(ref interruptSignal));
            RemoveStaleFiles();
            error ??= receiver.Result is null || sender.Result is null
                ? string.Create(CultureInfo.InvariantCulture, $"a {command} process exited without a result (receiver {Describe(receiver.Process.ExitCode)}, sender {Describe(sender.Process.ExitCode)})")
                : null;
            return new PeerPairOutcome(receiver.Result, sender.Result, receiver.Process.ExitCode, sender.Process.ExitCode, error)
            {
                InterruptSignal = Volatile.Read(ref interruptSignal),
            };
        }
        finally
        {
            foreach (PosixSignalRegistration registration in registrations)
            {
                registration.Dispose();
            }
        }
    }

    /// <summary>"exit 0", or "killed by SIGKILL (exit 137)" for a process a signal ended.</summary>
    public static string Describe(int exitCode) => exitCode > 128 && exitCode < 128 + 65 && !OperatingSystem.IsWindows()
        ? string.Create(CultureInfo.InvariantCulture, $"killed by {SignalName(exitCode - 128)} (exit {exitCode})")
        : string.Create(CultureInfo.InvariantCulture, $"exit {exitCode}");

    /// <summary>Waits until both peers are gone; stops them early on a signal, on the death of one, or at the limit.</summary>
    /// <returns>Why the run ended early, or null.</returns>
    private static string? Supervise(string command, Peer receiver, Peer sender, TimeSpan limit, AutoResetEvent wake, Func<int> signal)
    {
        long deadline = Stopwatch.GetTimestamp() + (long)(limit.TotalSeconds * Stopwatch.Frequency);
        Peer[] peers = [receiver, sender];
        while (!receiver.Process.HasExited || !sender.Process.HasExited)
        {
            if (signal() is int number and not 0)
            {
                Stop(peers);
                return $"interrupted by {SignalName(number)}: both {command} processes were stopped";
            }

            foreach (Peer peer in peers)
            {
                Peer other = peer == receiver ? sender : receiver;
                if (peer.Process.HasExited && !other.Process.HasExited)
                {
                    peer.Process.WaitForExit(); // drains its output: a result line is in now if it printed one
                    if (peer.Result is null)
                    {
                        Stop([other]);
                        return $"the {peer.Role} process died before it reported ({Describe(peer.Process.ExitCode)}); the {other.Role} was stopped";
                    }
                }
            }

            if (Stopwatch.GetTimestamp() > deadline)
            {
                foreach (Peer peer in peers)
                {
                    peer.Kill();
                    peer.Process.WaitForExit();
                }

                return $"a {command} process did not finish within {limit.TotalSeconds:0} s and was stopped";
            }

            wake.WaitOne(TimeSpan.FromMilliseconds(100));
        }

        // The parameterless wait also drains the redirected output, so the result lines are in.
        receiver.Process.WaitForExit();
        sender.Process.WaitForExit();
        return null;
    }

    /// <summary>SIGTERM to each running peer (it reports and closes), SIGKILL to any still running after the grace.</summary>
    private static void Stop(IEnumerable<Peer> peers)
    {
        Peer[] running = [.. peers.Where(p => !p.Process.HasExited)];
        foreach (Peer peer in running)
        {
            peer.Terminate();
        }

        long deadline = Stopwatch.GetTimestamp() + (long)(StopGrace.TotalSeconds * Stopwatch.Frequency);
        foreach (Peer peer in running)
        {
            TimeSpan left = TimeSpan.FromSeconds(Math.Max(0, (double)(deadline - Stopwatch.GetTimestamp()) / Stopwatch.Frequency));
            if (!peer.Process.WaitForExit(left))
            {
                peer.Kill();
            }

            peer.Process.WaitForExit();
        }
    }

    /// <summary>The library's start removes the /dev/shm files whose owner is dead (a peer killed before it closed).</summary>
    private static void RemoveStaleFiles()
    {
        try
        {
            Fabric.Connect(new FabricOptions()).Dispose();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or TransportException)
        {
            // Nothing to clean, or not ours to clean: the next start tries again.
        }
    }

    private static string SignalName(int number) => number switch
    {
        1 => "SIGHUP",
        2 => "SIGINT",
        6 => "SIGABRT",
        9 => "SIGKILL",
        11 => "SIGSEGV",
        15 => "SIGTERM",
        _ => "signal " + number.ToString(CultureInfo.InvariantCulture),
    };

    private sealed class Peer : IDisposable
    {
        private Peer(Process process, string role)
        {
            Process = process;
            Role = role;
        }

        public Process Process { get; }

        public string Role { get; }

        public string? Result { get; private set; }

        public static Peer Start(string command, string role, string name, IReadOnlyList<string> arguments, Action<string, string> onLine, Action<string, string> onError, AutoResetEvent wake)
        {
            ProcessStartInfo info = PeerProcess.CreateStartInfo([command, "--role", role, "--name", name, .. arguments]);
            var peer = new Peer(new Process { StartInfo = info, EnableRaisingEvents = true }, role);
            peer.Process.Exited += (_, _) => wake.Set();
            peer.Process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is null)
                {
                    return;
                }

                if (e.Data.StartsWith(ResultPrefix, StringComparison.Ordinal))
                {
                    peer.Result = e.Data[ResultPrefix.Length..];
                }
                else
                {
                    onLine(role, e.Data);
                }
            };
            peer.Process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is not null)
                {
                    onError(role, e.Data);
                }
            };
            peer.Process.Start();
            peer.Process.BeginOutputReadLine();
            peer.Process.BeginErrorReadLine();
            return peer;
        }

        /// <summary>Asks the peer to stop (SIGTERM): it reports what it has and closes its streams.</summary>
        public void Terminate()
        {
            if (!Process.HasExited)
            {
                if (OperatingSystem.IsWindows())
                {
                    Process.Kill();
                }
                else if (PeerLibC.kill(Process.Id, PeerLibC.SIGTERM) != 0 && !Process.HasExited)
                {
                    Console.Error.WriteLine($"rdmastack: kill({Process.Id}, SIGTERM) failed (errno {Marshal.GetLastPInvokeError()})");
                }
            }
        }

        public void Kill()
        {
            if (!Process.HasExited)
            {
                Process.Kill();
            }
        }

        public void Dispose()
        {
            Kill(); // a peer never outlives its run, whatever ended it
            Process.Dispose();
        }
    }
}
