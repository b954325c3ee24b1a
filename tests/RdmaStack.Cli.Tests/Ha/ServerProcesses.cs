using System.Security.Cryptography;
using RdmaStack.Cli.Demo;
using RdmaStack.Cli.Ha;
using RdmaStack.HighAvailability.Replication;
using RdmaStack.HighAvailability.Sessions;
using RdmaStack.Samples.OrderMatching;

namespace RdmaStack.Tests.Cli.Ha;

/// <summary>
/// Two `rdmastack ha node` processes (the order book over shared memory, each in a process of its own, killed with
/// SIGKILL by the test that started them) and clients in this process, on a fabric of their own: the same binding a
/// client process uses. Failure bounds are generous (a primary is declared dead after 100 ms of silence) because the
/// host's two cores are shared with other builds; a false promotion still must not lose anything.
/// </summary>
internal sealed class ServerProcesses : IDisposable
{
    public const int SessionWindow = 1024;

    private readonly List<HaChild> _started = [];
    private readonly List<string> _errors = [];
    private readonly Fabric _clientFabric;
    private readonly byte[] _request = new byte[OrderRequests.MaxLength];

    public ServerProcesses()
    {
        Folder = Directory.CreateTempSubdirectory("rdmastack-ha-processes-").FullName;
        Service = new ReplicaServiceOptions { Name = "p" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)), Directory = Folder };
        Ledger = Path.Combine(Folder, "prices.ledger");
        _clientFabric = Fabric.Connect(Settings.ClientFabric(0));
    }

    public static HaSettings Settings { get; } = new(
        ProviderChoice.SharedMemory, TimeSpan.FromMilliseconds(2), TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(500));

    public static TimeSpan StepTimeout { get; } = TimeSpan.FromSeconds(60);

    public string Folder { get; }

    public ReplicaServiceOptions Service { get; }

    public string Ledger { get; }

    public HaChild[] Servers { get; } = new HaChild[2];

    /// <summary>Every server process started, killed ones included.</summary>
    public IReadOnlyList<HaChild> Started => _started;

    public string Errors
    {
        get
        {
            lock (_errors)
            {
                return string.Join(Environment.NewLine, _errors);
            }
        }
    }

    public HaChild Start(int server, ReplicaRole role)
    {
        var options = new HaNodeOptions(Settings, Service.Name, 2, server, role, Path.Combine(Folder, $"s{server}.journal"), Ledger, 1 << 20, Folder)
        {
            SessionWindow = SessionWindow,
        };
        HaChild child = HaChild.Start($"server {server}", options.ToArguments(), line =>
        {
            lock (_errors)
            {
                _errors.Add(line);
            }
        });
        _started.Add(child);
        return Servers[server] = child;
    }

    /// <summary>Both servers as primary and backup, and waits until the backup joined.</summary>
    public void StartPair()
    {
        Start(0, ReplicaRole.Primary);
        Start(1, ReplicaRole.Backup);
        WaitWhole();
    }

    /// <summary>Waits until one server mirrors the other; returns the primary's index.</summary>
    public int WaitWhole() => HaPair.WaitWhole(Servers, StepTimeout);

    public ReplicaClient NewClient(long id) =>
        ReplicaClient.Create(_clientFabric, Service, id, HaSettings.Client(window: 8));

    /// <summary>
    /// Drives <paramref name="client"/> until <paramref name="flow"/> has <paramref name="orders"/> orders submitted and
    /// answered; <paramref name="during"/> runs once, when <paramref name="at"/> orders were answered.
    /// </summary>
    public void Drive(ReplicaClient client, ClientFlow flow, int orders, int at = -1, Action? during = null)
    {
        DateTime end = DateTime.UtcNow + StepTimeout;
        while (flow.Submitted < orders || client.Unanswered > 0)
        {
            if (DateTime.UtcNow > end)
            {
                throw new TimeoutException($"{client.Unanswered} of {flow.Submitted} orders unanswered (client on server {client.CurrentServer}, term {client.PrimaryTerm}, resends {client.Resends}); {Describe()}");
            }

            client.Poll(ref flow);
            if (flow.Submitted < orders)
            {
                int length = flow.Next(_request);
                if (client.Submit(_request.AsSpan(0, length)) != 0)
                {
                    flow.Sent();
                }
            }

            if (during is not null && flow.Answered >= at)
            {
                during();
                during = null;
            }

            Thread.Sleep(0);
        }
    }

    /// <summary>Every server process's events, for a failure message.</summary>
    public string Describe() => string.Join(Environment.NewLine, _started.Select(c =>
        $"{c.Name} (pid {c.Process.Id}{(c.Process.HasExited ? ", exited" : "")}): " + string.Join(", ", c.All("state").Concat(c.All("promoted")).Concat(c.All("backup-lost")).Concat(c.All("stepped-down"))
            .OrderBy(e => e.Received).Select(e => e.Name + " " + string.Join(' ', e.Fields.Select(f => f.Key + "=" + f.Value)))))) + Environment.NewLine + "errors: " + Errors;

    /// <summary>Stops both servers, the backup first (stopped second it would promote itself), and returns their results.</summary>
    public (HaServerResult Primary, HaServerResult Backup) StopBoth()
    {
        int primary = WaitWhole();
        HaServerResult backup = Stop(Servers[1 - primary]);
        return (Stop(Servers[primary]), backup);
    }

    public void Dispose()
    {
        foreach (HaChild child in _started)
        {
            child.Dispose();
        }

        _clientFabric.Dispose();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // a file still held: the temporary folder stays
        }
    }

    private static HaServerResult Stop(HaChild server)
    {
        server.Send("stop");
        Assert.True(server.WaitForExit(StepTimeout), $"{server.Name} did not stop");
        Assert.NotNull(server.Result);
        return System.Text.Json.JsonSerializer.Deserialize(server.Result, HaJsonContext.Default.HaServerResult)!;
    }
}
