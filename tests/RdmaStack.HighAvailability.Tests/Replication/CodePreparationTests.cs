using System.Reflection;
using RdmaStack.HighAvailability.Replication;
using RdmaStack.Samples.OrderMatching;

namespace RdmaStack.HighAvailability.Tests.Replication;

/// <summary>
/// A backup never ran the primary's code: creating a replica compiles it, with the engine's and the services' methods,
/// so the first passes after a promotion do not wait for the JIT (measured in `rdmastack ha demo`: SIGKILL to the first
/// reply from the new primary p50 16.6 -> 8.0 ms). Whether a method was compiled cannot be observed here; the count of
/// methods the replica handed to the runtime can.
/// </summary>
public sealed class CodePreparationTests
{
    private const BindingFlags Declared = BindingFlags.DeclaredOnly | BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic;

    [Fact]
    public void A_replica_compiles_its_engine_and_services_when_it_is_created()
    {
        using var node = new ReplicaNode(Options(prepare: true), new OrderMatchingEngine(), [new ReferencePriceService()]);

        int own = Count(typeof(OrderMatchingEngine)) + Count(typeof(ReferencePriceService));
        Assert.True(node.MethodsPrepared >= own, $"prepared {node.MethodsPrepared}, the engine and the service declare {own}");
        Assert.True(node.CodePreparationTime > TimeSpan.Zero);
    }

    [Fact]
    public void A_replica_told_not_to_prepare_compiles_nothing_ahead()
    {
        using var node = new ReplicaNode(Options(prepare: false), new OrderMatchingEngine(), [new ReferencePriceService()]);

        Assert.Equal(0, node.MethodsPrepared);
        Assert.Equal(TimeSpan.Zero, node.CodePreparationTime);
    }

    private static int Count(Type type) =>
        type.GetMethods(Declared).Count(m => !m.IsAbstract && !m.ContainsGenericParameters)
        + type.GetConstructors(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic).Length;

    private static ReplicaOptions Options(bool prepare) => new()
    {
        InitialRole = ReplicaRole.Backup,
        MaxMessageLength = ReplicaCluster.MaxMessage,
        MaxCallResponseLength = 64,
        PrepareCode = prepare,
    };
}
