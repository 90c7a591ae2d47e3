using Campaigns.Storage.Model;

namespace Campaigns.Storage.Tests;

public abstract partial class StoreContract
{
    [Fact]
    public async Task Reads_WhileAnotherWriterHoldsTheLock_DoNotWait()
    {
        await Store.AddTargetsAsync(Campaign, Callees("a"));
        await using var held = await HoldWriteLockAsync();

        var campaign = await Bounded(Store.GetCampaignAsync(Campaign));
        var progress = await Bounded(Store.GetProgressAsync(Campaign));

        Assert.Equal(("campaign-" + Campaign, 1L), (campaign!.WorkflowId, progress.Targets));
    }

    [Fact]
    public async Task Write_LockedPastTheDeadline_FailsNamingTheKeyAndTheDatabase()
    {
        var store = SecondStore(new OutcomeStoreOptions { RetryDeadline = TimeSpan.FromSeconds(1) });
        await using var held = await HoldWriteLockAsync();

        var e = await Assert.ThrowsAsync<OutcomeStoreUnavailableException>(() => Bounded(store.SetCampaignStatusAsync(Campaign, CampaignStatus.Running)));

        Assert.Contains("ConnectionStrings:Outcomes", e.Message, StringComparison.Ordinal);
        Assert.Contains(((Sql.SqlOutcomeStore)store).Describe, e.Message, StringComparison.Ordinal);
        Assert.Contains("OutcomeStore:RetryDeadline", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrate_ReadOnlyDatabase_FailsAtStartNamingIt()
    {
        var store = await ReadOnlyStoreAsync();

        var e = await Assert.ThrowsAsync<OutcomeStoreUnavailableException>(() => store.MigrateAsync());

        Assert.Contains("ConnectionStrings:Outcomes", e.Message, StringComparison.Ordinal);
        Assert.Contains(((Sql.SqlOutcomeStore)store).Describe, e.Message, StringComparison.Ordinal);
        Assert.Contains("refuses writes", e.Message, StringComparison.Ordinal);
    }
}
