using System.Diagnostics;
using System.Globalization;
using System.Text;
using RdmaStack.Cli.Commands;
using RdmaStack.Cli.Demo;

namespace RdmaStack.Tests.Cli;

/// <summary>
/// The two-process runner's lifecycle with real processes: `rdmastack demo` is started as a process, and the signals
/// go, by pid, to it or to the peers it started. The stall timeout is set far beyond every wait here (600 s), so a run
/// that ends in time ended through the lifecycle, not through a peer giving up.
/// </summary>
public sealed class DemoLifecycleTests
{
    private const int Sigint = 2;
    private const int Sigkill = 9;
    private const int Sigterm = 15;
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(90);

    [Theory]
    [InlineData(Sigint)]
    [InlineData(Sigterm)]
    public void A_signal_to_the_parent_ends_both_peers_and_leaves_no_shared_memory_file(int signal)
    {
        using var demo = DemoProcess.Start();
        int[] peers = demo.WaitForStreamingPeers();
        Assert.Equal(0, PeerLibC.kill(demo.Process.Id, signal));

        Assert.True(demo.Process.WaitForExit(Generous), "the demo did not end after the signal: " + demo.Output);
        demo.Process.WaitForExit();
        Assert.Equal(128 + signal, demo.Process.ExitCode);
        Assert.Contains("interrupted by SIG", demo.Output, StringComparison.Ordinal);
        AssertGone(peers);
        Assert.Empty(demo.SharedMemoryFiles());
    }

    [Fact]
    public void A_peer_killed_with_sigkill_is_reported_by_name_at_once_never_as_lost_0()
    {
        using var demo = DemoProcess.Start();
        int[] peers = demo.WaitForStreamingPeers();
        int receiver = peers.Single(p => File.ReadAllText($"/proc/{p}/cmdline").Contains("receiver", StringComparison.Ordinal));
        Assert.Equal(0, PeerLibC.kill(receiver, Sigkill));

        Assert.True(demo.Process.WaitForExit(Generous), "the demo waited for the stall timeout: " + demo.Output);
        demo.Process.WaitForExit();
        string output = demo.Output;
        Assert.Equal(1, demo.Process.ExitCode);
        Assert.Contains("the receiver process died before it reported (killed by SIGKILL", output, StringComparison.Ordinal);
        Assert.Contains("not confirmed delivered", output, StringComparison.Ordinal);
        Assert.DoesNotContain("lost 0", output, StringComparison.Ordinal);
        AssertGone(peers);
        Assert.Empty(demo.SharedMemoryFiles()); // the killed peer's files are stale and removed by the parent
    }

    [Fact]
    public void Peers_end_by_themselves_when_their_parent_is_killed()
    {
        using var demo = DemoProcess.Start();
        int[] peers = demo.WaitForStreamingPeers();
        Assert.Equal(0, PeerLibC.kill(demo.Process.Id, Sigkill));
        demo.Process.WaitForExit();

        AssertGone(peers); // PR_SET_PDEATHSIG: each peer got SIGTERM, stopped its loops and closed its streams
        Assert.Empty(demo.SharedMemoryFiles());
    }

    [Fact]
    public void A_demo_without_pings_reports_no_round_trips_instead_of_crashing()
    {
        var console = new StringWriter();
        int exit = DemoCommand.Run(new DemoOptions(20_000, 64, 4, 256, Pings: 0, Warmup: 0, TimeSpan.FromSeconds(60)), console);
        Assert.True(exit == 0, console.ToString());
        Assert.Contains("no round trips measured (--pings 0)", console.ToString(), StringComparison.Ordinal);
        Assert.Contains("result     PASS: lost 0", console.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, "exit 0")]
    [InlineData(137, "killed by SIGKILL (exit 137)")]
    [InlineData(143, "killed by SIGTERM (exit 143)")]
    public void Exit_codes_name_the_signal_that_ended_a_peer(int exitCode, string expected) =>
        Assert.Equal(expected, PeerPair.Describe(exitCode));

    /// <summary>Each of <paramref name="pids"/> is gone (or a zombie of a parent that exited) within the bound.</summary>
    private static void AssertGone(int[] pids)
    {
        long deadline = Environment.TickCount64 + (long)Generous.TotalMilliseconds;
        foreach (int pid in pids)
        {
            while (IsRunning(pid))
            {
                Assert.True(Environment.TickCount64 < deadline, $"peer {pid} still runs");
                Thread.Sleep(50);
            }
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..][0] is not ('Z' or 'X');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>`rdmastack demo` streaming far more than it will send, as its own process, with its output collected.</summary>
    private sealed class DemoProcess : IDisposable
    {
        private readonly StringBuilder _output = new();

        private DemoProcess(Process process) => Process = process;

        public Process Process { get; }

        public string Output
        {
            get
            {
                lock (_output)
                {
                    return _output.ToString();
                }
            }
        }

        public static DemoProcess Start()
        {
            ProcessStartInfo info = PeerProcess.CreateStartInfo(["demo", "--count", "2000000000", "--pings", "0", "--warmup", "0", "--timeout", "600"]);
            info.Environment.Remove(PeerShutdown.ParentVariable); // the demo is this test's child, not a peer of a run

            // A test run from a background job of a non-interactive shell (CI) ignores SIGINT, and an ignored signal
            // stays ignored across exec: env(1) gives the demo the default dispositions back, then execs it (same pid).
            info.ArgumentList.Insert(0, info.FileName);
            info.ArgumentList.Insert(0, "--default-signal=INT,TERM,HUP");
            info.FileName = "/usr/bin/env";
            var demo = new DemoProcess(new Process { StartInfo = info });
            demo.Process.OutputDataReceived += (_, e) => demo.Append(e.Data);
            demo.Process.ErrorDataReceived += (_, e) => demo.Append(e.Data);
            demo.Process.Start();
            demo.Process.BeginOutputReadLine();
            demo.Process.BeginErrorReadLine();
            return demo;
        }

        /// <summary>Waits until both peers run and the stream has started; returns their pids.</summary>
        public int[] WaitForStreamingPeers()
        {
            long deadline = Environment.TickCount64 + (long)Generous.TotalMilliseconds;
            while (true)
            {
                int[] peers = Children(Process.Id);
                if (peers.Length == 2 && Output.Contains(".. stream", StringComparison.Ordinal))
                {
                    return peers;
                }

                Assert.False(Process.HasExited, "the demo ended before streaming: " + Output);
                Assert.True(Environment.TickCount64 < deadline, "the demo's peers did not start streaming: " + Output);
                Thread.Sleep(50);
            }
        }

        /// <summary>Entries of /dev/shm of this run (its streams are named demo-PID-...).</summary>
        public string[] SharedMemoryFiles() =>
            [.. Directory.GetFileSystemEntries("/dev/shm").Where(p => Path.GetFileName(p).Contains(string.Create(CultureInfo.InvariantCulture, $"demo-{Process.Id}-"), StringComparison.Ordinal))];

        public void Dispose()
        {
            foreach (int peer in Children(Process.Id))
            {
                _ = PeerLibC.kill(peer, Sigkill);
            }

            if (!Process.HasExited)
            {
                Process.Kill();
            }

            Process.Dispose();
        }

        private static int[] Children(int parent)
        {
            var children = new List<int>();
            foreach (string dir in Directory.GetDirectories("/proc"))
            {
                if (int.TryParse(Path.GetFileName(dir), CultureInfo.InvariantCulture, out int pid))
                {
                    try
                    {
                        string stat = File.ReadAllText(Path.Combine(dir, "stat"));
                        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                        if (fields[1] == parent.ToString(CultureInfo.InvariantCulture) && fields[0] is not ("Z" or "X"))
                        {
                            children.Add(pid);
                        }
                    }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                    {
                        // gone meanwhile
                    }
                }
            }

            return [.. children];
        }

        private void Append(string? line)
        {
            if (line is not null)
            {
                lock (_output)
                {
                    _output.AppendLine(line);
                }
            }
        }
    }
}
