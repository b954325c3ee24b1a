using RdmaStack.HighAvailability.Engine;

namespace RdmaStack.HighAvailability.Tests.Engine;

public class DigestBuilderTests
{
    [Fact]
    public void Equal_bytes_give_equal_digests_and_one_flipped_bit_changes_it()
    {
        byte[] data = new byte[37];
        new Random(3).NextBytes(data);
        ulong digest = DigestBuilder.Of(data);
        Assert.Equal(digest, DigestBuilder.Of((byte[])data.Clone()));
        for (int bit = 0; bit < data.Length * 8; bit++)
        {
            byte[] flipped = (byte[])data.Clone();
            flipped[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.NotEqual(digest, DigestBuilder.Of(flipped));
        }

        Assert.NotEqual(digest, DigestBuilder.Of(data, seed: 1));
    }

    [Fact]
    public void Boundaries_between_runs_count()
    {
        var a = new DigestBuilder(0);
        a.Add([1, 2]);
        a.Add([3]);
        var b = new DigestBuilder(0);
        b.Add([1]);
        b.Add([2, 3]);
        Assert.NotEqual(a.Value, b.Value);
        Assert.NotEqual(DigestBuilder.Of([0]), DigestBuilder.Of([0, 0]));
    }
}
