using System.Diagnostics;

namespace RdmaStack.Cli.Demo;

/// <summary>
/// Runs the two processes of a two-process test (the demo, the perf harness): `rdmastack COMMAND --role
/// receiver|sender --name NAME ARGS`, receiver first. Each peer prints lines while it runs and one
/// <see cref="ResultPrefix"/> line (JSON) at the end; the rest is relayed to the caller.
/// </summary>
internal static class PeerPair
{
    /// <summary>Starts the line a peer prints its result on.</summary>
    public const string ResultPrefix = "RESULT ";

    /// <summary>Runs both peers to the end (or until <paramref name="limit"/>, then kills them). What a killed peer left
    /// in /dev/shm the library removes at the next start.</summary>
    /// <param name="command">The hidden peer command ("demo-peer", "perf-peer").</param>
    /// <param name="name">The run's unique name; the peers' mappings are /dev/shm/rdmastack.NAME.*.</param>
    /// <param name="arguments">The options both peers get after --role and --name.</param>
    /// <param name="limit">Guards against a hung process (each peer has its own stall timeout).</param>
    /// <param name="onLine">Gets every other stdout line, with the role.</param>
    /// <param name="onError">Gets every stderr line, with the role.</param>
    /// <returns>Each peer's result line (null if it printed none) and exit code.</returns>
    public static PeerPairOutcome Run(string command, string name, IReadOnlyList<string> arguments, TimeSpan limit, Action<string, string> onLine, Action<string, string> onError)
    {
        using Peer receiver = Peer.Start(command, "receiver", name, arguments, onLine, onError);
        using Peer sender = Peer.Start(command, "sender", name, arguments, onLine, onError);
        bool finished = sender.Process.WaitForExit(limit) & receiver.Process.WaitForExit(limit);
        if (!finished)
        {
            sender.Kill();
            receiver.Kill();
            return new PeerPairOutcome(null, null, -1, -1, $"a {command} process did not finish within {limit.TotalSeconds:0} s and was stopped");
        }

        // The parameterless wait also drains the redirected output, so the result line is in.
        sender.Process.WaitForExit();
        receiver.Process.WaitForExit();
        string? error = receiver.Result is null || sender.Result is null
            ? $"a {command} process exited without a result (receiver exit {receiver.Process.ExitCode}, sender exit {sender.Process.ExitCode})"
            : null;
        return new PeerPairOutcome(receiver.Result, sender.Result, receiver.Process.ExitCode, sender.Process.ExitCode, error);
    }

    private sealed class Peer : IDisposable
    {
        private Peer(Process process) => Process = process;

        public Process Process { get; }

        public string? Result { get; private set; }

        public static Peer Start(string command, string role, string name, IReadOnlyList<string> arguments, Action<string, string> onLine, Action<string, string> onError)
        {
            ProcessStartInfo info = PeerProcess.CreateStartInfo([command, "--role", role, "--name", name, .. arguments]);
            var peer = new Peer(new Process { StartInfo = info });
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

        public void Kill()
        {
            if (!Process.HasExited)
            {
                Process.Kill();
            }
        }

        public void Dispose() => Process.Dispose();
    }
}
