using RdmaStack.HighAvailability.Replication;
using RdmaStack.HighAvailability.Sessions;
using RdmaStack.Queues;

namespace RdmaStack.HighAvailability.Tests.Replication;

/// <summary>Decodes raw reply messages of a probe connection by client sequence (a primary's term announcement is
/// not a reply and is skipped).</summary>
internal readonly struct ReplyCollector(Dictionary<long, (ReplyStatus Status, long Record, byte[] Output)> seen) : IMessageHandler
{
    public void OnMessage(ReadOnlySpan<byte> payload, long sequence)
    {
        if (payload[0] == (byte)MessageType.PrimaryTerm)
        {
            return;
        }

        Assert.Equal((byte)MessageType.Reply, payload[0]);
        var reader = new WireReader(payload[1..]);
        long clientSequence = reader.Int64();
        long record = reader.Int64();
        var status = (ReplyStatus)reader.Byte();
        seen[clientSequence] = (status, record, reader.Rest().ToArray());
    }
}
