using Campaigns.Storage.Model;
using Campaigns.Storage.Sql;

namespace Campaigns.Storage.Tests;

/// <content>
/// Group commit: single-row calls of one kind arriving while one is in flight go to the database together.
/// Each test holds the leader (the lane's test hook) until the followers have queued, so the batch is formed
/// deterministically, then checks that every caller got what a call of its own gives.
/// </content>
public abstract partial class StoreContract
{
    private const int Followers = 16;

    private static readonly int[] OneTargetMissing = [1, 2, 99, 3, 4];

    private SqlOutcomeStore Lanes => (SqlOutcomeStore)Store;

    [Fact]
    public async Task GroupCommit_SixteenSingleAttemptCallers_GoTogether_EachGetsItsOwnSequentialResult()
    {
        var n = Followers + 1;
        await Store.AddTargetsAsync(Campaign, [.. Enumerable.Range(0, n).Select(i => (IReadOnlyList<string>)["c" + i])]);
        var seqs = Enumerable.Range(1, n).ToList();

        // Intents: 16 followers, plus a repeat of the first follower's pair, which waits for the next batch and,
        // as the second of two sequential calls, finds the attempt there already.
        var intents = await TogetherAsync(
            Lanes.IntentLane,
            [.. seqs.Select(s => (Func<Task<CallAttempt>>)(() => Store.RecordIntentAsync(Campaign, s, 1))),
             () => Store.RecordIntentAsync(Campaign, 2, 1)]);
        Assert.All(intents.Take(n), (a, i) => Assert.Equal((seqs[i], 1, AttemptState.Intended, true), (a.TargetSeq, a.AttemptNo, a.State, a.Created)));
        Assert.Equal((2, false), (intents[^1].TargetSeq, intents[^1].Created));
        Assert.Equal(intents[1].AttemptKey, intents[^1].AttemptKey);

        // Claims, each with its own token, plus a second claimer of one attempt, who must not get it.
        var claims = await TogetherAsync(
            Lanes.ClaimLane,
            [.. intents.Take(n).Select(a => (Func<Task<DialClaim>>)(() => Store.ClaimDialAsync(a.AttemptKey, "token-" + a.TargetSeq))),
             () => Store.ClaimDialAsync(intents[1].AttemptKey, "intruder")]);
        Assert.All(claims.Take(n), (c, i) => Assert.Equal((true, AttemptState.Dialing, "token-" + seqs[i]), (c.Claimed, c.Attempt.State, c.Attempt.ClaimToken)));
        Assert.Equal((false, "token-2"), (claims[^1].Claimed, claims[^1].Attempt.ClaimToken));

        // Dialed marks, plus a repeat of one with the same call id (a retried step: not refused).
        var dialed = await TogetherAsync(
            Lanes.DialedLane,
            [.. intents.Take(n).Select(a => (Func<Task<CallAttempt>>)(() => Store.MarkDialedAsync(a.AttemptKey, "call-" + a.TargetSeq, Codes(a)))),
             () => Store.MarkDialedAsync(intents[1].AttemptKey, "call-2", Codes(intents[1]))]);
        Assert.All(dialed, (a, i) => Assert.Equal(
            (AttemptState.Dialed, "call-" + a.TargetSeq, false, $$"""{"c{{a.TargetSeq - 1}}":{{a.TargetSeq}}}"""),
            (a.State, a.CallId, a.Refused, a.ResultCodes)));

        // Settles with their outcomes, plus a repeat of one (found Settled: a repeat, not refused).
        var settled = await TogetherAsync(
            Lanes.SettleLane,
            [.. dialed.Take(n).Select(a => (Func<Task<CallAttempt>>)(() => Store.SettleAsync(a.AttemptKey, [OutcomeOf(a, "c" + (a.TargetSeq - 1))]))),
             () => Store.SettleAsync(dialed[1].AttemptKey, [OutcomeOf(dialed[1], "c1")])]);
        Assert.All(settled, a => Assert.Equal((AttemptState.Settled, false), (a.State, a.Refused)));
        foreach (var a in dialed.Take(n))
        {
            Assert.Equal("NormalEnd", (await Store.GetAttemptResultsAsync(a.AttemptKey))["c" + (a.TargetSeq - 1)]);
        }

        Assert.Equal(
            (Followers, Followers, Followers, Followers),
            (Lanes.IntentLane.LargestBatch, Lanes.ClaimLane.LargestBatch, Lanes.DialedLane.LargestBatch, Lanes.SettleLane.LargestBatch));
        var p = await Store.GetProgressAsync(Campaign);
        Assert.Equal(n, p.AttemptsByState[AttemptState.Settled]);
        Assert.Equal(n, p.OutcomesByResult["NormalEnd"]);
    }

    [Fact]
    public async Task GroupCommit_GuardRefusesOneMember_OnlyThatCallerSeesIt()
    {
        await Store.AddTargetsAsync(Campaign, [.. Enumerable.Range(0, 6).Select(i => (IReadOnlyList<string>)["c" + i])]);
        var intents = await Store.RecordIntentsAsync(Campaign, [.. Enumerable.Range(1, 6).Select(s => (s, 1))]);

        // One attempt already claimed by another token: its claimer is refused, the others claim theirs.
        await Store.ClaimDialAsync(intents[3].AttemptKey, "earlier");
        var claims = await TogetherAsync(
            Lanes.ClaimLane, [.. intents.Select(a => (Func<Task<DialClaim>>)(() => Store.ClaimDialAsync(a.AttemptKey, "mine")))]);
        Assert.Equal([true, true, true, false, true, true], claims.Select(c => c.Claimed));
        Assert.Equal("earlier", claims[3].Attempt.ClaimToken);

        // One attempt already failed: its dialed mark is refused (Failed is final), the others move.
        await Store.MarkFailedAsync(intents[2].AttemptKey, 70001, "rejected");
        var dialed = await TogetherAsync(
            Lanes.DialedLane, [.. intents.Select(a => (Func<Task<CallAttempt>>)(() => Store.MarkDialedAsync(a.AttemptKey, "call-" + a.TargetSeq, Codes(a))))]);
        Assert.Equal([false, false, true, false, false, false], dialed.Select(a => a.Refused));
        Assert.Equal(AttemptState.Failed, dialed[2].State);
        Assert.All(dialed.Where(a => !a.Refused), a => Assert.Equal(AttemptState.Dialed, a.State));

        // An Unknown never replaces a final result: one member's settle meets a final outcome stored before.
        await Store.UpsertOutcomesAsync([OutcomeOf(dialed[4], "c4", "Reject")]);
        var settled = await TogetherAsync(
            Lanes.SettleLane,
            [.. dialed.Where(a => !a.Refused).Select(a => (Func<Task<CallAttempt>>)(() => Store.SettleAsync(a.AttemptKey, [OutcomeOf(a, "c" + (a.TargetSeq - 1), "Unknown")])))]);
        Assert.All(settled, a => Assert.Equal((AttemptState.Settled, false), (a.State, a.Refused)));
        Assert.Equal("Reject", (await Store.GetAttemptResultsAsync(dialed[4].AttemptKey))["c4"]);
        Assert.Equal("Unknown", (await Store.GetAttemptResultsAsync(dialed[0].AttemptKey))["c0"]);
    }

    [Fact]
    public async Task GroupCommit_FollowerCancelledWhileQueued_GetsCancelled_OthersGoOn_ItsRowUntouched()
    {
        await Store.AddTargetsAsync(Campaign, [.. Enumerable.Range(0, 5).Select(i => (IReadOnlyList<string>)["c" + i])]);
        var intents = await Store.RecordIntentsAsync(Campaign, [.. Enumerable.Range(1, 5).Select(s => (s, 1))]);
        using var cancel = new CancellationTokenSource();
        var lane = Lanes.ClaimLane;
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lane.BeforeLeader = () => gate.Task;
        var leader = Store.ClaimDialAsync(intents[0].AttemptKey, "t");
        var followers = intents.Skip(1).Select((a, i) => Store.ClaimDialAsync(a.AttemptKey, "t", i == 1 ? cancel.Token : default)).ToList();
        await WaitUntilAsync(() => lane.Queued == followers.Count);
        await cancel.CancelAsync();
        lane.BeforeLeader = null;
        gate.SetResult();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Bounded(followers[1]));
        Assert.True((await Bounded(leader)).Claimed);
        Assert.All(await Bounded(Task.WhenAll(followers.Where((_, i) => i != 1))), c => Assert.True(c.Claimed));
        Assert.Equal(AttemptState.Intended, (await Store.GetAttemptAsync(intents[2].AttemptKey))!.State);
        Assert.Equal(3, lane.LargestBatch);
    }

    [Fact]
    public async Task GroupCommit_OneMemberFails_OnlyThatCallerGetsTheError()
    {
        await Store.AddTargetsAsync(Campaign, [.. Enumerable.Range(0, 5).Select(i => (IReadOnlyList<string>)["c" + i])]);

        // Intents: one names a target that does not exist, which fails the batch's statement as a whole.
        var intents = await SettledTogetherAsync(
            Lanes.IntentLane, [.. OneTargetMissing.Select(s => (Func<Task<CallAttempt>>)(() => Store.RecordIntentAsync(Campaign, s, 1)))]);
        Assert.Contains("target 99", Assert.IsType<InvalidOperationException>(intents[2].Error).Message, StringComparison.Ordinal);
        Assert.All(intents.Where((_, i) => i != 2), t => Assert.True(t.Result!.Created));

        // Settles: one carries an outcome of a callee its target does not have.
        var dialed = new List<CallAttempt>();
        foreach (var a in intents.Where((_, i) => i != 2).Select(t => t.Result!))
        {
            dialed.Add(await Store.MarkDialedAsync(a.AttemptKey, "call-" + a.TargetSeq, Codes(a)));
        }

        var settles = await SettledTogetherAsync(
            Lanes.SettleLane,
            [.. dialed.Select((a, i) => (Func<Task<CallAttempt>>)(() => Store.SettleAsync(a.AttemptKey, [OutcomeOf(a, i == 2 ? "stranger" : "c" + (a.TargetSeq - 1))])))]);
        Assert.Contains("not in the attempt's target", Assert.IsType<InvalidOperationException>(settles[2].Error).Message, StringComparison.Ordinal);
        Assert.All(settles.Where((_, i) => i != 2), t => Assert.Equal(AttemptState.Settled, t.Result!.State));
        Assert.Equal(AttemptState.Dialed, (await Store.GetAttemptAsync(dialed[2].AttemptKey))!.State);
        Assert.Empty(await Store.GetAttemptResultsAsync(dialed[2].AttemptKey));
    }

    [Fact]
    public async Task GroupCommitOff_SixteenConcurrentCallers_EachRunsAlone_SameResults()
    {
        // OutcomeStore:GroupCommit=false (the benchmark's "no-group-commit"): nothing queues, nothing goes together.
        var store = SecondStore(new OutcomeStoreOptions { GroupCommit = false });
        var lanes = (SqlOutcomeStore)store;
        await store.AddTargetsAsync(Campaign, [.. Enumerable.Range(0, Followers).Select(i => (IReadOnlyList<string>)["c" + i])]);
        var seqs = Enumerable.Range(1, Followers).ToList();

        var intents = await Bounded(Task.WhenAll(seqs.Select(s => store.RecordIntentAsync(Campaign, s, 1))));
        var claims = await Bounded(Task.WhenAll(intents.Select(a => store.ClaimDialAsync(a.AttemptKey, "token-" + a.TargetSeq))));
        var dialed = await Bounded(Task.WhenAll(intents.Select(a => store.MarkDialedAsync(a.AttemptKey, "call-" + a.TargetSeq, Codes(a)))));
        var settled = await Bounded(Task.WhenAll(dialed.Select(a => store.SettleAsync(a.AttemptKey, [OutcomeOf(a, "c" + (a.TargetSeq - 1))]))));

        Assert.All(intents, (a, i) => Assert.Equal((seqs[i], AttemptState.Intended, true), (a.TargetSeq, a.State, a.Created)));
        Assert.All(claims, c => Assert.True(c.Claimed));
        Assert.All(settled, a => Assert.Equal((AttemptState.Settled, false), (a.State, a.Refused)));
        Assert.Equal(
            (0, 0, 0, 0),
            (lanes.IntentLane.Batches, lanes.ClaimLane.Batches, lanes.DialedLane.Batches, lanes.SettleLane.Batches));
        Assert.Equal(Followers, (await store.GetProgressAsync(Campaign)).OutcomesByResult["NormalEnd"]);
    }

    private static Dictionary<string, long> Codes(CallAttempt a) => new() { ["c" + (a.TargetSeq - 1)] = a.TargetSeq };

    // The first call leads and is held until all the others have queued behind it; then they go together.
    private static async Task<TResult[]> TogetherAsync<TItem, TResult>(Coalescer<TItem, TResult> lane, IReadOnlyList<Func<Task<TResult>>> calls)
        where TResult : class =>
        await Bounded(Task.WhenAll(await QueuedAsync(lane, calls)));

    // As TogetherAsync, for calls that may fail: each call's result or error.
    private static async Task<(TResult? Result, Exception? Error)[]> SettledTogetherAsync<TItem, TResult>(
        Coalescer<TItem, TResult> lane, IReadOnlyList<Func<Task<TResult>>> calls)
        where TResult : class
    {
        var results = new List<(TResult?, Exception?)>();
        foreach (var task in await QueuedAsync(lane, calls))
        {
            try
            {
                results.Add((await Bounded(task), null));
            }
            catch (InvalidOperationException e)
            {
                results.Add((null, e));
            }
        }

        return [.. results];
    }

    private static async Task<Task<TResult>[]> QueuedAsync<TItem, TResult>(Coalescer<TItem, TResult> lane, IReadOnlyList<Func<Task<TResult>>> calls)
        where TResult : class
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lane.BeforeLeader = () => gate.Task;
        var tasks = calls.Select(call => call()).ToArray();
        await WaitUntilAsync(() => lane.Queued == calls.Count - 1);
        lane.BeforeLeader = null;
        gate.SetResult();
        return tasks;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the followers did not queue behind the held leader");
            await Task.Yield();
        }
    }
}
