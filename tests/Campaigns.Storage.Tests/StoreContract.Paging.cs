using Campaigns.Storage.Model;

namespace Campaigns.Storage.Tests;

public abstract partial class StoreContract
{
    [Fact]
    public async Task GetAttempts_KeysetCursor_VisitsEveryAttemptInAStateOnce()
    {
        await Store.AddTargetsAsync(Campaign, [.. Enumerable.Range(0, 1200).Select(i => (IReadOnlyList<string>)["u" + i])]);
        await Store.RecordIntentsAsync(Campaign, [.. Enumerable.Range(1, 1200).Select(s => (s, 1)), .. Enumerable.Range(1, 1200).Select(s => (s, 2))]);
        var claimed = (await Store.GetAttemptsAsync(Campaign, AttemptState.Intended, null, 5)).Select(a => a.AttemptKey).ToList();
        await Store.ClaimDialsAsync(claimed, "t");

        var seen = new List<(int, int)>();
        string? after = null;
        while (await Store.GetAttemptsAsync(Campaign, AttemptState.Intended, after, 1000) is { Count: > 0 } page)
        {
            seen.AddRange(page.Select(a => (a.TargetSeq, a.AttemptNo)));
            after = page[^1].AttemptKey;
        }

        var expected = Enumerable.Range(1, 1200).SelectMany(s => new[] { (s, 1), (s, 2) }).Skip(5);
        Assert.Equal(expected, seen);
        Assert.Equal(claimed, (await Store.GetAttemptsAsync(Campaign, AttemptState.Dialing, null, 10)).Select(a => a.AttemptKey));
    }

    [Fact]
    public async Task GetAttempts_CursorFromAnotherCampaign_IsRefused()
    {
        var e = await Assert.ThrowsAsync<ArgumentException>(() => Store.GetAttemptsAsync(Campaign, AttemptState.Intended, "nosuchkey", 10));

        Assert.Contains("'nosuchkey' is not an attempt of campaign 'spring-promo'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetStaleAttempts_FindsOpenAttemptsOfEveryCampaign_OldestFirst()
    {
        await Store.RegisterCampaignAsync("autumn", "campaign-autumn", "{}");
        await Store.AddTargetsAsync(Campaign, Callees("a", "b", "c", "d"));
        await Store.AddTargetsAsync("autumn", Callees("e"));
        var intended = await Store.RecordIntentAsync(Campaign, 1, 1);
        var dialing = await Store.RecordIntentAsync(Campaign, 2, 1);
        await Store.ClaimDialAsync(dialing.AttemptKey, "t");
        var unknown = await Store.RecordIntentAsync("autumn", 1, 1);
        await Store.MarkUnknownAsync(unknown.AttemptKey, "timeout");
        await DialedAttemptAsync(3, "c");
        var failed = await Store.RecordIntentAsync(Campaign, 4, 1);
        await Store.MarkFailedAsync(failed.AttemptKey, 101002, "bad");

        var stale = await Store.GetStaleAttemptsAsync(DateTimeOffset.UtcNow.AddMinutes(1), 10);
        var fresh = await Store.GetStaleAttemptsAsync(DateTimeOffset.UtcNow.AddHours(-1), 10);
        var one = await Store.GetStaleAttemptsAsync(DateTimeOffset.UtcNow.AddMinutes(1), 1);

        Assert.Equal(
            new[] { intended.AttemptKey, dialing.AttemptKey, unknown.AttemptKey }.Order(StringComparer.Ordinal),
            stale.Select(a => a.AttemptKey).Order(StringComparer.Ordinal));
        Assert.Equal(new[] { AttemptState.Intended, AttemptState.Dialing, AttemptState.Unknown }.Order(), stale.Select(a => a.State).Order());
        Assert.Empty(fresh);
        Assert.Equal(stale[0], Assert.Single(one));
    }
}
