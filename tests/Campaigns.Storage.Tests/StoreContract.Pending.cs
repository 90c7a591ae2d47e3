using Campaigns.Storage.Model;

namespace Campaigns.Storage.Tests;

/// <content>Pending attempts (redials, deferred) in the store: taken under a batch's token, adopted, handed back.</content>
public abstract partial class StoreContract
{
    private static readonly DateTimeOffset Past = DateTimeOffset.UtcNow.AddMinutes(-1);
    private static readonly DateTimeOffset Later = DateTimeOffset.UtcNow.AddHours(1);

    [Fact]
    public async Task TakePending_TakesOnlyDueAttempts_EarliestFirst_AndSaysWhatIsLeft()
    {
        await Store.HandBackPendingAsync(Campaign, "t0", [], [new(3, 2, Past), new(1, 2, Past.AddSeconds(-5)), new(2, 2, Later), new(4, 3, Past)]);
        await Store.HandBackPendingAsync("other-campaign", "t0", [], [new(1, 2, Past)]);

        var took = await Store.TakePendingAsync(Campaign, "t1", [], [], 2);

        Assert.Equal([(1, 2), (3, 2)], took.Items);
        Assert.Equal(2, took.Left);
        Assert.Equal(Past, took.NextDueAt!.Value, TimeSpan.FromMilliseconds(1));
    }

    [Fact]
    public async Task TakePending_ARetryOfTheSameToken_GetsWhatItHeld_AndNeverMoreThanItsTake()
    {
        await Store.HandBackPendingAsync(Campaign, "t0", [], [new(1, 2, Past), new(2, 2, Past), new(3, 2, Past)]);
        var first = await Store.TakePendingAsync(Campaign, "t1", [], [], 2);

        var retry = await Store.TakePendingAsync(Campaign, "t1", [], [], 2);
        var other = await Store.TakePendingAsync(Campaign, "t2", [], [], 5);

        Assert.Equal(first.Items, retry.Items);
        Assert.Equal([(3, 2)], other.Items);
        Assert.Equal(0, other.Left);
    }

    [Fact]
    public async Task TakePending_EightBatchesAtOnce_NeverTakeOneAttemptTwice()
    {
        await Store.HandBackPendingAsync(Campaign, "t0", [], [.. Enumerable.Range(1, 100).Select(i => new PendingRow(i, 2, Past))]);

        var takes = await Bounded(Task.WhenAll(Enumerable.Range(1, 8).Select(i => SecondStore().TakePendingAsync(Campaign, $"t{i}", [], [], 20))));

        var all = takes.SelectMany(t => t.Items).ToList();
        Assert.Equal(all.Count, all.Distinct().Count());
        Assert.Equal(100, all.Count + (await Store.TakePendingAsync(Campaign, "rest", [], [], 100)).Items.Count);
    }

    [Fact]
    public async Task TakePending_AdoptsWhatAnotherTokenHeld_AndListedAttemptsHeldElsewhereStayThere()
    {
        await Store.HandBackPendingAsync(Campaign, "t0", [], [new(5, 2, Past)]);
        await Store.TakePendingAsync(Campaign, "old", [], [(1, 1), (2, 1)], 0);
        await Store.TakePendingAsync(Campaign, "taker", [], [], 1);

        // A first-pass batch listing 2, 3 and 5: 2 is held by "old", 5 by "taker".
        var listed = await Store.TakePendingAsync(Campaign, "first-pass", [], [(2, 1), (3, 1), (5, 2)], 0);
        var adopted = await Store.TakePendingAsync(Campaign, "next-run", ["old"], [], 0);
        var old = await Store.TakePendingAsync(Campaign, "old", [], [], 0);

        Assert.Equal([(3, 1)], listed.Items);
        Assert.Equal([(1, 1), (2, 1)], adopted.Items);
        Assert.Empty(old.Items);
    }

    [Fact]
    public async Task HandBack_FreesWhatTheTokenHolds_AddsARedialOnce_AndLeavesOthersAlone()
    {
        await Store.HandBackPendingAsync(Campaign, "t0", [], [new(1, 2, Past), new(2, 2, Past)]);
        await Store.TakePendingAsync(Campaign, "t1", [], [], 1); // holds (1, 2)
        await Store.TakePendingAsync(Campaign, "t2", [], [], 1); // holds (2, 2)

        await Store.HandBackPendingAsync(Campaign, "t1", [new(1, 2, Past), new(2, 2, Past)], [new(7, 2, Later)]);
        var again = await Store.HandBackPendingAsync(Campaign, "t1", [], [new(7, 2, Past)]);

        Assert.Equal(2, again.Left); // (1, 2) free again, (7, 2) once and still at its first due time
        Assert.Equal([(1, 2)], (await Store.TakePendingAsync(Campaign, "t3", [], [], 10)).Items);
        Assert.Equal([(2, 2)], (await Store.TakePendingAsync(Campaign, "t2", [], [], 0)).Items);
    }

    [Fact]
    public async Task DeletePending_RemovesOnlyThatCampaignsAttempts()
    {
        await Store.HandBackPendingAsync(Campaign, "t0", [], [new(1, 2, Past), new(2, 2, Later)]);
        await Store.HandBackPendingAsync("other-campaign", "t0", [], [new(1, 2, Past)]);

        Assert.Equal(2, await Store.DeletePendingAsync(Campaign));
        Assert.Equal(0, (await Store.TakePendingAsync(Campaign, "t1", [], [], 10)).Left);
        Assert.Single((await Store.TakePendingAsync("other-campaign", "t1", [], [], 10)).Items);
    }

    [Fact]
    public async Task TakePending_WithListedTargets_TakesDueAttemptsFirst_AndAddsTheTargetsItHasNoRoomForFree()
    {
        await Store.HandBackPendingAsync(Campaign, "t0", [], [new(1, 2, Past), new(2, 2, Past), new(3, 2, Later)]);

        var first = await Store.TakePendingAsync(Campaign, "mixed", [], [(10, 1), (11, 1), (12, 1), (13, 1)], 4);
        var retry = await Store.TakePendingAsync(Campaign, "mixed", [], [(10, 1), (11, 1), (12, 1), (13, 1)], 4);
        var next = await Store.TakePendingAsync(Campaign, "next", [], [], 10);

        Assert.Equal([(1, 2), (2, 2), (10, 1), (11, 1)], first.Items);
        Assert.Equal(first.Items, retry.Items);
        Assert.Equal([(12, 1), (13, 1)], next.Items); // free and due now; (3, 2) is not due yet
        Assert.Equal(1, next.Left);
    }
}
