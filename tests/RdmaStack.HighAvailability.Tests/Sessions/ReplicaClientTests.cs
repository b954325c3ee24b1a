using RdmaStack.HighAvailability.Replication;
using RdmaStack.HighAvailability.Sessions;
using RdmaStack.HighAvailability.Tests.Transport;
using RdmaStack.Queues;

namespace RdmaStack.HighAvailability.Tests.Sessions;

/// <summary>The client session on its own: window, size limit, resend on "not primary", a dead server.</summary>
public class ReplicaClientTests
{
    [Fact]
    public void The_window_bounds_unanswered_requests_and_the_payload_must_fit_a_replicated_input()
    {
        var client = new ReplicaClient(1, new ReplicaClientOptions { MaxMessageLength = 256, Window = 2 });
        client.AddServer(new InMemoryStream(256), new InMemoryStream(256));
        Assert.Equal(1, client.Submit([1]));
        Assert.Equal(2, client.Submit([2]));
        Assert.Equal(0, client.Submit([3]));
        Assert.Equal(2, client.Unanswered);
        Assert.Equal(256 - ReplicaOptions.InputHeaderLength, client.MaxPayloadLength);
        Assert.Throws<ArgumentOutOfRangeException>(() => client.Submit(new byte[client.MaxPayloadLength + 1]));
    }

    [Fact]
    public void A_not_primary_reply_moves_the_client_to_the_other_server_with_everything_unanswered()
    {
        var clock = new Journal.AdjustableClock();
        var client = new ReplicaClient(7, new ReplicaClientOptions { MaxMessageLength = 256, Window = 4, TimeProvider = clock });
        var requests0 = new InMemoryStream(256);
        var replies0 = new InMemoryStream(256);
        var requests1 = new InMemoryStream(256);
        var replies1 = new InMemoryStream(256);
        client.AddServer(requests0, replies0);
        client.AddServer(requests1, replies1);
        client.Submit([1]);
        client.Submit([2]);
        Assert.Equal(2, requests0.Offered);

        Reply(replies0, 1, ReplyStatus.NotPrimary);
        var handler = new Handler();
        client.Poll(ref handler);
        Assert.Equal(0, client.CurrentServer); // waits the retry delay first
        clock.Advance(TimeSpan.FromMilliseconds(5));
        client.Poll(ref handler);
        Assert.Equal(1, client.CurrentServer);
        Assert.Equal(2, requests1.Offered); // both unanswered requests, again, in order

        Reply(replies1, 2, ReplyStatus.Processed, 22);
        Reply(replies1, 1, ReplyStatus.Processed, 21);
        Reply(replies1, 1, ReplyStatus.Processed, 21); // a repeated reply is dropped
        client.Poll(ref handler);
        Assert.Equal([2L, 1], handler.Sequences);
        Assert.Equal(0, client.Unanswered);

        requests1.KillReader();
        replies1.KillWriter(); // server 1 dies: the client goes back to server 0
        client.Submit([3]);
        client.Poll(ref handler);
        Assert.Equal(0, client.CurrentServer);
        Assert.Equal(3, requests0.Offered);
    }

    [Fact]
    public void A_newer_primary_term_moves_the_client_at_once_and_an_older_one_is_ignored()
    {
        var clock = new Journal.AdjustableClock();
        var client = new ReplicaClient(3, new ReplicaClientOptions { MaxMessageLength = 256, Window = 4, TimeProvider = clock });
        var requests0 = new InMemoryStream(256);
        var replies0 = new InMemoryStream(256);
        var requests1 = new InMemoryStream(256);
        var replies1 = new InMemoryStream(256);
        client.AddServer(requests0, replies0);
        client.AddServer(requests1, replies1);
        var handler = new Handler();
        Announce(replies0, 1);
        client.Poll(ref handler);
        Assert.Equal((1L, 0), (client.PrimaryTerm, client.CurrentServer));
        client.Submit([1]);
        client.Submit([2]);

        Announce(replies1, 2); // server 1 was promoted: no timeout, no "not primary" needed
        client.Poll(ref handler);
        Assert.Equal((2L, 1), (client.PrimaryTerm, client.CurrentServer));
        Assert.Equal(2, requests1.Offered); // everything unanswered, again, in order
        Assert.Equal(1, client.ServerSwitches);

        Announce(replies0, 1); // a stale announcement (delayed on the old primary's stream) changes nothing
        Reply(replies0, 1, ReplyStatus.Processed, 21); // while a late reply from the old primary still counts
        client.Poll(ref handler);
        Assert.Equal((2L, 1), (client.PrimaryTerm, client.CurrentServer));
        Assert.Equal([1L], handler.Sequences);
        Assert.Equal(0, client.ReplyServer);
    }

    private static void Announce(InMemoryStream replies, long term)
    {
        byte[] message = new byte[1 + 8];
        var writer = new WireWriter(message);
        writer.Type(MessageType.PrimaryTerm);
        writer.Int64(term);
        Assert.True(replies.Offer(message) > 0);
    }

    private static void Reply(InMemoryStream replies, long clientSequence, ReplyStatus status, byte output = 0)
    {
        byte[] message = new byte[ReplicaOptions.ReplyHeaderLength + 1];
        var writer = new WireWriter(message);
        writer.Type(MessageType.Reply);
        writer.Int64(clientSequence);
        writer.Int64(100 + clientSequence);
        writer.Byte((byte)status);
        writer.Byte(output);
        Assert.True(replies.Offer(writer.Written) > 0);
    }

    private sealed class Handler : IReplyHandler
    {
        public List<long> Sequences { get; } = [];

        public void OnReply(long clientSequence, ReplyStatus status, long recordSequence, ReadOnlySpan<byte> output)
        {
            Assert.Equal(ReplyStatus.Processed, status);
            Assert.Equal(100 + clientSequence, recordSequence);
            Assert.Equal(20 + clientSequence, output[0]);
            Sequences.Add(clientSequence);
        }
    }
}
