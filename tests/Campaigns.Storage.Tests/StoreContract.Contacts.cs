using Campaigns.Storage.Model;

namespace Campaigns.Storage.Tests;

/// <content>
/// The contact policy (docs/contact-policy.md): the app's policy, and claims counted per callee over every campaign,
/// atomically with the claim, so concurrent claimers for one callee never pass more than the cap.
/// </content>
public abstract partial class StoreContract
{
    private static readonly IReadOnlyList<ContactCap> OnePerDay = [new(1, TimeSpan.FromDays(1))];

    [Fact]
    public async Task ContactPolicy_SetReplacesShowsAndClears_AndABadLimitChangesNothing()
    {
        Assert.Null(await Store.GetContactPolicyAsync());

        await Store.SetContactPolicyAsync(new ContactPolicy { PerDay = 1, PerWeek = 3 });
        var set = await SecondStore().GetContactPolicyAsync();
        Assert.Equal((1, 3, (int?)null), (set!.PerDay, set.PerWeek, set.Per30Days));
        Assert.NotNull(set.UpdatedAt);

        await Store.SetContactPolicyAsync(new ContactPolicy { Per30Days = 8 });
        var replaced = await Store.GetContactPolicyAsync();
        Assert.Equal(((int?)null, (int?)null, 8), (replaced!.PerDay, replaced.PerWeek, replaced.Per30Days));

        var e = await Assert.ThrowsAsync<ArgumentException>(() => Store.SetContactPolicyAsync(new ContactPolicy { PerDay = 0, PerWeek = 2 }));
        Assert.Contains("perDay: 0 must be 1-1000", e.Message, StringComparison.Ordinal);
        Assert.Equal(8, (await Store.GetContactPolicyAsync())!.Per30Days);

        await Store.SetContactPolicyAsync(null);
        Assert.Null(await Store.GetContactPolicyAsync());
    }

    [Fact]
    public async Task ClaimDialCapped_EightConcurrentClaimersOfOneCallee_InEightCampaigns_OnlyOneClaims_TheOthersLearnWhenTheCapFrees()
    {
        var keys = await OneCalleeInCampaignsAsync("shared", 8);

        var claims = await EightAtOnceAsync(keys, OnePerDay);

        var winner = Assert.Single(claims, c => c.Claimed);
        var refused = claims.Where(c => !c.Claimed).ToList();
        Assert.Equal(7, refused.Count);
        Assert.All(refused, c => Assert.Equal((AttemptState.Intended, (string?)null), (c.Attempt.State, c.Attempt.ClaimToken)));
        Assert.All(refused, c => Assert.Equal(winner.Attempt.ClaimedAt!.Value + TimeSpan.FromDays(1), c.CappedUntil!.Value, TimeSpan.FromMilliseconds(1)));
        Assert.Equal(winner.Attempt.ClaimedAt!.Value + TimeSpan.FromDays(1), (await Store.ContactCappedUntilAsync(["shared"], OnePerDay))!.Value, TimeSpan.FromMilliseconds(1));
    }

    [Fact]
    public async Task ClaimDialCapped_ACapOfThree_LetsExactlyThreeOfEightConcurrentClaimersThrough()
    {
        var keys = await OneCalleeInCampaignsAsync("shared", 8);
        IReadOnlyList<ContactCap> caps = [new(3, TimeSpan.FromDays(7)), new(5, TimeSpan.FromDays(30))];

        var claims = await EightAtOnceAsync(keys, caps);

        Assert.Equal(3, claims.Count(c => c.Claimed));
        var oldest = claims.Where(c => c.Claimed).Min(c => c.Attempt.ClaimedAt!.Value);
        Assert.All(claims.Where(c => !c.Claimed), c => Assert.Equal(oldest + TimeSpan.FromDays(7), c.CappedUntil!.Value, TimeSpan.FromMilliseconds(1)));
    }

    [Fact]
    public async Task PruneContacts_DeletesOnlyContactsBeforeTheCutoff_AndAPrunedContactNoLongerCaps()
    {
        var keys = await OneCalleeInCampaignsAsync("old", 2);
        Assert.True((await Store.ClaimDialCappedAsync(keys[0], "first", OnePerDay)).Claimed);
        var cappedUntil = await Store.ContactCappedUntilAsync(["old"], OnePerDay);
        Assert.NotNull(cappedUntil);

        // A cutoff before the contact deletes nothing: the cap still holds.
        Assert.Equal(0, await Store.PruneContactsAsync(DateTimeOffset.UtcNow - TimeSpan.FromDays(1)));
        Assert.Equal(cappedUntil, await Store.ContactCappedUntilAsync(["old"], OnePerDay));
        Assert.False((await Store.ClaimDialCappedAsync(keys[1], "second", OnePerDay)).Claimed);

        // A cutoff after it deletes its row; the attempt itself stays as it was.
        Assert.Equal(1, await Store.PruneContactsAsync(DateTimeOffset.UtcNow + TimeSpan.FromMinutes(1)));
        Assert.Null(await Store.ContactCappedUntilAsync(["old"], OnePerDay));
        Assert.Equal(AttemptState.Dialing, (await Store.GetAttemptAsync(keys[0]))!.State);
        Assert.Equal(0, await SecondStore().PruneContactsAsync(DateTimeOffset.UtcNow + TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public async Task ContactFreeTimes_PerCallee_OnlyThoseACapHoldsBack_ManyAtOnce()
    {
        var first = await OneCalleeInCampaignsAsync("ft-a", 1, "free");
        var second = await OneCalleeInCampaignsAsync("ft-b", 1, "free");
        var a = await Store.ClaimDialCappedAsync(first[0], "a", OnePerDay);
        Assert.True((await Store.ClaimDialCappedAsync(second[0], "b", OnePerDay)).Claimed);
        IReadOnlyList<string> asked = ["ft-a", "ft-b", "ft-c", .. Enumerable.Range(0, 1200).Select(i => $"nobody-{i}")];

        var free = await SecondStore().ContactFreeTimesAsync(asked, OnePerDay);

        Assert.Equal(["ft-a", "ft-b"], free.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(a.Attempt.ClaimedAt!.Value + TimeSpan.FromDays(1), free["ft-a"], TimeSpan.FromMilliseconds(1));
        Assert.Empty(await Store.ContactFreeTimesAsync(asked, [new(2, TimeSpan.FromDays(1))]));
        Assert.Empty(await Store.ContactFreeTimesAsync(asked, []));
    }

    [Fact]
    public async Task ClaimDialCapped_CountsPlainClaimsToo_ButNeitherAStartNeverPlacedNorAClaimGivenBack()
    {
        var keys = await OneCalleeInCampaignsAsync("x", 4);
        IReadOnlyList<ContactCap> two = [new(2, TimeSpan.FromDays(1))];

        // Claimed without caps (no policy then): recorded all the same, so a policy set later counts it.
        Assert.True((await Store.ClaimDialAsync(keys[0], "plain")).Claimed);
        // Claimed, then refused by the vendor (nothing placed): not a contact.
        Assert.True((await Store.ClaimDialCappedAsync(keys[1], "refused", two)).Claimed);
        await Store.FailClaimAsync(keys[1], "refused", 101002, "invalid parameter");
        // Claimed, then given back (never sent): not a contact.
        Assert.True((await Store.ClaimDialCappedAsync(keys[2], "released", two)).Claimed);
        await Store.ReleaseClaimAsync(keys[2], "released");

        var third = await Store.ClaimDialCappedAsync(keys[3], "third", two);
        var again = await Store.ClaimDialCappedAsync(keys[2], "again", two);

        Assert.True(third.Claimed, "one plain claim and two that rang nobody: a cap of 2 allows one more");
        Assert.False(again.Claimed);
        Assert.NotNull(again.CappedUntil);
    }

    [Fact]
    public async Task ClaimDialCapped_AnUnknownStartCounts_AndARepeatOfTheHolderIsStillClaimed()
    {
        var keys = await OneCalleeInCampaignsAsync("y", 2);
        Assert.True((await Store.ClaimDialCappedAsync(keys[0], "mine", OnePerDay)).Claimed);
        await Store.MarkUnknownAsync(keys[0], "answer lost");

        var other = await Store.ClaimDialCappedAsync(keys[1], "other", OnePerDay);
        Assert.True((await Store.ClaimDialCappedAsync(keys[1], "other", [new(5, TimeSpan.FromDays(1))])).Claimed);
        var repeat = await Store.ClaimDialCappedAsync(keys[1], "other", OnePerDay);

        Assert.False(other.Claimed);
        Assert.True(repeat.Claimed, "the holder's repeat is the plain answer, not a new contact");
        Assert.Null(repeat.CappedUntil);
    }

    [Fact]
    public async Task ClaimDialCapped_ADialedCallCountsFromTheVendorsAnswer_NotItsClaim()
    {
        var keys = await OneCalleeInCampaignsAsync("w", 2);
        var claimed = await Store.ClaimDialCappedAsync(keys[0], "mine", OnePerDay);
        await Task.Delay(50); // the start's round trip: the call was placed between the claim and the answer
        var dialed = await Store.MarkDialedAsync(keys[0], "call-w", new Dictionary<string, long> { ["w"] = 0 });

        var other = await Store.ClaimDialCappedAsync(keys[1], "other", OnePerDay);

        Assert.True(dialed.DialedAt > claimed.Attempt.ClaimedAt);
        Assert.Equal(dialed.DialedAt!.Value + TimeSpan.FromDays(1), other.CappedUntil!.Value, TimeSpan.FromMilliseconds(1));
    }

    [Fact]
    public async Task ClaimDialCapped_AGroupIsCappedWhenAnyOfItsCalleesIs_UntilTheLastOfThemFrees()
    {
        var a = await OneCalleeInCampaignsAsync("ann", 1, "first");
        var b = await OneCalleeInCampaignsAsync("ben", 1, "second");
        Assert.True((await Store.ClaimDialCappedAsync(a[0], "t", OnePerDay)).Claimed);
        await Task.Delay(20);
        var benClaimed = await Store.ClaimDialCappedAsync(b[0], "t", OnePerDay);
        await Store.AddTargetsAsync(Campaign, [["ann", "ben", "cat"], ["dan"]]);
        var group = await Store.RecordIntentAsync(Campaign, 1, 1);
        var alone = await Store.RecordIntentAsync(Campaign, 2, 1);

        var capped = await Store.ClaimDialCappedAsync(group.AttemptKey, "g", OnePerDay);
        var free = await Store.ClaimDialCappedAsync(alone.AttemptKey, "g", OnePerDay);

        Assert.False(capped.Claimed);
        Assert.Equal(benClaimed.Attempt.ClaimedAt!.Value + TimeSpan.FromDays(1), capped.CappedUntil!.Value, TimeSpan.FromMilliseconds(1));
        Assert.True(free.Claimed);
        Assert.Null(await Store.ContactCappedUntilAsync(["cat", "dan2"], OnePerDay));
    }

    [Fact]
    public async Task ClaimDialCapped_InTheGroupCommitLane_BesidePlainClaims_EachGetsItsOwnAnswer()
    {
        var shared = await OneCalleeInCampaignsAsync("z", 4);
        await Store.AddTargetsAsync(Campaign, Callees("p1", "p2", "p3"));
        var plain = await Store.RecordIntentsAsync(Campaign, [(1, 1), (2, 1), (3, 1)]);

        var claims = await TogetherAsync(
            Lanes.ClaimLane,
            [.. shared.Select((k, i) => (Func<Task<DialClaim>>)(() => Store.ClaimDialCappedAsync(k, "capped-" + i, OnePerDay))),
             .. plain.Select(a => (Func<Task<DialClaim>>)(() => Store.ClaimDialAsync(a.AttemptKey, "plain")))]);

        Assert.Equal(1, claims.Take(4).Count(c => c.Claimed));
        Assert.Equal(3, claims.Count(c => c.CappedUntil is not null));
        Assert.All(claims.Skip(4), c => Assert.True(c.Claimed));
        // The plain claims were recorded too: their callees are now capped for anyone.
        Assert.NotNull(await Store.ContactCappedUntilAsync(["p2"], OnePerDay));
    }

    [Fact]
    public async Task CappedPending_CountedApart_ThenClosedAsCappedWhenTheCampaignEnds_ARetryGetsTheSame()
    {
        await Store.AddTargetsAsync(Campaign, Callees("a", "b", "c"));
        await Store.RecordIntentsAsync(Campaign, [(1, 1), (2, 1), (3, 1)]);
        var until = DateTimeOffset.UtcNow.AddHours(20);
        // 150 rows: a set that large travels as arrays on PostgreSQL (unnest), with nulls among the capped times.
        List<PendingRow> deferred = [new(1, 1, until) { CappedUntil = until }, new(2, 1, until) { CappedUntil = until }, new(3, 1, DateTimeOffset.UtcNow)];
        deferred.AddRange(Enumerable.Range(4, 147).Select(i => new PendingRow(i, 1, until)));
        var left = await Store.HandBackPendingAsync(Campaign, "t1", deferred, []);
        Assert.Equal((150L, 2L), (left.Left, left.CappedLeft));

        var closed = await Store.CloseCappedAsync(Campaign, "capped: ended");
        var retried = await Store.CloseCappedAsync(Campaign, "capped: ended");

        Assert.Equal([(1, 1), (2, 1)], closed);
        Assert.Equal(closed, retried);
        var failed = await Store.GetAttemptsAsync(Campaign, AttemptState.Failed);
        Assert.Equal([(1, "capped: ended"), (2, "capped: ended")], failed.Select(a => (a.TargetSeq, a.ErrorInfo)));
        Assert.Equal(AttemptState.Intended, (await Store.GetAttemptAsync(AttemptKey.For(Campaign, 3, 1)))!.State);

        // Handed back again, deferred for another reason: no longer counted as capped.
        var back = await Store.HandBackPendingAsync(Campaign, "t2", [new(1, 1, DateTimeOffset.UtcNow)], []);
        Assert.Equal((150L, 1L), (back.Left, back.CappedLeft));
    }

    [Fact]
    public async Task Migrate_CallsPlacedBeforeThePolicyExisted_CountForTheLast31Days()
    {
        var (store, execute) = await NewDatabaseAt0001Async();
        await using var disposable = store as IAsyncDisposable;
        static string At(TimeSpan ago) => "'" + (DateTimeOffset.UtcNow - ago).ToString("yyyy-MM-dd HH:mm:ss.fffffff+00:00", System.Globalization.CultureInfo.InvariantCulture) + "'";
        var hourAgo = At(TimeSpan.FromHours(1));
        var longAgo = At(TimeSpan.FromDays(40));
        await execute(
            $"""
            INSERT INTO campaigns VALUES ('old', 'campaign-old', '{"{}"}', 'Running', {longAgo}, {longAgo}, NULL);
            INSERT INTO targets VALUES ('old', 1, 'a', '["a"]');
            INSERT INTO targets VALUES ('old', 2, 'b', '["b"]');
            INSERT INTO call_attempts (attempt_key, campaign_id, target_seq, attempt_no, state, call_id, intended_at, dialed_at, updated_at)
            VALUES ('k1', 'old', 1, 1, 'settled', 'call-1', {hourAgo}, {hourAgo}, {hourAgo}),
                   ('k2', 'old', 2, 1, 'dialed', 'call-2', {longAgo}, {longAgo}, {longAgo}),
                   ('k3', 'old', 2, 2, 'failed', NULL, {hourAgo}, NULL, {hourAgo});
            """);

        await store.MigrateAsync();

        var until = await store.ContactCappedUntilAsync(["a"], OnePerDay);
        Assert.Equal(DateTimeOffset.UtcNow.AddHours(23), until!.Value, TimeSpan.FromMinutes(1));
        Assert.Null(await store.ContactCappedUntilAsync(["b"], [new(1, TimeSpan.FromDays(30))]));
    }

    // Eight workers (a store each: none waits in another's group-commit lane), released together, each claiming one
    // attempt: what several campaigns' batches on several workers do when they reach one callee at the same moment.
    private async Task<DialClaim[]> EightAtOnceAsync(List<string> keys, IReadOnlyList<ContactCap> caps)
    {
        var stores = keys.Select((_, i) => i == 0 ? Store : SecondStore()).ToList();
        foreach (var store in stores)
        {
            await store.GetContactPolicyAsync(); // connections open and warm: the claims start together
        }

        using var go = new Barrier(keys.Count);
        return await Bounded(Task.WhenAll(keys.Select((key, i) => Task.Run(() =>
        {
            go.SignalAndWait();
            return stores[i].ClaimDialCappedAsync(key, "execution-" + i, caps);
        }))));
    }

    // One target holding `callee` in each of `count` new campaigns, its first attempt intended: their attempt keys.
    private async Task<List<string>> OneCalleeInCampaignsAsync(string callee, int count, string prefix = "camp")
    {
        var keys = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var campaign = $"{prefix}-{callee}-{i}";
            await Store.RegisterCampaignAsync(campaign, "campaign-" + campaign, """{"robot":"r"}""");
            await Store.AddTargetsAsync(campaign, Callees(callee));
            keys.Add((await Store.RecordIntentAsync(campaign, 1, 1)).AttemptKey);
        }

        return keys;
    }
}
