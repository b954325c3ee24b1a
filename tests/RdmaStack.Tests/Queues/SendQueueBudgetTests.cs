using RdmaStack.Queues;

namespace RdmaStack.Tests.Queues;

public class SendQueueBudgetTests
{
    [Fact]
    public void Signals_every_interval_and_never_exceeds_the_depth()
    {
        var budget = new SendQueueBudget(depth: 8, interval: 4);
        var signaled = new List<bool>();
        while (!budget.IsFull)
        {
            signaled.Add(budget.NextSignaled());
            budget.Posted();
        }

        Assert.Equal([false, false, false, true, false, false, false, true], signaled);
        Assert.Equal(8, budget.Outstanding);
        budget.Completed(1);
        Assert.Equal(4, budget.Outstanding);
        Assert.False(budget.IsFull);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(4, 0)]
    [InlineData(4, 5)]
    public void Rejects_an_interval_the_depth_cannot_hold(int depth, int interval) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new SendQueueBudget(depth, interval));
}
