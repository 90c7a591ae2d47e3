using Campaigns.Storage.Model;

namespace Campaigns.Storage.Tests;

/// <content>What finishes attempts nobody else will: a found call settled in one transaction, closed intents, own-claim failures, stale pages.</content>
public abstract partial class StoreContract
{
    [Fact]
    public async Task ResolveFound_UnknownAttempt_IsDialedAndSettledInOneMove_AndARepeatChangesNothing()
    {
        await Store.AddTargetsAsync(Campaign, Callees("a"));
        var intent = await Store.RecordIntentAsync(Campaign, 1, 1);
        await Store.ClaimDialAsync(intent.AttemptKey, "t1");
        var unknown = await Store.MarkUnknownAsync(intent.AttemptKey, "lost");
        var found = unknown with { CallId = "call-x" };

        var resolved = await Store.ResolveFoundAsync(intent.AttemptKey, "call-x", [OutcomeOf(found, "a", "NotAnswer")]);
        var again = await Store.ResolveFoundAsync(intent.AttemptKey, "call-x", [OutcomeOf(found, "a", "NotAnswer")]);

        Assert.Equal((AttemptState.Settled, "call-x", false), (resolved.State, resolved.CallId, resolved.Refused));
        Assert.False(again.Refused);
        Assert.Equal("NotAnswer", Assert.Single(await ExportAsync()).Result);
    }

    [Fact]
    public async Task ResolveFound_AnOutcomeThatDoesNotMatch_WritesNothing_AndLeavesTheAttemptUnknown()
    {
        await Store.AddTargetsAsync(Campaign, Callees("a"));
        var intent = await Store.RecordIntentAsync(Campaign, 1, 1);
        var unknown = await Store.MarkUnknownAsync(intent.AttemptKey, "lost");

        await Assert.ThrowsAsync<InvalidOperationException>(() => Store.ResolveFoundAsync(intent.AttemptKey, "call-x", [OutcomeOf(unknown with { CallId = "call-x" }, "zz")]));

        Assert.Equal(AttemptState.Unknown, (await Store.GetAttemptAsync(intent.AttemptKey))!.State);
        Assert.Empty(await ExportAsync());
    }

    [Fact]
    public async Task ResolveFound_DialedWithAnotherCall_IsRefused()
    {
        await Store.AddTargetsAsync(Campaign, Callees("a"));
        var dialed = await DialedAttemptAsync(1, "a");

        var resolved = await Store.ResolveFoundAsync(dialed.AttemptKey, "call-other", [OutcomeOf(dialed with { CallId = "call-other" }, "a")]);

        Assert.True(resolved.Refused);
        Assert.Equal((AttemptState.Dialed, "call-1-1"), (resolved.State, resolved.CallId));
    }

    [Fact]
    public async Task CloseIntended_MovesOnlyIntendedAttempts_OfThatCampaign_OrOfTheKeysGiven()
    {
        await Store.AddTargetsAsync(Campaign, Callees("a", "b", "c", "d"));
        var intents = await Store.RecordIntentsAsync(Campaign, [(1, 1), (2, 1), (3, 1), (4, 1)]);
        await Store.ClaimDialAsync(intents[1].AttemptKey, "t1");

        Assert.Equal(1, await Store.CloseIntendedAsync(Campaign, "gave up", [intents[0].AttemptKey, intents[1].AttemptKey]));
        Assert.Equal(0, await Store.CloseIntendedAsync(Campaign, "gave up", []));
        Assert.Equal(2, await Store.CloseIntendedAsync(Campaign, "cancelled"));

        var states = await Task.WhenAll(intents.Select(i => Store.GetAttemptAsync(i.AttemptKey)));
        Assert.Equal([AttemptState.Failed, AttemptState.Dialing, AttemptState.Failed, AttemptState.Failed], states.Select(a => a!.State));
        Assert.Equal(["gave up", null, "cancelled", "cancelled"], states.Select(a => a!.ErrorInfo));
    }

    [Fact]
    public async Task FailClaim_OnlyTheHolderCanFailItsClaim()
    {
        await Store.AddTargetsAsync(Campaign, Callees("a"));
        var intent = await Store.RecordIntentAsync(Campaign, 1, 1);
        await Store.ClaimDialAsync(intent.AttemptKey, "mine");

        var theirs = await Store.FailClaimAsync(intent.AttemptKey, "someone-else", 101001, "not sent");
        var mine = await Store.FailClaimAsync(intent.AttemptKey, "mine", 101001, "not sent");
        var repeat = await Store.FailClaimAsync(intent.AttemptKey, "mine", 101001, "not sent");

        Assert.Equal((AttemptState.Dialing, true), (theirs.State, theirs.Refused));
        Assert.Equal((AttemptState.Failed, false, 101001L), (mine.State, mine.Refused, mine.ErrorCode));
        Assert.False(repeat.Refused);
    }

    [Fact]
    public async Task StalePages_ListDialedAndDialingAttemptsChangedBeforeTheBound_InKeyOrder()
    {
        await Store.AddTargetsAsync(Campaign, Callees("a", "b", "c"));
        var dialed = await DialedAttemptAsync(1, "a");
        var claimed = await Store.RecordIntentAsync(Campaign, 2, 1);
        await Store.ClaimDialAsync(claimed.AttemptKey, "t1");
        await Store.RecordIntentAsync(Campaign, 3, 1);
        var later = DateTimeOffset.UtcNow.AddMinutes(1);

        Assert.Equal([dialed.AttemptKey], (await Store.GetStaleDialedAttemptsAsync(later, null, 10)).Select(a => a.AttemptKey));
        Assert.Equal([claimed.AttemptKey], (await Store.GetStaleDialingAttemptsAsync(later, null, 10)).Select(a => a.AttemptKey));
        Assert.Empty(await Store.GetStaleDialedAttemptsAsync(DateTimeOffset.UtcNow.AddMinutes(-1), null, 10));
        Assert.Empty(await Store.GetStaleDialingAttemptsAsync(later, claimed.AttemptKey, 10));
    }

    [Fact]
    public async Task MarkClaimUnknown_OnlyTheClaimSearchedFor_NeverOneTakenAfresh()
    {
        await Store.AddTargetsAsync(Campaign, Callees("a"));
        var intent = await Store.RecordIntentAsync(Campaign, 1, 1);
        await Store.ClaimDialAsync(intent.AttemptKey, "old");
        await Store.ReleaseClaimAsync(intent.AttemptKey, "old");
        await Store.ClaimDialAsync(intent.AttemptKey, "fresh");

        var stale = await Store.MarkClaimUnknownAsync(intent.AttemptKey, "old", "not found");
        var fresh = await Store.MarkClaimUnknownAsync(intent.AttemptKey, "fresh", "not found");

        Assert.Equal((AttemptState.Dialing, true), (stale.State, stale.Refused));
        Assert.Equal((AttemptState.Unknown, false, "not found"), (fresh.State, fresh.Refused, fresh.ErrorInfo));
    }
}
