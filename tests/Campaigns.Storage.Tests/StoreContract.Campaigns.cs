using Campaigns.Storage.Model;

namespace Campaigns.Storage.Tests;

public abstract partial class StoreContract
{
    [Fact]
    public async Task Migrate_AgainAndFromASecondProcess_IsHarmless()
    {
        await Store.MigrateAsync();
        var second = SecondStore();
        await Task.WhenAll(second.MigrateAsync(), Store.MigrateAsync());

        var seen = await second.GetCampaignAsync(Campaign);
        Assert.Equal((Campaign, "campaign-" + Campaign, CampaignStatus.Registered), (seen!.CampaignId, seen.WorkflowId, seen.Status));
    }

    [Fact]
    public async Task RegisterCampaign_Twice_KeepsTheFirstRegistration()
    {
        var again = await Store.RegisterCampaignAsync(Campaign, "other-workflow", """{"robot":"changed"}""");

        Assert.Equal("campaign-" + Campaign, again.WorkflowId);
        Assert.Contains("\"r\"", again.Definition, StringComparison.Ordinal);
        Assert.Equal(CampaignStatus.Registered, again.Status);
    }

    [Fact]
    public async Task ClaimCampaign_RegisteredStub_IsTakenWithTheRunsDefinition_ThenKeptFromOtherRuns()
    {
        // The fixture's campaign is a stub (registered, never started): the run takes it with its definition.
        var mine = await Store.ClaimCampaignAsync(Campaign, "campaign-" + Campaign, "run-1", """{"robot":"real"}""");
        Assert.Equal(("run-1", CampaignStatus.Registered), (mine.RunId, mine.Status));
        Assert.Contains("real", mine.Definition, StringComparison.Ordinal);

        // Once it runs, another run chain (or another workflow id) gets the stored row unchanged.
        await Store.SetCampaignStatusAsync(Campaign, CampaignStatus.Running);
        var other = await Store.ClaimCampaignAsync(Campaign, "campaign-" + Campaign, "run-2", """{"robot":"other"}""");
        Assert.Equal(("run-1", CampaignStatus.Running), (other.RunId, other.Status));
        Assert.Contains("real", other.Definition, StringComparison.Ordinal);
        var foreign = await Store.ClaimCampaignAsync(Campaign, "elsewhere", "run-3", """{"robot":"other"}""");
        Assert.Equal(("campaign-" + Campaign, "run-1"), (foreign.WorkflowId, foreign.RunId));

        // A new campaign id is registered for its run at once.
        var fresh = await Store.ClaimCampaignAsync("fresh", "campaign-fresh", "run-9", """{"robot":"r"}""");
        Assert.Equal(("campaign-fresh", "run-9", CampaignStatus.Registered), (fresh.WorkflowId, fresh.RunId, fresh.Status));
    }

    [Fact]
    public async Task ClaimCampaign_StubUnderAnotherWorkflowId_IsNotTaken()
    {
        var foreign = await Store.ClaimCampaignAsync(Campaign, "other-workflow", "run-1", """{"robot":"changed"}""");

        Assert.Equal("campaign-" + Campaign, foreign.WorkflowId);
        Assert.Null(foreign.RunId);
        Assert.Contains("\"r\"", foreign.Definition, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SetCampaignStatus_StoresStatusAndTotals()
    {
        await Store.SetCampaignStatusAsync(Campaign, CampaignStatus.Completed, """{"answered":3}""");
        await Store.SetCampaignStatusAsync(Campaign, CampaignStatus.Completed);

        var row = await Store.GetCampaignAsync(Campaign);
        Assert.Equal(CampaignStatus.Completed, row!.Status);
        Assert.Contains("answered", row.Totals, StringComparison.Ordinal);
        Assert.True(row.UpdatedAt >= row.CreatedAt);
    }

    [Fact]
    public async Task SetCampaignStatus_UnknownCampaign_SaysWhichOne()
    {
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => Store.SetCampaignStatusAsync("nope", CampaignStatus.Running));

        Assert.Contains("'nope' is not registered", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddTargets_KeepsOrder_SkipsRepeats_AndNumbersDensely()
    {
        var first = await Store.AddTargetsAsync(Campaign, Callees("a", "b", "a", "c;d"));
        var second = await Store.AddTargetsAsync(Campaign, Callees("b", "e", "d;c"));

        Assert.Equal((3, 1, 1), (first.Added, first.AlreadyPresent, first.FirstSeq));
        Assert.Equal((1, 2, 4), (second.Added, second.AlreadyPresent, second.FirstSeq));
        var all = await Store.GetTargetsAsync(Campaign, 0, 100);
        Assert.Equal([1, 2, 3, 4], all.Select(t => t.Seq));
        Assert.Equal(["a", "b", "c,d", "e"], all.Select(t => string.Join(',', t.Callees)));
    }

    [Fact]
    public async Task AddTargets_UnregisteredCampaign_IsRefusedAndChangesNothing()
    {
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => Store.AddTargetsAsync("ghost", Callees("a")));

        Assert.Contains("'ghost' is not registered", e.Message, StringComparison.Ordinal);
        Assert.Empty(await Store.GetTargetsAsync("ghost", 0, 10));
    }

    [Fact]
    public async Task GetTargets_KeysetPaging_VisitsEveryTargetOnce()
    {
        await Store.AddTargetsAsync(Campaign, [.. Enumerable.Range(0, 2500).Select(i => (IReadOnlyList<string>)["u" + i])]);

        var seen = new List<int>();
        var after = 0;
        while (true)
        {
            var page = await Store.GetTargetsAsync(Campaign, after, 1000);
            if (page.Count == 0)
            {
                break;
            }

            seen.AddRange(page.Select(t => t.Seq));
            after = page[^1].Seq;
        }

        Assert.Equal(Enumerable.Range(1, 2500), seen);
    }

    [Fact]
    public async Task DoNotCall_AddTwiceFindRemove()
    {
        await Store.AddDoNotCallAsync(["x", "y"], "asked");
        await Store.AddDoNotCallAsync(["x"]);

        Assert.Equal(["x", "y"], (await Store.FindDoNotCallAsync(["a", "x", "y"])).Order());
        await Store.RemoveDoNotCallAsync(["x"]);
        Assert.Equal(["y"], await Store.FindDoNotCallAsync(["x", "y"]));
    }

    [Fact]
    public async Task FindDoNotCall_ManyCallees_ChecksThemAll()
    {
        await Store.AddDoNotCallAsync(["u1999", "u5"]);

        var found = await Store.FindDoNotCallAsync(Enumerable.Range(0, 3000).Select(i => "u" + i));

        Assert.Equal(["u1999", "u5"], found.Order());
    }

    [Fact]
    public async Task GetDoNotCall_PagesInCalleeOrder_WithReasonAndTime()
    {
        await Store.AddDoNotCallAsync(["c", "a"], "asked");
        await Store.AddDoNotCallAsync(["b"]);

        var first = await Store.GetDoNotCallAsync(null, 2);
        var rest = await Store.GetDoNotCallAsync(first[^1].Callee, 2);

        Assert.Equal(["a", "b"], first.Select(e => e.Callee));
        Assert.Equal(["c"], rest.Select(e => e.Callee));
        Assert.Equal("asked", first[0].Reason);
        Assert.Null(first[1].Reason);
        Assert.True(first[0].AddedAt > DateTimeOffset.UtcNow.AddMinutes(-5));
        Assert.Empty(await Store.GetDoNotCallAsync("c", 10));
    }
}
