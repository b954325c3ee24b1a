using System.Text;
using RdmaStack.Hashing;

namespace RdmaStack.Tests.Hashing;

public class Crc32CTests
{
    [Fact]
    public void Matches_the_standard_check_value()
    {
        // The CRC-32C check value from the Castagnoli catalogue (RFC 3720, iSCSI).
        Assert.Equal(0xE3069283u, Crc32C.Compute("123456789"u8));
    }

    [Fact]
    public void Matches_RFC_3720_test_vectors()
    {
        Assert.Equal(0x8A9136AAu, Crc32C.Compute(new byte[32]));
        Assert.Equal(0x62A8AB43u, Crc32C.Compute(Enumerable.Repeat((byte)0xFF, 32).ToArray()));
        Assert.Equal(0x46DD794Eu, Crc32C.Compute(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray()));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(13)]
    [InlineData(64)]
    [InlineData(1000)]
    public void Pieces_give_the_same_checksum_as_the_whole(int length)
    {
        byte[] data = Encoding.ASCII.GetBytes(new string('x', length));
        new Random(length).NextBytes(data);
        int cut = length / 3;
        uint pieces = ~Crc32C.Append(Crc32C.Append(Crc32C.Seed, data.AsSpan(0, cut)), data.AsSpan(cut));
        Assert.Equal(Crc32C.Compute(data), pieces);
    }

    [Fact]
    public void Word_appends_equal_their_little_endian_bytes()
    {
        byte[] bytes = BitConverter.GetBytes(0x0123_4567_89AB_CDEFUL);
        Assert.Equal(Crc32C.Append(Crc32C.Seed, bytes), Crc32C.Append(Crc32C.Seed, 0x0123_4567_89AB_CDEFUL));
        Assert.Equal(Crc32C.Append(Crc32C.Seed, bytes.AsSpan(0, 4)), Crc32C.Append(Crc32C.Seed, 0x89AB_CDEFu));
    }
}
