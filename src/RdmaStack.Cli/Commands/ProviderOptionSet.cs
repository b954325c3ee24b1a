using System.CommandLine;
using RdmaStack.Cli.Demo;

namespace RdmaStack.Cli.Commands;

/// <summary>The provider options `demo` and `perf` (and their peer processes) share.</summary>
internal sealed class ProviderOptionSet
{
    public Option<string> Provider { get; } = new("--provider", "--transport") { Description = "shm (shared memory between two processes, default) or verbs (RDMA devices)", DefaultValueFactory = _ => "shm" };

    public Option<string?> Device { get; } = new("--device", "-d") { Description = "verbs: the sender's RDMA device (e.g. rxe0; `rdmastack devices` lists them); two hosts: this side's (perftest's -d)" };

    public Option<string?> PeerDevice { get; } = new("--peer-device") { Description = "verbs: the receiver's RDMA device (default: --device)" };

    public ProviderOptionSet()
    {
        Provider.AcceptOnlyFromAmong([.. ProviderChoice.Names]);
    }

    public void AddTo(Command command)
    {
        command.Options.Add(Provider);
        command.Options.Add(Device);
        command.Options.Add(PeerDevice);
        CommandChecks.Add(command, (r, errors) =>
        {
            if (r.GetValue(Provider) == "verbs" && r.GetValue(Device) is null)
            {
                errors.Add("--provider verbs needs --device (e.g. rxe0; `rdmastack devices` lists them).");
            }
        });
    }

    /// <summary>Refuses a --timeout below the heartbeat bound of the chosen provider's links (see <see cref="ProviderChoice"/>).</summary>
    public void CheckTimeout(ParseResult r, ICollection<string> errors, Option<double> timeout)
    {
        bool verbs = Bind(r).Name == "verbs";
        RunChecks.Timeout(r, errors, timeout, verbs ? ProviderChoice.VerbsHeartbeatTimeout : new FabricOptions().HeartbeatTimeout, verbs ? "the tool's verbs links" : "shared-memory links");
    }

    /// <summary>The provider chosen; a device without an explicit provider means verbs, as in perftest's <c>-d mlx5_0</c>.</summary>
    public ProviderChoice Bind(ParseResult result)
    {
        bool explicitProvider = result.GetResult(Provider) is { Implicit: false };
        string name = !explicitProvider && result.GetValue(Device) is not null ? "verbs" : result.GetValue(Provider)!;
        return new(name, result.GetValue(Device), result.GetValue(PeerDevice));
    }

    /// <summary>The same choice as arguments for the peer processes.</summary>
    public static IEnumerable<string> ToArguments(ProviderChoice choice) =>
    [
        "--provider", choice.Name,
        .. choice.Device is null ? Array.Empty<string>() : ["--device", choice.Device],
        .. choice.PeerDevice is null ? Array.Empty<string>() : ["--peer-device", choice.PeerDevice],
    ];
}
