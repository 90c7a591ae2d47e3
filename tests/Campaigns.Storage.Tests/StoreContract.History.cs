using Campaigns.Storage.Model;

namespace Campaigns.Storage.Tests;

/// <content>What <c>campaigns forecast</c> reads (<see cref="ICampaignHistory"/>), on both databases.</content>
public abstract partial class StoreContract
{
    private ICampaignHistory History => (ICampaignHistory)Store;

    [Fact]
    public async Task ResultHistory_CountsCompletedCampaignsOnly_LeavesOutSkipped_MeansCallLengths()
    {
        await Store.AddTargetsAsync(Campaign, Callees("a", "b", "c", "d"));
        var attempts = new[] { await DialedAttemptAsync(1, "a"), await DialedAttemptAsync(2, "b"), await DialedAttemptAsync(3, "c"), await DialedAttemptAsync(4, "d") };
        await Store.UpsertOutcomesAsync(
            [OutcomeOf(attempts[0], "a"), OutcomeOf(attempts[1], "b", "NotAnswer"), OutcomeOf(attempts[2], "c", "NotAnswer"), OutcomeOf(attempts[3], "d", "Skipped")]);
        Assert.Empty((await History.GetResultHistoryAsync(20)).Campaigns); // still registered: not history yet

        await Store.SetCampaignStatusAsync(Campaign, CampaignStatus.Running);
        await Store.SetCampaignStatusAsync(Campaign, CampaignStatus.Completed);
        var past = await History.GetResultHistoryAsync(20);

        Assert.Equal([Campaign], past.Campaigns);
        Assert.Equal(new Dictionary<string, long> { ["NormalEnd"] = 1, ["NotAnswer"] = 2 }, past.Results);
        Assert.Equal(65, past.MeanCallSeconds["NormalEnd"], 3); // OutcomeOf: start to end 65 s
    }

    [Fact]
    public async Task ActiveCampaigns_RunningAndPaused_WithTargetsNotDialedAndPendingAttempts()
    {
        await Store.AddTargetsAsync(Campaign, Callees("a", "b", "c", "d"));
        await Store.SetCampaignStatusAsync(Campaign, CampaignStatus.Running);
        await DialedAttemptAsync(1, "a");
        await Store.HandBackPendingAsync(Campaign, "t0", [new(2, 1, DateTimeOffset.UtcNow)], [new(1, 2, DateTimeOffset.UtcNow.AddMinutes(5))]);
        await Store.RegisterCampaignAsync("only-imported", "campaign-only-imported", """{"campaignId":"only-imported"}""");
        await Store.RegisterCampaignAsync("paused-one", "campaign-paused-one", """{"campaignId":"paused-one"}""");
        await Store.SetCampaignStatusAsync("paused-one", CampaignStatus.Paused);

        var active = await History.GetActiveCampaignsAsync();

        Assert.Equal(["paused-one", Campaign], active.Select(a => a.CampaignId));
        var running = active.Single(a => a.CampaignId == Campaign);
        // Targets 3 and 4 not dialed; target 2 handed back (first pass) and target 1's redial wait in the store.
        Assert.Equal((CampaignStatus.Running, 4L, 2L, 2L), (running.Status, running.Targets, running.Undispatched, running.Pending));
        Assert.Contains("robot", running.Definition, StringComparison.Ordinal);
        Assert.Equal(CampaignStatus.Paused, active[0].Status);
    }

    [Fact]
    public async Task LiveWorkers_CountsTheFleetRegistry()
    {
        Assert.Equal(0, await History.CountLiveWorkersAsync());
        var fleet = (IFleetRegistry)Store;
        await fleet.JoinAsync("w1", TimeSpan.FromSeconds(30));
        await fleet.JoinAsync("w2", TimeSpan.FromSeconds(30));
        await fleet.LeaveAsync("w2");

        Assert.Equal(1, await History.CountLiveWorkersAsync());
    }
}
