using System.Buffers.Binary;
using RdmaStack.Transport.Handshake;

namespace RdmaStack.Fuzz;

/// <summary>
/// The dialling stranger of the handshake harness: a stream whose reads serve the fuzz input as the peer's bytes and
/// whose writes take the accepting side's. The first byte of the input says which MACs (and nonce echoes) to make
/// right before serving (bit 0 the proof, 1 the route, 2 the offer, 3 ready), once the accepting side's hello has
/// shown its nonce: without that, a mutated message would never get past its MAC and the decoders behind it would
/// never see fuzzed bytes. The second byte bounds each read (0: as much as asked), so messages also arrive split.
/// </summary>
/// <remarks>Wire layout as documented on <see cref="ConnectionHandshake"/>.</remarks>
internal sealed class ScriptedPeerStream : Stream
{
    internal const int MagicLength = 8;
    internal const int HeaderLength = MagicLength + 1 + 2;
    private const int NonceLength = ConnectionHandshake.NonceLength;
    private const int MacLength = 32;
    private readonly byte[] _secret;
    private readonly byte _repair;
    private readonly int _chunk;
    private readonly byte[] _script;
    private readonly MemoryStream _written = new();
    private int _served;
    private bool _repaired;

    public ScriptedPeerStream(byte[] secret, byte repair, byte chunk, ReadOnlySpan<byte> script)
    {
        _secret = secret;
        _repair = repair;
        _chunk = chunk == 0 ? int.MaxValue : chunk;
        _script = script.ToArray();
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (!_repaired)
        {
            _repaired = true;
            Repair();
        }

        int n = Math.Min(Math.Min(buffer.Length, _chunk), _script.Length - _served);
        _script.AsSpan(_served, n).CopyTo(buffer);
        _served += n;
        return n;
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer) => _written.Write(buffer);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    /// <summary>Makes the MACs and echoes the repair byte asks for right, walking the script as the protocol lays it out:
    /// hello, proof, route, offer, ready.</summary>
    private void Repair()
    {
        byte[] written = _written.ToArray();
        byte[] local = written.Length >= MagicLength + 1 + NonceLength ? written.AsSpan(MagicLength + 1, NonceLength).ToArray() : new byte[NonceLength];
        Span<byte> s = _script;
        int helloLength = MagicLength + 1 + NonceLength;
        if (s.Length < helloLength)
        {
            return;
        }

        byte[] peer = s.Slice(MagicLength + 1, NonceLength).ToArray();
        int p = helloLength;
        int proofLength = MagicLength + 1 + NonceLength + MacLength;
        if (s.Length < p + proofLength)
        {
            return;
        }

        if ((_repair & 1) != 0)
        {
            local.CopyTo(s[(p + MagicLength + 1)..]);
            ConnectionHandshake.ComputeMac(_secret, ConnectionHandshake.ProofType, peer, local, []).CopyTo(s[(p + MagicLength + 1 + NonceLength)..]);
        }

        p += proofLength;
        p = RepairSealed(s, p, (_repair & 2) != 0, ConnectionHandshake.RouteType, peer, local, echo: false);
        p = RepairSealed(s, p, (_repair & 4) != 0, ConnectionHandshake.OfferType, peer, local, echo: true);
        if (p < 0 || s.Length < p + MagicLength + 1 + MacLength || (_repair & 8) == 0)
        {
            return;
        }

        ConnectionHandshake.ComputeMac(_secret, ConnectionHandshake.ReadyType, peer, local, []).CopyTo(s[(p + MagicLength + 1)..]);
    }

    /// <summary>A sealed message at <paramref name="p"/>: its MAC (and the echo that opens an offer's body) made right
    /// if <paramref name="repair"/>. Returns where the next message starts, or -1 past the end.</summary>
    private int RepairSealed(Span<byte> s, int p, bool repair, byte type, byte[] peer, byte[] local, bool echo)
    {
        if (p < 0 || s.Length < p + HeaderLength)
        {
            return -1;
        }

        int body = BinaryPrimitives.ReadUInt16LittleEndian(s[(p + MagicLength + 1)..]);
        int end = p + HeaderLength + body + MacLength;
        if (s.Length < end)
        {
            return -1;
        }

        if (repair)
        {
            if (echo && body >= NonceLength)
            {
                local.CopyTo(s[(p + HeaderLength)..]);
            }

            ConnectionHandshake.ComputeMac(_secret, type, peer, local, s.Slice(p, HeaderLength + body)).CopyTo(s[(p + HeaderLength + body)..]);
        }

        return end;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _written.Dispose();
        }

        base.Dispose(disposing);
    }
}
