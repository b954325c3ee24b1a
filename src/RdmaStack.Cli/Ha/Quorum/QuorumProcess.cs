using System.Diagnostics;
using RdmaStack.Cli.Demo;

namespace RdmaStack.Cli.Ha.Quorum;

/// <summary>
/// One process of a quorum run (`rdmastack ha quorum peer --role ...`): its result line, its other output relayed to
/// the runner (progress lines go to a callback), and a SIGKILL when the run wants it dead.
/// </summary>
internal sealed class QuorumProcess : IDisposable
{
    private QuorumProcess(string label, Process process)
    {
        Label = label;
        Process = process;
    }

    public string Label { get; }

    public Process Process { get; }

    public string? Result { get; private set; }

    public bool Killed { get; private set; }

    /// <summary>When the process was started (a <see cref="Stopwatch"/> timestamp).</summary>
    public long StartedAt { get; private set; }

    public bool HasExited => Process.HasExited;

    public static QuorumProcess Start(string label, IEnumerable<string> arguments, Action<string, string> onLine, Action<string>? onProgress = null)
    {
        ProcessStartInfo info = PeerProcess.CreateStartInfo(["ha", "quorum", "peer", .. arguments]);
        var peer = new QuorumProcess(label, new Process { StartInfo = info });
        peer.Process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            if (e.Data.StartsWith(QuorumPeerSettings.ResultPrefix, StringComparison.Ordinal))
            {
                peer.Result = e.Data[QuorumPeerSettings.ResultPrefix.Length..];
            }
            else if (onProgress is not null && e.Data.StartsWith(QuorumPeerSettings.ProgressPrefix, StringComparison.Ordinal))
            {
                onProgress(e.Data[QuorumPeerSettings.ProgressPrefix.Length..]);
            }
            else
            {
                onLine(label, e.Data);
            }
        };
        peer.Process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                onLine(label, e.Data);
            }
        };
        peer.StartedAt = Stopwatch.GetTimestamp();
        peer.Process.Start();
        peer.Process.BeginOutputReadLine();
        peer.Process.BeginErrorReadLine();
        return peer;
    }

    /// <summary>SIGKILL: the process gets no chance to close anything.</summary>
    public void Kill()
    {
        if (!Process.HasExited)
        {
            Killed = true;
            Process.Kill();
        }
    }

    /// <summary>Waits for the exit and the end of its output (so the result line is in).</summary>
    public bool WaitForExit(TimeSpan timeout)
    {
        if (!Process.WaitForExit(timeout))
        {
            return false;
        }

        Process.WaitForExit();
        return true;
    }

    public void Dispose() => Process.Dispose();
}
