using Campaigns.Storage.Model;

namespace Campaigns.Storage.Tests;

public abstract partial class StoreContract
{
    [Fact]
    public async Task ClaimDial_EightConcurrentCallers_ExactlyOneClaims()
    {
        await Store.AddTargetsAsync(Campaign, Callees("a"));
        var key = (await Store.RecordIntentAsync(Campaign, 1, 1)).AttemptKey;
        var second = SecondStore();

        var claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(w =>
            Task.Run(() => (w % 2 == 0 ? Store : second).ClaimDialAsync(key, "execution-" + w))));

        var winner = Assert.Single(claims, c => c.Claimed);
        Assert.All(claims, c => Assert.Equal((AttemptState.Dialing, winner.Attempt.ClaimToken), (c.Attempt.State, c.Attempt.ClaimToken)));
        Assert.NotEqual(default, winner.Attempt.ClaimedAt);
    }

    [Fact]
    public async Task ClaimDial_SameTokenAgain_IsClaimed_AnotherTokenIsNot()
    {
        await Store.AddTargetsAsync(Campaign, Callees("a"));
        var key = (await Store.RecordIntentAsync(Campaign, 1, 1)).AttemptKey;

        var first = await Store.ClaimDialAsync(key, "run-1/activity-7");
        var repeat = await Store.ClaimDialAsync(key, "run-1/activity-7");
        var other = await Store.ClaimDialAsync(key, "run-2/activity-7");

        Assert.Equal((true, true, false), (first.Claimed, repeat.Claimed, other.Claimed));
        Assert.Equal(("run-1/activity-7", AttemptState.Dialing), (other.Attempt.ClaimToken, other.Attempt.State));
        Assert.Equal(first.Attempt.ClaimedAt, repeat.Attempt.ClaimedAt);
    }

    [Fact]
    public async Task ClaimDial_AttemptPastIntended_IsNotClaimed_AndComesBackAsStored()
    {
        await Store.AddTargetsAsync(Campaign, Callees("a", "blocked"));
        await Store.AddDoNotCallAsync(["blocked"]);
        var dialed = await DialedAttemptAsync(1, "a");
        var skipped = await Store.RecordIntentAsync(Campaign, 2, 1);

        var claims = await Store.ClaimDialsAsync([skipped.AttemptKey, dialed.AttemptKey], "t");

        Assert.Equal([(false, AttemptState.Skipped), (false, AttemptState.Dialed)], claims.Select(c => (c.Claimed, c.Attempt.State)));
        Assert.Equal("call-1-1", claims[1].Attempt.CallId);
    }

    [Fact]
    public async Task ClaimDials_Batch_ClaimsOnlyTheIntended_InTheOrderAsked()
    {
        await Store.AddTargetsAsync(Campaign, Callees("a", "b", "c"));
        var intents = await Store.RecordIntentsAsync(Campaign, [(1, 1), (2, 1), (3, 1)]);
        await Store.ClaimDialAsync(intents[1].AttemptKey, "other");

        var claims = await Store.ClaimDialsAsync([intents[2].AttemptKey, intents[1].AttemptKey, intents[0].AttemptKey], "mine");

        Assert.Equal([(3, true, "mine"), (2, false, "other"), (1, true, "mine")], claims.Select(c => (c.Attempt.TargetSeq, c.Claimed, c.Attempt.ClaimToken)));
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => Store.ClaimDialsAsync([intents[0].AttemptKey, "nosuchkey"], "mine"));
        Assert.Contains("'nosuchkey' does not exist", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RecordIntent_EightConcurrentCallers_ExactlyOneCreatesIt()
    {
        await Store.AddTargetsAsync(Campaign, Callees("a"));
        var second = SecondStore();

        var intents = await Task.WhenAll(Enumerable.Range(0, 8).Select(w =>
            Task.Run(() => (w % 2 == 0 ? Store : second).RecordIntentAsync(Campaign, 1, 1))));

        Assert.Single(intents, a => a.Created);
        Assert.All(intents, a => Assert.Equal((AttemptState.Intended, AttemptKey.For(Campaign, 1, 1)), (a.State, a.AttemptKey)));
    }

    [Fact]
    public async Task Claimed_ThenDialed_ThenSettled_AndStaleWritersAreRefusedVisibly()
    {
        await Store.AddTargetsAsync(Campaign, Callees("a"));
        var key = (await Store.RecordIntentAsync(Campaign, 1, 1)).AttemptKey;
        await Store.ClaimDialAsync(key, "t");

        var dialed = await Store.MarkDialedAsync(key, "call-1", new Dictionary<string, long> { ["a"] = 0 });
        var repeat = await Store.MarkDialedAsync(key, "call-1", new Dictionary<string, long> { ["a"] = 0 });
        var otherCall = await Store.MarkDialedAsync(key, "call-2", new Dictionary<string, long>());
        var lateUnknown = await Store.MarkUnknownAsync(key, "late timeout");
        var lateFailure = await Store.MarkFailedAsync(key, 101001, "late error");
        var settled = await Store.MarkSettledAsync(key);

        Assert.Equal((AttemptState.Dialed, false, "t"), (dialed.State, dialed.Refused, dialed.ClaimToken));
        Assert.False(repeat.Refused);
        Assert.Equal((AttemptState.Dialed, "call-1", true), (otherCall.State, otherCall.CallId, otherCall.Refused));
        Assert.Equal((AttemptState.Dialed, true), (lateUnknown.State, lateUnknown.Refused));
        Assert.Equal((AttemptState.Dialed, true), (lateFailure.State, lateFailure.Refused));
        Assert.Equal((AttemptState.Settled, false), (settled.State, settled.Refused));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Dialing_ToUnknown_ThenReconciled(bool found)
    {
        await Store.AddTargetsAsync(Campaign, Callees("a"));
        var key = (await Store.RecordIntentAsync(Campaign, 1, 1)).AttemptKey;
        await Store.ClaimDialAsync(key, "t");

        var unknown = await Store.MarkUnknownAsync(key, "timed out after sending");
        var reconciled = found
            ? await Store.MarkDialedAsync(key, "call-found", new Dictionary<string, long> { ["a"] = 0 })
            : await Store.MarkFailedAsync(key, null, "no record of the call");

        Assert.Equal((AttemptState.Unknown, false), (unknown.State, unknown.Refused));
        Assert.Equal((found ? AttemptState.Dialed : AttemptState.Failed, false), (reconciled.State, reconciled.Refused));
    }

    [Fact]
    public async Task Dialing_StartAnsweredWithAnError_IsFailed()
    {
        await Store.AddTargetsAsync(Campaign, Callees("a"));
        var key = (await Store.RecordIntentAsync(Campaign, 1, 1)).AttemptKey;
        await Store.ClaimDialAsync(key, "t");

        var failed = await Store.MarkFailedAsync(key, 101002, "invalid parameter");
        var settle = await Store.MarkSettledAsync(key);

        Assert.Equal((AttemptState.Failed, 101002L, false), (failed.State, failed.ErrorCode!.Value, failed.Refused));
        Assert.Equal((AttemptState.Failed, true), (settle.State, settle.Refused));
    }

    [Fact]
    public async Task ReleaseClaim_ByItsHolder_IsIntendedAgain_AndClaimableByAnother()
    {
        await Store.AddTargetsAsync(Campaign, Callees("a"));
        var key = (await Store.RecordIntentAsync(Campaign, 1, 1)).AttemptKey;
        await Store.ClaimDialAsync(key, "run-1/batch-1/1");

        var released = await Store.ReleaseClaimAsync(key, "run-1/batch-1/1");
        var again = await Store.ReleaseClaimAsync(key, "run-1/batch-1/1");
        var next = await Store.ClaimDialAsync(key, "run-1/batch-1/2");

        Assert.Equal((AttemptState.Intended, false, null, null), (released.State, released.Refused, released.ClaimToken, released.ClaimedAt));
        Assert.Equal((AttemptState.Intended, false), (again.State, again.Refused));
        Assert.Equal((true, AttemptState.Dialing, "run-1/batch-1/2"), (next.Claimed, next.Attempt.State, next.Attempt.ClaimToken));
    }

    [Fact]
    public async Task ReleaseClaim_WrongToken_OrPastDialing_IsRefused_AndChangesNothing()
    {
        await Store.AddTargetsAsync(Campaign, Callees("a", "b", "c"));
        var intents = await Store.RecordIntentsAsync(Campaign, [(1, 1), (2, 1), (3, 1)]);
        var (claimed, dialed, unknown) = (intents[0].AttemptKey, intents[1].AttemptKey, intents[2].AttemptKey);
        await Store.ClaimDialsAsync([claimed, dialed, unknown], "holder");
        await Store.MarkDialedAsync(dialed, "call-2", new Dictionary<string, long> { ["b"] = 0 });
        await Store.MarkUnknownAsync(unknown, "answer lost");

        var wrongToken = await Store.ReleaseClaimAsync(claimed, "not-the-holder");
        var ofDialed = await Store.ReleaseClaimAsync(dialed, "holder");
        var ofUnknown = await Store.ReleaseClaimAsync(unknown, "holder");

        Assert.Equal((AttemptState.Dialing, "holder", true), (wrongToken.State, wrongToken.ClaimToken, wrongToken.Refused));
        Assert.Equal((AttemptState.Dialed, "call-2", true), (ofDialed.State, ofDialed.CallId, ofDialed.Refused));
        Assert.Equal((AttemptState.Unknown, true), (ofUnknown.State, ofUnknown.Refused));
        Assert.Equal(AttemptState.Dialing, (await Store.GetAttemptAsync(claimed))!.State);
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => Store.ReleaseClaimAsync("nosuchkey", "holder"));
        Assert.Contains("'nosuchkey' does not exist", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReleaseClaim_RacingClaimers_NeverTwoHolders_AndTheStoreAgreesWithTheWinner()
    {
        await Store.AddTargetsAsync(Campaign, Callees("a"));
        var key = (await Store.RecordIntentAsync(Campaign, 1, 1)).AttemptKey;
        var second = SecondStore();
        for (var round = 0; round < 10; round++)
        {
            // The holder releases while eight other executions try to claim: at most one of them wins, and
            // only one that claimed after the release (the holder's claim is never taken over).
            var holder = "holder-" + round;
            Assert.True((await Store.ClaimDialAsync(key, holder)).Claimed);
            var release = Task.Run(() => Store.ReleaseClaimAsync(key, holder));
            var claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(w =>
                Task.Run(() => (w % 2 == 0 ? Store : second).ClaimDialAsync(key, $"claimer-{round}-{w}"))));
            var released = await release;

            Assert.False(released.Refused);
            var winners = claims.Where(c => c.Claimed).ToList();
            Assert.True(winners.Count <= 1, $"round {round}: {winners.Count} claimers won");
            var stored = (await Store.GetAttemptAsync(key))!;
            if (winners.Count == 1)
            {
                Assert.Equal((AttemptState.Dialing, winners[0].Attempt.ClaimToken), (stored.State, stored.ClaimToken));
            }
            else
            {
                Assert.Equal((AttemptState.Intended, null), (stored.State, stored.ClaimToken));
            }

            if (stored.State == AttemptState.Dialing)
            {
                Assert.False((await Store.ReleaseClaimAsync(key, holder)).State == AttemptState.Intended); // the old holder cannot free it
                Assert.False((await Store.ReleaseClaimAsync(key, stored.ClaimToken!)).Refused);
            }
        }
    }

    [Fact]
    public async Task UnknownAttempts_PagedAcrossCampaigns_WithinTheTimeRange()
    {
        await Store.RegisterCampaignAsync("other", "campaign-other", """{"robot":"r"}""");
        await Store.AddTargetsAsync(Campaign, Callees("a", "b", "c", "d"));
        await Store.AddTargetsAsync("other", Callees("e"));
        var intents = (await Store.RecordIntentsAsync(Campaign, [(1, 1), (2, 1), (3, 1), (4, 1)])).Append(await Store.RecordIntentAsync("other", 1, 1)).ToList();
        foreach (var a in intents.Where(a => a.TargetSeq != 2))
        {
            await Store.MarkUnknownAsync(a.AttemptKey, "answer lost");
        }

        await Store.MarkDialedAsync(intents[2].AttemptKey, "call-found", new Dictionary<string, long>()); // reconciled: no longer Unknown
        var expected = new[] { intents[0], intents[3], intents[4] }.Select(a => a.AttemptKey).Order(StringComparer.Ordinal).ToList();
        var later = DateTimeOffset.UtcNow.AddMinutes(1);
        var earlier = DateTimeOffset.UtcNow.AddDays(-7);

        var first = await Store.GetUnknownAttemptsAsync(earlier, later, null, 2);
        var rest = await Store.GetUnknownAttemptsAsync(earlier, later, first[^1].AttemptKey, 2);

        Assert.Equal(expected, first.Concat(rest).Select(a => a.AttemptKey));
        Assert.All(first.Concat(rest), a => Assert.Equal(AttemptState.Unknown, a.State));
        Assert.Empty(await Store.GetUnknownAttemptsAsync(earlier, DateTimeOffset.UtcNow.AddDays(-1), null, 10)); // changed too recently
        Assert.Empty(await Store.GetUnknownAttemptsAsync(later, later, null, 10)); // intended too long ago
    }
}
