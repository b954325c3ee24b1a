using System.Security.Cryptography;
using RdmaStack.Providers.NetworkDirect;
using RdmaStack.Queues;
using RdmaStack.Transport.Handshake;

namespace RdmaStack.NetworkDirect.Tests.Providers.NetworkDirect;

/// <summary>Connects the two ends of a queue the way two hosts would: each end made on its adapter, offers and a
/// handshake key exchanged (here in memory, between hosts on the side channel), the accepting end on a thread of
/// its own. Works over the loopback double and over a real provider alike.</summary>
internal static class QueueConnections
{
    public static byte[] NewKey() => RandomNumberGenerator.GetBytes(32);

    /// <summary>Connects <paramref name="dialler"/> and <paramref name="acceptor"/>, each with the other's offer.</summary>
    public static void Connect(NetworkDirectQueueEnd dialler, NetworkDirectQueueEnd acceptor, byte[] key)
    {
        Exception? acceptFailed = null;
        var accepting = new Thread(() => acceptFailed = Record.Exception(() => acceptor.Connect(dialler.Offer, key, cancellation: TestContext.Current.CancellationToken)));
        accepting.Start();
        try
        {
            dialler.Connect(acceptor.Offer, key, cancellation: TestContext.Current.CancellationToken);
        }
        finally
        {
            accepting.Join();
        }

        if (acceptFailed is not null)
        {
            throw acceptFailed;
        }
    }

    /// <summary>One queue from <paramref name="writerAdapter"/> (the writer, dialling) to <paramref name="readerAdapter"/>
    /// (the reader, accepting), connected; the ends are not handed over yet.</summary>
    public static (NetworkDirectQueueEnd Writer, NetworkDirectQueueEnd Reader) ConnectEnds(NetworkDirectAdapter writerAdapter, NetworkDirectAdapter readerAdapter, SegmentedQueueGeometry geometry, NetworkDirectConnectionOptions? options = null)
    {
        NetworkDirectQueueEnd writer = NetworkDirectQueueEnd.Create(writerAdapter, geometry, QueueEndpointRole.Writer, 0, NetworkDirectConnectionSide.Dial, options);
        NetworkDirectQueueEnd? reader = null;
        try
        {
            reader = NetworkDirectQueueEnd.Create(readerAdapter, geometry, QueueEndpointRole.Reader, 0, NetworkDirectConnectionSide.Accept, options);
            Connect(writer, reader, NewKey());
            return (writer, reader);
        }
        catch
        {
            reader?.Dispose();
            writer.Dispose();
            throw;
        }
    }

    /// <summary>The connected writer and reader of one queue.</summary>
    public static (SegmentedQueueWriter Writer, SegmentedQueueReader Reader) Open(NetworkDirectAdapter writerAdapter, NetworkDirectAdapter readerAdapter, SegmentedQueueGeometry geometry, NetworkDirectConnectionOptions? options = null)
    {
        (NetworkDirectQueueEnd writer, NetworkDirectQueueEnd reader) = ConnectEnds(writerAdapter, readerAdapter, geometry, options);
        return (writer.CreateWriter(), reader.CreateReader());
    }
}
