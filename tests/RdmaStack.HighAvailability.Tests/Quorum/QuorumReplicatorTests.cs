using RdmaStack.HighAvailability.Quorum;
using RdmaStack.Samples.OrderMatching;

namespace RdmaStack.HighAvailability.Tests.Quorum;

/// <summary>
/// The quorum replicator with N = 3 processors of the order book, each on its own thread over in-process streams:
/// a processor returning wrong bytes, one dying mid-stream, one slow, two faulty, one restarted and re-admitted.
/// Every test checks each agreed answer against a replay of the stamped inputs through a correct order book, and
/// that no client message was answered twice.
/// </summary>
public sealed class QuorumReplicatorTests
{
    [Fact]
    public void Every_answer_is_the_quorums_when_one_processor_returns_wrong_bytes_and_it_is_ejected_after_K_disagreements()
    {
        using var cluster = new QuorumCluster(QuorumCluster.DefaultOptions, i => Engine(i == 2 ? _ => true : null));

        cluster.Send(300);

        Assert.Equal(300, cluster.Answers.WithStatus(QuorumReplyStatus.Agreed).Count());
        cluster.AssertNoWrongAnswer();
        List<QuorumProcessorEvent> events = cluster.Observer.Events.Where(e => e.Processor == 2).ToList();
        int firstEjection = events.FindIndex(e => e.Kind == QuorumProcessorEventKind.Ejected);
        Assert.True(firstEjection >= 0, "processor 2 was never ejected");
        Assert.Equal(EjectionReason.Disagreement, events[firstEjection].Reason);
        Assert.Equal(QuorumCluster.DefaultOptions.DisagreementLimit, events.Take(firstEjection).Count(e => e.Kind == QuorumProcessorEventKind.Dissented));
        Assert.Empty(cluster.Observer.EventsOf(0, QuorumProcessorEventKind.Ejected));
        Assert.Empty(cluster.Observer.EventsOf(1, QuorumProcessorEventKind.Ejected));
        Assert.Equal(1, cluster.Service.MaxCallsPerKey);
    }

    [Fact]
    public void Fewer_than_K_disagreements_within_the_window_do_not_eject()
    {
        QuorumOptions options = QuorumCluster.DefaultOptions with { DisagreementLimit = 3, DisagreementWindow = 100 };
        long[] wrong = [5, 50, 120, 130];
        using var cluster = new QuorumCluster(options, i => Engine(i == 1 ? s => wrong.Contains(s) : null));

        cluster.Send(140);
        cluster.WaitFor(() => cluster.Observer.EventsOf(1, QuorumProcessorEventKind.Ejected).Count > 0, "processor 1's ejection at its fourth dissent");

        cluster.AssertNoWrongAnswer();
        List<QuorumProcessorEvent> events = cluster.Observer.Events.Where(e => e.Processor == 1 && e.Kind != QuorumProcessorEventKind.Connected).ToList();
        Assert.Equal(
            new (QuorumProcessorEventKind, long)[] { (QuorumProcessorEventKind.Admitted, 1L), (QuorumProcessorEventKind.Dissented, 5L), (QuorumProcessorEventKind.Dissented, 50L), (QuorumProcessorEventKind.Dissented, 120L), (QuorumProcessorEventKind.Dissented, 130L) },
            events.Take(5).Select(e => (e.Kind, e.Sequence)));
        Assert.Equal(QuorumProcessorEventKind.Ejected, events[5].Kind);
    }

    [Fact]
    public void Answers_continue_when_a_processor_dies_mid_stream_and_none_is_answered_twice()
    {
        using var cluster = new QuorumCluster(QuorumCluster.DefaultOptions);

        cluster.Send(150);
        cluster.Kill(1);
        cluster.Send(150);
        cluster.WaitFor(() => cluster.Replicator.GetProcessorStatus(1).Incarnation == 2, "the dead processor's streams to be replaced");

        Assert.Equal(300, cluster.Answers.WithStatus(QuorumReplyStatus.Agreed).Count());
        Assert.Equal(0, cluster.Answers.Duplicates);
        cluster.AssertNoWrongAnswer();
        QuorumProcessorEvent ejection = Assert.Single(cluster.Observer.EventsOf(1, QuorumProcessorEventKind.Ejected));
        Assert.Equal(EjectionReason.StreamClosed, ejection.Reason);
        Assert.Equal(2, cluster.Replicator.GetProcessorStatus(1).Incarnation);
        Assert.Equal(1, cluster.Service.MaxCallsPerKey);
    }

    [Fact]
    public void A_processor_whose_heartbeat_stops_is_ejected_and_answers_go_on()
    {
        // Short enough for a quick test, long enough that the live processors' heartbeats (every 2 ms) never miss it
        // on a loaded machine: a second one taken for dead would leave no quorum.
        QuorumOptions options = QuorumCluster.DefaultOptions with { HeartbeatTimeout = TimeSpan.FromSeconds(1) };
        using var cluster = new QuorumCluster(options);

        cluster.Send(50);
        cluster.Freeze(0);
        cluster.WaitFor(() => cluster.Replicator.GetProcessorStatus(0).Incarnation == 2, "processor 0 to be found dead");
        cluster.Send(50);

        Assert.Equal(100, cluster.Answers.WithStatus(QuorumReplyStatus.Agreed).Count());
        cluster.AssertNoWrongAnswer();
        Assert.Contains(cluster.Observer.EventsOf(0, QuorumProcessorEventKind.Ejected), e => e.Reason == EjectionReason.MissedHeartbeat);
    }

    [Fact]
    public void Answers_come_at_the_speed_of_the_quorum_while_one_processor_is_held_and_its_late_answers_agree()
    {
        using var cluster = new QuorumCluster(QuorumCluster.DefaultOptions);
        cluster.ToProcessor(2).Held = true;

        cluster.Send(100);

        Assert.Equal(100, cluster.Answers.WithStatus(QuorumReplyStatus.Agreed).Count());
        Assert.Equal(0, cluster.Replicator.GetProcessorStatus(2).Responses);
        cluster.ToProcessor(2).Held = false;
        cluster.WaitFor(() => cluster.Replicator.GetProcessorStatus(2).Responses == 100, "the held processor's responses");
        QuorumProcessorStatus slow = cluster.Replicator.GetProcessorStatus(2);
        Assert.Equal(100, slow.Late);
        Assert.Equal(0, slow.Dissents);
        Assert.Equal(0, slow.Ejections);
        cluster.AssertNoWrongAnswer();
    }

    [Fact]
    public void Two_faulty_processors_get_explicit_errors_naming_the_sequence_and_never_a_wrong_answer()
    {
        using var cluster = new QuorumCluster(QuorumCluster.DefaultOptions, i => i switch
        {
            1 => new CorruptingEngine(new OrderMatchingEngine(), _ => true, 0x01),
            2 => new CorruptingEngine(new OrderMatchingEngine(), _ => true, 0x02),
            _ => new OrderMatchingEngine(),
        });

        cluster.Send(60);

        Assert.Equal(60, cluster.Answers.WithStatus(QuorumReplyStatus.NoQuorum).Count());
        Assert.Equal(Enumerable.Range(1, 60).Select(i => (long)i), cluster.Answers.All.Values.Select(a => a.Sequence).Order());
        Assert.All(cluster.Answers.All.Values, a => Assert.Empty(a.Response));
        Assert.Equal(0, cluster.Answers.Duplicates);
        Assert.Equal(60, cluster.Replicator.NoQuorum);
    }

    [Fact]
    public void With_two_processors_dead_every_message_is_answered_no_quorum_at_once()
    {
        using var cluster = new QuorumCluster(QuorumCluster.DefaultOptions);
        cluster.Send(20);
        cluster.Kill(1);
        cluster.Kill(2);
        cluster.WaitFor(() => cluster.Replicator.ActiveProcessors == 1, "both processors to be found dead");

        cluster.Send(20);

        Assert.Equal(20, cluster.Answers.WithStatus(QuorumReplyStatus.Agreed).Count());
        Assert.Equal(20, cluster.Answers.WithStatus(QuorumReplyStatus.NoQuorum).Count());
        Assert.All(cluster.Answers.WithStatus(QuorumReplyStatus.NoQuorum), a => Assert.True(a.Sequence > 20));
        cluster.AssertNoWrongAnswer();
    }

    [Fact]
    public void A_restarted_processor_is_readmitted_after_a_state_transfer_whose_digest_matches()
    {
        using var cluster = new QuorumCluster(QuorumCluster.DefaultOptions);
        cluster.Send(100);
        cluster.Kill(2);
        cluster.Send(100);

        cluster.StartProcessor(2, 2, new OrderMatchingEngine());
        cluster.WaitFor(() => cluster.Replicator.GetProcessorStatus(2).State == QuorumProcessorState.Active, "the restarted processor to be admitted");
        cluster.Send(100);
        cluster.WaitFor(() => Enumerable.Range(0, 3).All(i => cluster.Processor(i).LastSequence == 300), "every processor to finish");
        cluster.StopAll();

        Assert.Equal(300, cluster.Answers.WithStatus(QuorumReplyStatus.Agreed).Count());
        cluster.AssertNoWrongAnswer();
        QuorumProcessorEvent admitted = cluster.Observer.EventsOf(2, QuorumProcessorEventKind.Admitted).Last();
        Assert.Equal(2, admitted.Incarnation);
        Assert.InRange(admitted.Sequence, 201, 301);
        Assert.Equal(1, cluster.Processor(2).SnapshotsRestored);
        Assert.Equal(1, cluster.Replicator.Readmissions);
        Assert.Equal(cluster.Processor(0).ComputeStateDigest(), cluster.Processor(2).ComputeStateDigest());
        Assert.Equal(cluster.Processor(0).ComputeStateDigest(), cluster.Processor(1).ComputeStateDigest());
        Assert.True(cluster.Replicator.GetProcessorStatus(2).Responses > 0, "the re-admitted processor never voted");
        Assert.Equal(0, cluster.Replicator.GetProcessorStatus(2).Dissents);
    }

    [Fact]
    public void A_joiner_whose_restored_digest_differs_is_not_admitted()
    {
        using var cluster = new QuorumCluster(QuorumCluster.DefaultOptions with { HeartbeatTimeout = TimeSpan.FromSeconds(1) });
        cluster.Send(30);
        cluster.Kill(2);
        var skewed = new SkewedRestoreEngine(new OrderMatchingEngine());
        cluster.StartProcessor(2, 2, skewed);
        cluster.WaitFor(() => cluster.Replicator.TransfersFailed >= 2, "two failed transfers");

        cluster.Send(30);

        Assert.NotEqual(QuorumProcessorState.Active, cluster.Replicator.GetProcessorStatus(2).State);
        Assert.DoesNotContain(cluster.Observer.EventsOf(2, QuorumProcessorEventKind.Admitted), e => e.Incarnation == 2);
        Assert.NotEmpty(cluster.Observer.EventsOf(2, QuorumProcessorEventKind.TransferFailed));
        Assert.Equal(60, cluster.Answers.WithStatus(QuorumReplyStatus.Agreed).Count());
        cluster.AssertNoWrongAnswer();
    }

    [Fact]
    public void A_unanimous_quorum_answers_no_quorum_where_one_processor_dissents()
    {
        QuorumOptions options = QuorumCluster.DefaultOptions with { Quorum = 3 };
        using var cluster = new QuorumCluster(options, i => Engine(i == 0 ? s => s == 10 : null));

        cluster.Send(20);

        QuorumAnswers.Answer tenth = Assert.Single(cluster.Answers.WithStatus(QuorumReplyStatus.NoQuorum));
        Assert.Equal(10, tenth.Sequence);
        Assert.Equal(19, cluster.Answers.WithStatus(QuorumReplyStatus.Agreed).Count());
        cluster.AssertNoWrongAnswer();
    }

    [Fact]
    public void Each_external_call_reaches_the_service_once_and_every_processor_gets_its_result()
    {
        using var cluster = new QuorumCluster(QuorumCluster.DefaultOptions);

        cluster.Send(200);
        cluster.WaitFor(() => Enumerable.Range(0, 3).All(i => cluster.Processor(i).LastSequence == 200), "every processor to finish");
        cluster.StopAll();

        Assert.True(cluster.Service.Executed > 50, $"only {cluster.Service.Executed} calls");
        Assert.Equal(1, cluster.Service.MaxCallsPerKey);
        Assert.Equal(cluster.Service.Executed, cluster.Replicator.CallsExecuted);
        Assert.All(Enumerable.Range(0, 3), i => Assert.Equal(cluster.Service.Executed, cluster.Processor(i).ExternalCalls));
        cluster.AssertNoWrongAnswer();
    }

    private static CorruptingEngine Engine(Func<long, bool>? corruptAt) => new(new OrderMatchingEngine(), corruptAt ?? (_ => false));
}
