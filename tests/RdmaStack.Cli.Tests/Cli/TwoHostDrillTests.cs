using System.CommandLine;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using RdmaStack.Cli.Commands;
using RdmaStack.Cli.Demo;
using RdmaStack.Cli.Drill;

namespace RdmaStack.Tests.Cli;

/// <summary>The drill across two hosts: its options, the operator's link commands, the receiver's verdict, and the
/// whole run as two processes over shared memory (the verbs form is the lab's: this host has no RDMA device).</summary>
public sealed class TwoHostDrillTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rdmastack-drill-test-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static (DrillOptionSet Set, ParseResult Result) Parse(params string[] arguments)
    {
        var set = new DrillOptionSet();
        var command = new Command("drill");
        set.AddTo(command);
        return (set, command.Parse(arguments));
    }

    private string SecretFile()
    {
        string path = Path.Combine(_folder, "secret");
        File.WriteAllText(path, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return path;
    }

    [Fact]
    public void Client_takes_perftests_flags_and_the_link_commands()
    {
        (DrillOptionSet set, ParseResult result) = Parse(
            "--provider", "verbs", "-d", "mlx5_0,mlx5_1", "-p", "19000", "-i", "2", "--secret-file", SecretFile(),
            "--link-down", "switch port {link} off", "--link-up", "switch port {link} on", "10.0.0.2");
        Assert.Empty(CommandChecks.Errors(result));

        VerbsDrillOptions o = set.BindVerbs(result);

        Assert.True(set.IsTwoProcess(result));
        Assert.Equal("10.0.0.2", o.TwoHost!.Server);
        Assert.Equal((19000, 2), (o.TwoHost.TcpPort, o.IbPort));
        Assert.Equal(["mlx5_0", "mlx5_1"], o.SenderDevices);
        Assert.Equal(o.SenderDevices, o.ReceiverDevices); // each side names its own devices
        Assert.Equal(("switch port {link} off", "switch port {link} on"), (o.LinkDownCommand, o.LinkUpCommand));
        FabricOptions fabric = o.FabricOptions(o.SenderDevices);
        Assert.Equal([19000, 19001], fabric.Links.Select(l => ((IPEndPoint)l.Peer!).Port));
        Assert.All(fabric.Links, l => Assert.Null(l.Listen));
        Assert.Equal(VerbsDrillOptions.DefaultCount, o.Drill.Count);
    }

    [Fact]
    public void Server_listens_on_a_port_per_link()
    {
        (DrillOptionSet set, ParseResult result) = Parse("--provider", "verbs", "-d", "rxe0,rxe2", "-p", "19010", "--secret-file", SecretFile());
        Assert.Empty(CommandChecks.Errors(result));

        VerbsDrillOptions o = set.BindVerbs(result);

        Assert.True(o.TwoHost!.IsServer);
        Assert.Equal([19010, 19011], o.FabricOptions(o.ReceiverDevices).Links.Select(l => l.Listen!.Port));
        Assert.Equal(["rxe0", "rxe2"], o.FabricOptions(o.ReceiverDevices).Links.Select(l => l.Device));
    }

    [Theory]
    [InlineData("--link-down")]
    [InlineData("--link-up")]
    public void Refuses_one_link_command_without_the_other(string option)
    {
        ParseResult result = Parse("--provider", "verbs", option, "x {link}").Result;
        Assert.Contains(CommandChecks.Errors(result), e => e.Contains("--link-down and --link-up come together", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(new[] { "--provider", "verbs", "--link-down", "ip link set eth1 down", "--link-up", "ip link set eth1 up" }, "must name the link with {link}")]
    [InlineData(new[] { "--link-down", "a {link}", "--link-up", "b {link}" }, "the shared-memory drill on one host")]
    [InlineData(new[] { "--provider", "verbs", "-p", "19020", "--peer-device", "a,b", "host" }, "--peer-device runs both processes on this host")]
    [InlineData(new[] { "--provider", "verbs", "-p", "19020", "--count", "5" }, "--count: the server")]
    [InlineData(new[] { "--provider", "verbs", "-p", "19020", "--link-down", "a {link}", "--link-up", "b {link}" }, "--link-down: the server")]
    public void Refuses_settings_that_make_no_sense_naming_the_option(string[] arguments, string expected)
    {
        ParseResult result = Parse(arguments).Result;
        Assert.Contains(CommandChecks.Errors(result), e => e.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void One_host_peers_get_the_link_commands()
    {
        (DrillOptionSet set, ParseResult result) = Parse("--provider", "verbs", "--link-down", "down.sh {link}", "--link-up", "up.sh {link}", "--cpus", "0,1");
        VerbsDrillOptions o = set.BindVerbs(result);

        (DrillOptionSet peerSet, ParseResult peer) = Parse([.. o.ToPeerArguments()]);

        Assert.Empty(CommandChecks.Errors(peer));
        VerbsDrillOptions back = peerSet.BindVerbs(peer);
        Assert.Equal(("down.sh {link}", "up.sh {link}"), (back.LinkDownCommand, back.LinkUpCommand));
        Assert.Equal([0, 1], back.Drill.Cpus!);
        Assert.Null(back.TwoHost);
    }

    [Fact]
    public void Link_commands_run_through_the_shell_with_the_link_number()
    {
        string log = Path.Combine(_folder, "links.log");
        using var control = new CommandLinkControl($"echo down {{link}} >> '{log}'", $"echo up {{link}} >> '{log}'");

        long started = control.Down(1);
        long finished = control.ConfirmDown(1);
        control.Up(1);

        Assert.True(finished >= started);
        Assert.Equal(["down 1", "up 1"], File.ReadAllLines(log));
        Assert.Equal($"echo down 1 >> '{log}'", control.DescribeDown(1));
    }

    [Fact]
    public void A_failing_link_command_is_an_error_naming_the_command_and_its_stderr()
    {
        using var control = new CommandLinkControl("echo no such port {link} >&2; exit 3", "true {link}");

        control.Down(0);
        var e = Assert.Throws<InvalidOperationException>(() => control.ConfirmDown(0));

        Assert.Contains("`echo no such port 0 >&2; exit 3` exited with status 3: no such port 0", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Disposing_brings_back_a_link_left_down()
    {
        string log = Path.Combine(_folder, "left.log");
        using (var control = new CommandLinkControl($"echo down {{link}} >> '{log}'", $"echo up {{link}} >> '{log}'"))
        {
            control.Down(0);
        }

        Assert.Equal(["down 0", "up 0"], File.ReadAllLines(log));
    }

    [Fact]
    public void Verdict_figures_round_trip_in_order()
    {
        var verdict = new DrillVerdict(Delivered: 1000, Lost: 1, Duplicated: 2, OutOfOrder: 3, Corrupted: 4, Switches: 5, FaultsReported: 6, Reestablished: 7);

        Assert.Equal([1000L, 1, 2, 3, 4, 5, 6, 7], verdict.ToFigures());
        Assert.Equal(verdict, DrillVerdict.FromFigures(verdict.ToFigures()));
        Assert.Throws<ArgumentException>(() => DrillVerdict.FromFigures([1, 2, 3]));
        VerbsDrillReceiverResult r = verdict.ToReceiverResult(1001);
        Assert.Equal((1001L, 1000L, 1L, 5L, 7L), (r.Expected, r.Delivered, r.Lost, r.Switches, r.Reestablished));
    }

    [Fact]
    public void Client_without_a_verdict_fails_and_reports_every_message_lost()
    {
        (DrillOptionSet set, ParseResult result) = Parse("--provider", "verbs", "-p", "19030", "--secret-file", SecretFile(), "--count", "500", "--failures", "0", "host");
        VerbsDrillOptions o = set.BindVerbs(result);

        (DrillReport report, _) = VerbsDrill.CombineTwoHost(o, new VerbsDrillSenderResult { Sent = 500 });

        Assert.False(report.Passed);
        Assert.Equal(500, report.Lost);
        Assert.Contains("verdict did not come back", report.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_and_client_processes_stream_over_shared_memory_and_agree_on_the_verdict()
    {
        int port = FreePortPair();
        string log = Path.Combine(_folder, "commands.log");
        string secret = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        string[] common = ["drill", "--provider", "shm", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--timeout", "60"];
        using Process server = Start([.. common], secret);
        using Process client = Start(
            [.. common, "--count", "60000", "--failures", "4", "--seed", "5", "--delay", "10,40",
             "--link-down", $"echo down {{link}} >> '{log}'", "--link-up", $"echo up {{link}} >> '{log}'", "127.0.0.1"],
            secret);
        // Generous: the machine is shared; each side also gives up on its own after --timeout without progress.
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        limit.CancelAfter(TimeSpan.FromMinutes(5));
        Task<string> clientOutput = Output(client, limit.Token);
        Task<string> serverOutput = Output(server, limit.Token);
        try
        {
            await client.WaitForExitAsync(limit.Token);
            await server.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            client.Kill();
            server.Kill();
        }

        string both = $"--- client:\n{await clientOutput}\n--- server:\n{await serverOutput}";
        Assert.True(client.HasExited && server.HasExited, both);
        Assert.True(client.ExitCode == 0 && server.ExitCode == 0, both);
        string clientText = await clientOutput;
        string serverText = await serverOutput;
        Assert.Contains("result     PASS: lost 0, duplicated 0, out of order 0", clientText, StringComparison.Ordinal);
        Assert.Contains("result     PASS: lost 0, duplicated 0, out of order 0; receiver", serverText, StringComparison.Ordinal);
        // The client's delivered line is the receiver's verdict, sent back over the fabric.
        Assert.Contains("delivered  60,000 of 60,000", clientText, StringComparison.Ordinal);
        Assert.Contains("delivered  60,000 of 60,000", serverText, StringComparison.Ordinal);
        Assert.Contains("faults     4 injected", clientText, StringComparison.Ordinal);
        Assert.Contains("(not measured: no common clock)", clientText, StringComparison.Ordinal);
        string[] commands = await File.ReadAllLinesAsync(log, TestContext.Current.CancellationToken);
        Assert.Equal(4, commands.Count(l => l.StartsWith("down ", StringComparison.Ordinal)));
        Assert.Equal(4, commands.Count(l => l.StartsWith("up ", StringComparison.Ordinal)));
    }

    private static async Task<string> Output(Process process, CancellationToken cancel)
    {
        Task<string> stdout = process.StandardOutput.ReadToEndAsync(cancel);
        Task<string> stderr = process.StandardError.ReadToEndAsync(cancel);
        try
        {
            return await stdout + await stderr;
        }
        catch (OperationCanceledException)
        {
            return "(output cut off: the process did not end in time)";
        }
    }

    private static Process Start(string[] arguments, string secret)
    {
        ProcessStartInfo info = PeerProcess.CreateStartInfo(arguments);
        info.Environment[HandshakeSecret.EnvironmentVariable] = secret;
        return Process.Start(info)!;
    }

    /// <summary>A TCP port p with p + 1 free too (the drill's two links), on loopback.</summary>
    private static int FreePortPair()
    {
        for (int attempt = 0; attempt < 100; attempt++)
        {
            using var first = new TcpListener(IPAddress.Any, 0);
            first.Start();
            int port = ((IPEndPoint)first.LocalEndpoint).Port;
            if (port >= 65535)
            {
                continue;
            }

            try
            {
                using var second = new TcpListener(IPAddress.Any, port + 1);
                second.Start();
                return port;
            }
            catch (SocketException)
            {
            }
        }

        throw new InvalidOperationException("no two consecutive free TCP ports");
    }
}
