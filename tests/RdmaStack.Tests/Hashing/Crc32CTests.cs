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
    public void Striped_long_inputs_match_a_bitwise_reference_at_every_length_and_seed()
    {
        var random = new Random(6);
        byte[] data = new byte[5000];
        random.NextBytes(data);
        int[] lengths = [.. Enumerable.Range(0, 1200), 1535, 1536, 1537, 3839, 3840, 4095, 4096, 4097, 5000];
        foreach (int length in lengths)
        {
            uint seed = (uint)random.Next();
            Assert.True(BitwiseReference(seed, data.AsSpan(0, length)) == Crc32C.Append(seed, data.AsSpan(0, length)), $"length {length}");
        }
    }

    [Fact]
    public void Striped_form_catches_a_flipped_bit_in_every_stripe()
    {
        byte[] data = new byte[4096];
        new Random(7).NextBytes(data);
        uint good = Crc32C.Compute(data);
        foreach (int at in new[] { 0, 127, 128, 255, 256, 383, 384, 4095 })
        {
            data[at] ^= 0x10;
            Assert.NotEqual(good, Crc32C.Compute(data));
            data[at] ^= 0x10;
        }
    }

    /// <summary>CRC-32C one bit at a time (reflected polynomial 0x82F63B78), the definition itself.</summary>
    private static uint BitwiseReference(uint crc, ReadOnlySpan<byte> data)
    {
        foreach (byte b in data)
        {
            crc ^= b;
            for (int bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F6_3B78u : crc >> 1;
            }
        }

        return crc;
    }

    [Fact]
    public void Word_appends_equal_their_little_endian_bytes()
    {
        byte[] bytes = BitConverter.GetBytes(0x0123_4567_89AB_CDEFUL);
        Assert.Equal(Crc32C.Append(Crc32C.Seed, bytes), Crc32C.Append(Crc32C.Seed, 0x0123_4567_89AB_CDEFUL));
        Assert.Equal(Crc32C.Append(Crc32C.Seed, bytes.AsSpan(0, 4)), Crc32C.Append(Crc32C.Seed, 0x89AB_CDEFu));
    }
}
