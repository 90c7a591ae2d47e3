using Campaigns.Storage.Model;

namespace Campaigns.Storage.Tests;

public abstract partial class StoreContract
{
    [Fact]
    public async Task EightWriters_SameIntentsAndOutcomes_InDifferentOrders_NoErrorNoRetryOneRowEach()
    {
        const int n = 120;
        await Store.AddTargetsAsync(Campaign, [.. Enumerable.Range(0, n).Select(i => (IReadOnlyList<string>)["c" + i])]);
        var dialed = new List<CallAttempt>();
        foreach (var intent in await Store.RecordIntentsAsync(Campaign, [.. Enumerable.Range(1, n).Select(s => (s, 1))]))
        {
            dialed.Add(await Store.MarkDialedAsync(intent.AttemptKey, "call-" + intent.TargetSeq, new Dictionary<string, long>()));
        }

        var outcomes = dialed.Select(a => OutcomeOf(a, "c" + (a.TargetSeq - 1))).ToList();
        var redials = Enumerable.Range(1, n).Select(s => (s, 2)).ToList();
        var second = SecondStore();

        // Each writer sends the same rows in its own order (rotated, half of them reversed): without a
        // common locking order two of them deadlock; without idempotent conflicts one of them fails.
        var writers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            var store = w % 2 == 0 ? Store : second;
            var rotated = outcomes.Skip(w * 15).Concat(outcomes.Take(w * 15)).ToList();
            var pairs = redials.Skip(w * 15).Concat(redials.Take(w * 15)).ToList();
            if (w % 4 >= 2)
            {
                rotated.Reverse();
                pairs.Reverse();
            }

            await store.RecordIntentsAsync(Campaign, pairs);
            await store.UpsertOutcomesAsync(rotated);
        }));
        await Bounded(Task.WhenAll(writers));

        var p = await Store.GetProgressAsync(Campaign);
        Assert.Equal(n, p.OutcomesByResult["NormalEnd"]);
        Assert.Equal(n, p.AttemptsByState[AttemptState.Intended]);
        Assert.Equal(n, p.AttemptsByState[AttemptState.Dialed]);
        Assert.Equal((0, 0), (Retries(Store), Retries(second)));
    }
}
