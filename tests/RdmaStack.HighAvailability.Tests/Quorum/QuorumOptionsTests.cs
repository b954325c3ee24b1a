using RdmaStack.HighAvailability.Quorum;

namespace RdmaStack.HighAvailability.Tests.Quorum;

/// <summary>The quorum's settings: the majority by default, any quorum from the majority to unanimity, nothing less.</summary>
public sealed class QuorumOptionsTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 2)]
    [InlineData(4, 3)]
    [InlineData(5, 3)]
    public void The_default_quorum_is_a_majority(int processors, int quorum) =>
        Assert.Equal(quorum, new QuorumOptions { ProcessorCount = processors }.EffectiveQuorum);

    [Theory]
    [InlineData(3, 1)]
    [InlineData(4, 2)]
    [InlineData(5, 2)]
    [InlineData(3, 4)]
    public void Rejects_a_quorum_below_the_majority_or_above_the_processors(int processors, int quorum)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new QuorumOptions { ProcessorCount = processors, Quorum = quorum }.Validate());
        Assert.Equal(nameof(QuorumOptions.Quorum), e.ParamName);
    }

    [Fact]
    public void Accepts_unanimity() => new QuorumOptions { ProcessorCount = 5, Quorum = 5 }.Validate();

    [Fact]
    public void Rejects_more_processors_than_the_voter_holds() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new QuorumOptions { ProcessorCount = QuorumOptions.MaxProcessors + 1 }.Validate());

    [Fact]
    public void Rejects_a_heartbeat_timeout_not_above_the_interval() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new QuorumOptions { HeartbeatInterval = TimeSpan.FromMilliseconds(5), HeartbeatTimeout = TimeSpan.FromMilliseconds(5) }.Validate());

    [Fact]
    public void Rejects_call_responses_that_cannot_fit_a_message() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new QuorumOptions { MaxMessageLength = 256, MaxCallResponseLength = 250 }.Validate());
}
