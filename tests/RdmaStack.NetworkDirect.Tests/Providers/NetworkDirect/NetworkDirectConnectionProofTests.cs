using RdmaStack.Providers.NetworkDirect;

namespace RdmaStack.NetworkDirect.Tests.Providers.NetworkDirect;

public class NetworkDirectConnectionProofTests
{
    private static readonly byte[] s_key = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];

    [Fact]
    public void Holds_for_the_same_key_queue_and_side_even_when_the_transport_pads_it()
    {
        byte[] padded = new byte[56];
        NetworkDirectConnectionProof.Write(padded, NetworkDirectConnectionSide.Dial, 3, s_key);
        Assert.Null(NetworkDirectConnectionProof.Check(padded, NetworkDirectConnectionSide.Dial, 3, s_key));
        Assert.Equal("RSND"u8.ToArray(), padded[..4]);
    }

    [Fact]
    public void Fails_for_another_key_queue_or_side_and_for_foreign_or_short_data()
    {
        byte[] proof = new byte[NetworkDirectConnectionProof.Length];
        NetworkDirectConnectionProof.Write(proof, NetworkDirectConnectionSide.Accept, 1, s_key);
        byte[] otherKey = [.. s_key.Reverse()];
        Assert.Contains("MAC does not match", NetworkDirectConnectionProof.Check(proof, NetworkDirectConnectionSide.Accept, 1, otherKey), StringComparison.Ordinal);
        Assert.Contains("not queue 2", NetworkDirectConnectionProof.Check(proof, NetworkDirectConnectionSide.Accept, 2, s_key), StringComparison.Ordinal);
        Assert.Contains("from the dial side", NetworkDirectConnectionProof.Check(proof, NetworkDirectConnectionSide.Dial, 1, s_key), StringComparison.Ordinal);
        Assert.Contains("not the 40 B", NetworkDirectConnectionProof.Check(proof.AsSpan(0, 39), NetworkDirectConnectionSide.Accept, 1, s_key), StringComparison.Ordinal);
        byte[] foreign = new byte[64];
        Assert.Contains("not an RdmaStack connection proof", NetworkDirectConnectionProof.Check(foreign, NetworkDirectConnectionSide.Accept, 1, s_key), StringComparison.Ordinal);

        proof[^1] ^= 1;
        Assert.NotNull(NetworkDirectConnectionProof.Check(proof, NetworkDirectConnectionSide.Accept, 1, s_key));
    }
}
