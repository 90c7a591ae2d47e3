using Campaigns.Storage.Model;

namespace Campaigns.Storage.Tests;

public abstract partial class StoreContract
{
    [Fact]
    public async Task RecordIntent_Retried_ReturnsTheRowItWroteFirst()
    {
        await Store.AddTargetsAsync(Campaign, Callees("a"));

        var first = await Store.RecordIntentAsync(Campaign, 1, 1);
        var retry = await Store.RecordIntentAsync(Campaign, 1, 1);

        Assert.Equal((AttemptState.Intended, true), (first.State, first.Created));
        Assert.False(retry.Created);
        Assert.Equal(first with { Created = false }, retry);
        Assert.Equal(AttemptKey.For(Campaign, 1, 1), first.AttemptKey);
    }

    [Fact]
    public async Task RecordIntent_AfterTheCallWasDialed_ReturnsDialed_SoTheRetryDoesNotDialAgain()
    {
        await Store.AddTargetsAsync(Campaign, Callees("a"));
        var dialed = await DialedAttemptAsync(1, "a");

        var retry = await Store.RecordIntentAsync(Campaign, 1, 1);

        Assert.Equal((AttemptState.Dialed, dialed.CallId), (retry.State, retry.CallId));
    }

    [Fact]
    public async Task Attempt_IntendedDialedSettled_AndRepeatsChangeNothing()
    {
        await Store.AddTargetsAsync(Campaign, Callees("a;b"));
        var intent = await Store.RecordIntentAsync(Campaign, 1, 1);

        var dialed = await Store.MarkDialedAsync(intent.AttemptKey, "call-1", new Dictionary<string, long> { ["a"] = 0, ["b"] = 7 });
        var dialedAgain = await Store.MarkDialedAsync(intent.AttemptKey, "call-other", new Dictionary<string, long>());
        var notUnknown = await Store.MarkUnknownAsync(intent.AttemptKey, "late timeout");
        var settled = await Store.MarkSettledAsync(intent.AttemptKey);
        var settledAgain = await Store.MarkSettledAsync(intent.AttemptKey);

        Assert.Equal((AttemptState.Dialed, "call-1"), (dialed.State, dialed.CallId));
        Assert.Contains("\"b\":7", dialed.ResultCodes, StringComparison.Ordinal);
        Assert.Equal((AttemptState.Dialed, "call-1"), (dialedAgain.State, dialedAgain.CallId));
        Assert.Equal(AttemptState.Dialed, notUnknown.State);
        Assert.Equal(AttemptState.Settled, settled.State);
        Assert.True(settled.SettledAt >= dialed.DialedAt && dialed.DialedAt >= intent.IntendedAt, "times run backwards");
        Assert.Equal(settled, settledAgain);
        Assert.Equal(intent.AttemptKey, (await Store.GetAttemptByCallIdAsync("call-1"))!.AttemptKey);
    }

    [Fact]
    public async Task Attempt_UnknownThenReconciledAsDialed()
    {
        await Store.AddTargetsAsync(Campaign, Callees("a"));
        var intent = await Store.RecordIntentAsync(Campaign, 1, 1);

        var unknown = await Store.MarkUnknownAsync(intent.AttemptKey, "timed out after sending");
        Assert.Equal(AttemptState.Unknown, unknown.State);
        Assert.Equal([intent.AttemptKey], (await Store.GetAttemptsAsync(Campaign, AttemptState.Unknown)).Select(a => a.AttemptKey));

        var found = await Store.MarkDialedAsync(intent.AttemptKey, "call-found", new Dictionary<string, long> { ["a"] = 0 });
        Assert.Equal((AttemptState.Dialed, "call-found", null), (found.State, found.CallId, found.ErrorInfo));
        Assert.Empty(await Store.GetAttemptsAsync(Campaign, AttemptState.Unknown));
    }

    [Fact]
    public async Task Attempt_FailedStart_KeepsCodeAndInfo_AndCannotBeDialedLater()
    {
        await Store.AddTargetsAsync(Campaign, Callees("a"));
        var intent = await Store.RecordIntentAsync(Campaign, 1, 1);

        var failed = await Store.MarkFailedAsync(intent.AttemptKey, 101002, "invalid parameter");
        var stillFailed = await Store.MarkDialedAsync(intent.AttemptKey, "late", new Dictionary<string, long>());

        Assert.Equal((AttemptState.Failed, 101002L, "invalid parameter"), (failed.State, failed.ErrorCode!.Value, failed.ErrorInfo));
        Assert.Equal(AttemptState.Failed, stillFailed.State);
    }

    [Fact]
    public async Task Attempt_OfAnUnknownKey_SaysSo()
    {
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => Store.MarkSettledAsync("nosuchkey"));

        Assert.Contains("'nosuchkey' does not exist", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Redial_IsASecondAttemptWithItsOwnKey()
    {
        await Store.AddTargetsAsync(Campaign, Callees("a"));

        var one = await DialedAttemptAsync(1, "a", attemptNo: 1);
        var two = await DialedAttemptAsync(1, "a", attemptNo: 2);

        Assert.NotEqual(one.AttemptKey, two.AttemptKey);
        Assert.Equal(2, (await Store.GetAttemptsAsync(Campaign, AttemptState.Dialed)).Count);
    }

    [Fact]
    public async Task RecordIntents_Batch_IsIdempotentAndReportsStoredStates()
    {
        await Store.AddTargetsAsync(Campaign, Callees("a", "b", "c"));
        await DialedAttemptAsync(2, "b");

        var batch = await Store.RecordIntentsAsync(Campaign, [(1, 1), (2, 1), (3, 1)]);
        var again = await Store.RecordIntentsAsync(Campaign, [(3, 1), (1, 1)]);

        Assert.Equal([AttemptState.Intended, AttemptState.Dialed, AttemptState.Intended], batch.Select(a => a.State));
        Assert.Equal([true, false, true], batch.Select(a => a.Created));
        Assert.Equal([batch[2] with { Created = false }, batch[0] with { Created = false }], again);
        Assert.Equal(2, (await Store.GetProgressAsync(Campaign)).AttemptsByState[AttemptState.Intended]);
    }

    [Fact]
    public async Task RecordIntent_TargetWithACalleeOnDoNotCall_IsSkippedWithTheReason()
    {
        await Store.AddTargetsAsync(Campaign, Callees("a", "b;blocked", "c"));
        await Store.AddDoNotCallAsync(["blocked", "c"]);

        var attempts = await Store.RecordIntentsAsync(Campaign, [(1, 1), (2, 1), (3, 1)]);

        Assert.Equal([AttemptState.Intended, AttemptState.Skipped, AttemptState.Skipped], attempts.Select(a => a.State));
        Assert.Equal("do-not-call: blocked", attempts[1].ErrorInfo);
        var dialed = await Store.MarkDialedAsync(attempts[1].AttemptKey, "x", new Dictionary<string, long>());
        Assert.Equal(AttemptState.Skipped, dialed.State);
        Assert.Equal(AttemptState.Skipped, (await Store.RecordIntentAsync(Campaign, 3, 1)).State);
    }

    [Fact]
    public async Task RecordIntent_UnknownTarget_IsRefusedNamingItAndWritesNothing()
    {
        await Store.AddTargetsAsync(Campaign, Callees("a"));

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => Store.RecordIntentsAsync(Campaign, [(1, 1), (9, 1)]));

        Assert.Contains("target 9", e.Message, StringComparison.Ordinal);
        Assert.Null(await Store.GetAttemptAsync(AttemptKey.For(Campaign, 1, 1)));
    }
}
