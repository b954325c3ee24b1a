using System.CommandLine;
using RdmaStack.Cli.Commands;
using RdmaStack.Cli.Demo;
using RdmaStack.Queues;

namespace RdmaStack.Tests.Cli;

/// <summary>--provider / --device / --peer-device / --listen, shared by demo and perf and passed on to their peers.</summary>
public class ProviderOptionTests
{
    private static (ProviderOptionSet Set, Command Command) NewCommand()
    {
        var set = new ProviderOptionSet();
        var command = new Command("test");
        set.AddTo(command);
        return (set, command);
    }

    [Fact]
    public void Verbs_choice_survives_the_trip_to_the_peer_processes()
    {
        (ProviderOptionSet set, Command command) = NewCommand();
        ParseResult first = command.Parse("--provider verbs --device rxe0 --peer-device rxe1");
        Assert.Empty(CommandChecks.Errors(first));
        ProviderChoice choice = set.Bind(first);

        ParseResult again = command.Parse([.. ProviderOptionSet.ToArguments(choice)]);

        Assert.Empty(CommandChecks.Errors(again));
        Assert.Equal(choice, set.Bind(again));
        Assert.Equal(new ProviderChoice("verbs", "rxe0", "rxe1"), choice);
        Assert.Equal("verbs provider, rxe0 -> rxe1", choice.Description);
    }

    [Fact]
    public void NetworkDirect_choice_names_each_side_by_its_adapter_address_and_survives_the_trip_to_the_peers()
    {
        (ProviderOptionSet set, Command command) = NewCommand();
        ParseResult first = command.Parse("--provider nd --device 192.0.2.1 --peer-device 192.0.2.2");
        Assert.Empty(first.Errors);
        ProviderChoice choice = set.Bind(first);

        Assert.Equal(choice, set.Bind(command.Parse([.. ProviderOptionSet.ToArguments(choice)])));
        Assert.Equal("NetworkDirect provider, 192.0.2.1 -> 192.0.2.2", choice.Description);
        var geometry = new SegmentedQueueGeometry(4, 16, 64);
        FabricOptions sender = choice.FabricOptions("sender", geometry);
        FabricOptions receiver = choice.FabricOptions("receiver", geometry);
        Assert.Equal((ProviderKind.NetworkDirect, ProviderKind.NetworkDirect), (sender.Provider, receiver.Provider));
        Assert.Equal(("192.0.2.1", "192.0.2.2"), (Assert.Single(sender.Links).Device, Assert.Single(receiver.Links).Device));
    }

    [Fact]
    public void Shared_memory_is_the_default_and_transport_is_an_alias()
    {
        (ProviderOptionSet set, Command command) = NewCommand();
        Assert.Equal(ProviderChoice.SharedMemory, set.Bind(command.Parse("")));
        Assert.Equal("verbs", set.Bind(command.Parse("--transport verbs --device rxe0")).Name);
        Assert.Equal("rxe0", set.Bind(command.Parse("--provider verbs --device rxe0")).ReceiverDevice);
    }

    [Theory]
    [InlineData("--provider verbs", "--device")]
    [InlineData("--provider ib", "ib")]
    public void Refuses_an_incomplete_or_unknown_choice_naming_the_option(string arguments, string named)
    {
        (_, Command command) = NewCommand();

        ParseResult result = command.Parse(arguments);

        Assert.Contains(CommandChecks.Errors(result), e => e.Contains(named, StringComparison.Ordinal));
    }
}
