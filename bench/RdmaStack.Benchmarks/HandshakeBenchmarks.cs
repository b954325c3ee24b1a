using System.IO.Pipes;
using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using RdmaStack.Queues;
using RdmaStack.Transport.Handshake;

namespace RdmaStack.Benchmarks;

/// <summary>
/// The connection handshake (set-up path, allocates by design): both sides authenticate with HMAC-SHA256
/// proofs and exchange MAC'd offers over a pair of OS pipes, one side on a second thread. The baseline is
/// the crypto floor: the HMAC-SHA256 of one offer-sized message.
/// </summary>
[MemoryDiagnoser]
[CategoriesColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[BenchmarkCategory("Handshake")]
public class HandshakeBenchmarks
{
    private static readonly byte[] s_secret = RandomNumberGenerator.GetBytes(32);
    private readonly byte[] _offerSized = new byte[160];
    private readonly byte[] _mac = new byte[32];
    private ConnectionOffer _writerOffer = null!;
    private ConnectionOffer _readerOffer = null!;

    [GlobalSetup]
    public void Setup()
    {
        var geometry = new SegmentedQueueGeometry(4, 256, 64);
        byte[] gid = new byte[ConnectionHandshake.GidLength];
        _writerOffer = new ConnectionOffer(geometry, gid, [new QueueEndpoint(QueueEndpointRole.Writer, 1, 2, 0x1000, 3, ControlBlockDescriptor.Length)]);
        _readerOffer = new ConnectionOffer(geometry, gid, [new QueueEndpoint(QueueEndpointRole.Reader, 4, 5, 0x2000, 6, geometry.RingRegionLength)]);
    }

    [Benchmark(Baseline = true)]
    public int HmacOfOneOffer() => HMACSHA256.HashData(s_secret, _offerSized, _mac);

    /// <summary>Hello, proof and offer each way, every MAC computed and checked, both sides.</summary>
    [Benchmark]
    public int AuthenticateAndExchange()
    {
        using var aToB = new AnonymousPipeServerStream(PipeDirection.Out);
        using var bFromA = new AnonymousPipeClientStream(PipeDirection.In, aToB.ClientSafePipeHandle);
        using var bToA = new AnonymousPipeServerStream(PipeDirection.Out);
        using var aFromB = new AnonymousPipeClientStream(PipeDirection.In, bToA.ClientSafePipeHandle);
        using var a = new ConnectionHandshake(new DuplexStream(aFromB, aToB), s_secret, TimeSpan.FromSeconds(5));
        using var b = new ConnectionHandshake(new DuplexStream(bFromA, bToA), s_secret, TimeSpan.FromSeconds(5));
        var peer = new Thread(() => b.Run(() => _readerOffer));
        peer.Start();
        (_, ConnectionOffer fromPeer) = a.Run(() => _writerOffer);
        peer.Join();
        return fromPeer.Queues.Count;
    }

    /// <summary>Reads from one pipe, writes to the other: a socket's shape without the network.</summary>
    private sealed class DuplexStream(Stream input, Stream output) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override bool CanTimeout => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() => output.Flush();

        public override int Read(byte[] buffer, int offset, int count) => input.Read(buffer, offset, count);

        public override int Read(Span<byte> buffer) => input.Read(buffer);

        public override void Write(byte[] buffer, int offset, int count) => output.Write(buffer, offset, count);

        public override void Write(ReadOnlySpan<byte> buffer) => output.Write(buffer);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
