using System.Buffers.Binary;
using RdmaStack.HighAvailability.ExternalCalls;
using RdmaStack.Samples.OrderMatching;

namespace RdmaStack.HighAvailability.Tests.OrderMatching;

/// <summary>The reference-price service shared through a ledger file: what one opener executed, another recovers;
/// a key recovered as never executed is refused for good; keys called twice are counted.</summary>
public sealed class SharedReferencePriceServiceTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rdmastack-ledger-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Two_openers_share_one_ledger_and_honour_the_recovery_contract()
    {
        string path = Path.Combine(_folder, "prices.ledger");
        using var primary = new SharedReferencePriceService(path, capacity: 100);
        using var promoted = new SharedReferencePriceService(path, capacity: 100);
        byte[] response = new byte[8];

        Assert.Equal(ExternalCallResult.Completed(8), primary.Execute(new ExternalCallKey(1, 0), [], response));
        Assert.Equal(10_000, BinaryPrimitives.ReadInt64LittleEndian(response));
        Assert.Equal(ExternalCallResult.Completed(8), primary.Execute(new ExternalCallKey(2, 0), [], response));
        Assert.Equal(10_001, BinaryPrimitives.ReadInt64LittleEndian(response)); // the price moves a tick per call

        // The new primary looks up what the dead one may have called: key 2 was executed, key 3 never was.
        response.AsSpan().Clear();
        Assert.Equal(ExternalCallResult.Completed(8), promoted.Recover(new ExternalCallKey(2, 0), response));
        Assert.Equal(10_001, BinaryPrimitives.ReadInt64LittleEndian(response));
        Assert.Equal(ExternalCallResult.NotExecuted, promoted.Recover(new ExternalCallKey(3, 0), response));

        // The dead primary's late call for key 3 is refused; a repeated key 1 gets its recorded answer.
        Assert.Equal(ExternalCallResult.Failed, primary.Execute(new ExternalCallKey(3, 0), [], response));
        Assert.Equal(ExternalCallResult.Completed(8), promoted.Execute(new ExternalCallKey(1, 0), [], response));
        Assert.Equal(10_000, BinaryPrimitives.ReadInt64LittleEndian(response));
        Assert.Equal(ExternalCallResult.Failed, primary.Execute(new ExternalCallKey(101, 0), [], response)); // past the capacity

        Assert.True(promoted.TryGetRecorded(new ExternalCallKey(2, 0), out ExternalCallStatus status, out long price));
        Assert.Equal((ExternalCallStatus.Completed, 10_001L), (status, price));
        Assert.True(promoted.TryGetRecorded(new ExternalCallKey(3, 0), out status, out _));
        Assert.Equal(ExternalCallStatus.NotExecuted, status);
        Assert.False(promoted.TryGetRecorded(new ExternalCallKey(4, 0), out _, out _));
        Assert.Equal(new ReferencePriceLedgerSummary(Calls: 5, Executed: 2, Lookups: 2, Refusals: 1, KeysCalledTwice: 1, CallsOnRefusedKeys: 1, Overflows: 1), primary.Summarize());
    }

    [Fact]
    public void A_file_that_is_not_a_ledger_of_that_capacity_is_refused()
    {
        string path = Path.Combine(_folder, "prices.ledger");
        using (new SharedReferencePriceService(path, capacity: 10))
        {
        }

        Assert.Throws<InvalidDataException>(() => new SharedReferencePriceService(path, capacity: 20));
    }
}
