using Campaigns.Activities.Batches;
using Campaigns.Workflows.Activities;

namespace Campaigns.Activities.Tests;

/// <summary>The worker's live-call slots and the compact batch forms, as pure logic.</summary>
public sealed class LiveCallSlotsUnitTests
{
    [Fact]
    public async Task Slots_AtTheLimit_NextWaiterGetsTheFirstFreedSlot_InOrder()
    {
        var slots = new LiveCallSlots();
        var held = new List<IDisposable>();
        for (var i = 0; i < 3; i++)
        {
            held.Add(await slots.AcquireAsync("c", 3, CancellationToken.None));
        }

        var second = slots.AcquireAsync("c", 3, CancellationToken.None).AsTask();
        var third = slots.AcquireAsync("c", 3, CancellationToken.None).AsTask();
        Assert.False(second.IsCompleted);
        Assert.Equal(3, slots.LiveOf("c"));

        held[0].Dispose();
        held[0].Dispose(); // twice gives back once
        var got = await second.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.False(third.IsCompleted);
        Assert.Equal(3, slots.LiveOf("c"));

        got.Dispose();
        (await third.WaitAsync(TimeSpan.FromSeconds(5))).Dispose();
        held[1].Dispose();
        held[2].Dispose();
        Assert.Equal(0, slots.LiveOf("c"));
        Assert.Equal(0, slots.CampaignCount); // forgotten when idle
    }

    [Fact]
    public async Task Slots_CancelledWaiter_TakesNoSlot_AndCampaignsAreApart()
    {
        var slots = new LiveCallSlots();
        var only = await slots.AcquireAsync("a", 1, CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        var waiting = slots.AcquireAsync("a", 1, cancel.Token).AsTask();
        var other = await slots.AcquireAsync("b", 1, CancellationToken.None); // another campaign is not held up

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        only.Dispose();
        Assert.Equal(0, slots.LiveOf("a"));
        other.Dispose();
        Assert.Equal(0, slots.CampaignCount);
    }

    [Fact]
    public async Task Slots_Hold_CountsALiveCallOverTheLimit_LaterStartsWait()
    {
        var slots = new LiveCallSlots();
        var first = await slots.AcquireAsync("c", 1, CancellationToken.None);
        var found = slots.Hold("c"); // a call found Dialed on a retry: live whatever the limit
        Assert.Equal(2, slots.LiveOf("c"));
        var next = slots.AcquireAsync("c", 1, CancellationToken.None).AsTask();
        first.Dispose();
        Assert.False(next.IsCompleted); // still one live call: the limit is 1
        found.Dispose();
        (await next.WaitAsync(TimeSpan.FromSeconds(5))).Dispose();
    }

    [Fact]
    public void Runs_RoundTrip_AndResultsExpandWithTheirAttemptNumbers()
    {
        List<BatchItem> items = [new(1, 1), new(2, 1), new(3, 1), new(7, 2), new(8, 2), new(9, 1)];
        var runs = BatchRuns.Of(items);
        Assert.Equal([[1, 3, 1], [7, 2, 2], [9, 1, 1]], runs);
        Assert.Equal(items, BatchRuns.ItemsOf(runs));

        var compact = BatchRuns.Compact([new(1, 1, "NormalEnd"), new(7, 2, "Busy"), new(9, 1, "NormalEnd")]);
        Assert.Empty(compact.Items);
        var expanded = BatchRuns.Expand(compact, items).Items.OrderBy(i => i.Seq).ToList();
        Assert.Equal([new(1, 1, "NormalEnd"), new(7, 2, "Busy"), new(9, 1, "NormalEnd")], expanded);

        var listed = new BatchResult([new(2, 1, "Reject")]);
        Assert.Same(listed, BatchRuns.Expand(listed, items)); // results from workers before the compact form
    }

    [Theory]
    [InlineData(new[] { 0, 1, 1 })]
    [InlineData(new[] { 1, 0, 1 })]
    [InlineData(new[] { 1, 1, 0 })]
    [InlineData(new[] { 1, 1 })]
    public void Runs_Malformed_AreRefused(int[] run) =>
        Assert.Throws<ArgumentException>(() => BatchRuns.ItemsOf([run]));
}
