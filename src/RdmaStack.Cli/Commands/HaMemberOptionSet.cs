using System.CommandLine;

namespace RdmaStack.Cli.Commands;

/// <summary>The options of the hidden `ha node` and `ha client` commands that name the service.</summary>
internal sealed class HaMemberOptionSet
{
    public Option<string> Service { get; } = new("--service") { Description = "The service's name", Required = true };

    public Option<int> Servers { get; } = new("--servers") { Description = "1 (unreplicated) or 2", DefaultValueFactory = _ => 2 };

    public Option<string?> Directory { get; } = new("--directory") { Description = "Where the service's membership folder goes (default: the fabric's rendezvous folder)" };

    public Option<double> Timeout { get; } = new("--timeout") { Description = "Seconds one step may take", DefaultValueFactory = _ => 30 };

    public HaMemberOptionSet()
    {
        Servers.Whole(1, 2);
        Timeout.Number(0.001, RunChecks.MaxTimeoutSeconds, "seconds");
    }

    public void AddTo(Command command)
    {
        command.Options.Add(Service);
        command.Options.Add(Servers);
        command.Options.Add(Directory);
        command.Options.Add(Timeout);
    }
}
