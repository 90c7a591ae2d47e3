using Campaigns.Storage.Model;

namespace Campaigns.Storage.Tests;

public abstract partial class StoreContract
{
    [Fact]
    public async Task Migrate_FromVersion0001WithData_KeepsEveryRow_AndRekeysTargets()
    {
        var (store, execute) = await NewDatabaseAt0001Async();
        await using var disposable = store as IAsyncDisposable;
        const string t = "'2025-01-01 00:00:00+00:00'";
        await execute(
            $"""
            INSERT INTO campaigns VALUES ('old', 'campaign-old', '{"{}"}', 'Running', {t}, {t}, NULL);
            INSERT INTO targets VALUES ('old', 1, 'a,b', '["b","a"]');
            INSERT INTO call_attempts (attempt_key, campaign_id, target_seq, attempt_no, state, call_id, intended_at, updated_at)
            VALUES ('k1', 'old', 1, 1, 'dialed', 'call-1', {t}, {t});
            INSERT INTO outcomes (attempt_key, callee, campaign_id, call_id, result, recorded_at) VALUES ('k1', 'a', 'old', 'call-1', 'NormalEnd', {t});
            """);

        await store.MigrateAsync();

        Assert.Equal(CampaignStatus.Running, (await store.GetCampaignAsync("old"))!.Status);
        var k1 = (await store.GetAttemptAsync("k1"))!;
        Assert.Equal((AttemptState.Dialed, "call-1", null), (k1.State, k1.CallId, k1.ClaimToken));
        Assert.Equal(1, (await store.GetProgressAsync("old")).OutcomesByResult["NormalEnd"]);
        Assert.Equal((0, 1), ((await store.AddTargetsAsync("old", [["a", "b"]])).Added, (await store.AddTargetsAsync("old", [["b", "a"]])).AlreadyPresent));
        Assert.True((await store.ClaimDialAsync((await store.RecordIntentAsync("old", 1, 2)).AttemptKey, "t")).Claimed);
    }
}
