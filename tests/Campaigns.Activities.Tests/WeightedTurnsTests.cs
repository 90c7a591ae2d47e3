using Campaigns.Activities.Caps;

namespace Campaigns.Activities.Tests;

/// <summary>How concurrent campaigns share the start limit (pure logic: who gets the next turn).</summary>
public sealed class WeightedTurnsTests
{
    [Fact]
    public async Task TwoCampaignsWaiting_GetTurnsInProportionToTheirWeights()
    {
        var turns = new WeightedTurns();
        var order = new List<string>();
        var first = await turns.WaitAsync("warm-up", 1, CancellationToken.None);

        // 300 requests of each campaign queue while the warm-up holds the turn.
        var waiting = new List<Task>();
        foreach (var key in new[] { "heavy", "light" })
        {
            for (var i = 0; i < 300; i++)
            {
                waiting.Add(TakeAsync(key, key == "heavy" ? 3 : 1));
            }
        }

        first.Dispose();
        await Task.WhenAll(waiting);

        // While both wait, heavy gets 3 turns for each of light's: within the first 200 turns, 150 and 50.
        var firstTurns = order.Take(200).ToList();
        Assert.Equal(150, firstTurns.Count(k => k == "heavy"));
        Assert.Equal(50, firstTurns.Count(k => k == "light"));
        Assert.Equal(600, order.Count);
        Assert.Equal(0, turns.FlowCount); // nothing waits, nothing is remembered

        async Task TakeAsync(string key, int weight)
        {
            using var turn = await turns.WaitAsync(key, weight, CancellationToken.None);
            lock (order)
            {
                order.Add(key);
            }
        }
    }

    [Fact]
    public async Task ACampaignAlone_GetsEveryTurn_AndAnIdleOneDoesNotCashInLaterTurns()
    {
        var turns = new WeightedTurns();
        var order = new List<string>();

        // "early" runs alone for 100 turns, then "late" (same weight) arrives with 100 of its own.
        for (var i = 0; i < 100; i++)
        {
            using var turn = await turns.WaitAsync("early", 1, CancellationToken.None);
            order.Add("early");
        }

        var holder = await turns.WaitAsync("early", 1, CancellationToken.None);
        var waiting = new List<Task>();
        for (var i = 0; i < 100; i++)
        {
            waiting.Add(TakeAsync("early"));
            waiting.Add(TakeAsync("late"));
        }

        holder.Dispose();
        await Task.WhenAll(waiting);

        // Equal weights alternate: "early" is not owed for the turns "late" did not ask for earlier, nor is
        // "late" owed for the 100 turns "early" took alone.
        var mixed = order.Skip(100).Take(100).ToList();
        Assert.InRange(mixed.Count(k => k == "late"), 49, 51);

        async Task TakeAsync(string key)
        {
            using var turn = await turns.WaitAsync(key, 1, CancellationToken.None);
            lock (order)
            {
                order.Add(key);
            }
        }
    }

    [Fact]
    public async Task ACancelledWaiter_GivesUpItsPlace_AndTheNextOneGetsTheTurn()
    {
        var turns = new WeightedTurns();
        var holder = await turns.WaitAsync("a", 1, CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        var cancelled = turns.WaitAsync("b", 1, cancel.Token).AsTask();
        var next = turns.WaitAsync("c", 1, CancellationToken.None).AsTask();

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        holder.Dispose();
        using var turn = await next.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(cancelled.IsCompletedSuccessfully);
    }
}
