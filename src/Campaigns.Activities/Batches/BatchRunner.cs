using System.Collections.Concurrent;
using Campaigns.Activities.Budget;
using Campaigns.Activities.Caps;
using Campaigns.Activities.Records;
using Campaigns.Activities.Watching;
using Campaigns.Storage;
using Campaigns.Storage.Model;
using Campaigns.TencentCall;
using Campaigns.TencentCall.Errors;
using Campaigns.TencentCall.Models;
using Campaigns.Workflows.Activities;
using Campaigns.Workflows.Contract;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Campaigns.Activities.Batches;

/// <summary>
/// Dials, watches and settles one batch. The store is the ledger: each attempt's stored state decides
/// what happens to it, so a retried or concurrent execution never re-sends a start that may have rung.
/// Intended → claimed (compare-and-set) → started → Dialed → watched → record → outcomes → Settled.
/// A start whose answer was lost leaves the attempt Unknown; it is looked up by its RoomId, never redialed.
/// </summary>
public sealed partial class BatchRunner(
    IOutcomeStore store,
    ITencentCallClient client,
    ApiBudget budget,
    CallWatcher watcher,
    RecordFinder records,
    RecordHarvester harvester,
    LiveCallSlots liveCalls,
    ContactCaps contactCaps,
    CalleeHours calleeHours,
    IOptions<CampaignWorkerOptions> options,
    TimeProvider time,
    ILogger<BatchRunner> logger)
{
    /// <summary>Runs the batch to the end (or to a cancel) and returns one result per attempt.</summary>
    public async Task<BatchResult> RunAsync(BatchInput input, BatchContext context)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(context);
        // Keyed by (target, attempt number), not by attempt key: a batch of 500 lives until its last record (up to
        // RecordMaxWaitSeconds), and a string key per finished attempt was memory held that long for nothing.
        var finished = new ConcurrentDictionary<(int Seq, int AttemptNo), string>();
        if (context.PreviousResults.Count > 0)
        {
            foreach (var i in input.AllItems())
            {
                if (context.PreviousResults.TryGetValue(AttemptKey.For(input.CampaignId, i.Seq, i.AttemptNo), out var previous))
                {
                    finished[(i.Seq, i.AttemptNo)] = previous;
                }
            }
        }

        try
        {
            return await RunAsync(input, context, finished).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException and not Temporalio.Exceptions.ApplicationFailureException)
        {
            // Every attempt task has ended (all are awaited): what finished is reported with the error,
            // so a batch that gives up still accounts for every attempt it did bring to a result.
            var done = input.AllItems().Distinct()
                .Select(i => finished.TryGetValue((i.Seq, i.AttemptNo), out var r) ? new ItemResult(i.Seq, i.AttemptNo, r) : null)
                .OfType<ItemResult>()
                .ToList();
            throw new BatchRunException(done, e, e is MissingTargetsException);
        }
    }

    private async Task<BatchResult> RunAsync(BatchInput input, BatchContext context, ConcurrentDictionary<(int Seq, int AttemptNo), string> finished)
    {
        // Heartbeats on progress: only while the worker's loops this batch waits on go round (LoopPulse).
        using var beat = new Timer(_ => HeartbeatIfAlive(context, finished.Count), null, TimeSpan.Zero, TimeSpan.FromSeconds(2));
        var all = await StartAttemptsAsync(input, context, finished).ConfigureAwait(false);
        return new BatchResult(await all.ConfigureAwait(false));
    }

    // Loads the targets, records the intents and starts every attempt; returns the task of their results. The batch's
    // attempts and targets live only in this method's frame, which ends once they have started: a finished attempt
    // keeps nothing but its result while the batch waits for its slowest record (dotnet-gcdump, docs/benchmarks.md).
    private async Task<Task<ItemResult[]>> StartAttemptsAsync(BatchInput input, BatchContext context, ConcurrentDictionary<(int Seq, int AttemptNo), string> finished)
    {
        var targets = await LoadTargetsAsync(input, context.Abort).ConfigureAwait(false);
        // Distinct: the same attempt twice in one batch would pass one claim token twice.
        var attempts = await store.RecordIntentsAsync(
            input.CampaignId, input.AllItems().Select(i => (i.Seq, i.AttemptNo)).Distinct().ToList(), context.Abort).ConfigureAwait(false);
        var work = new Task<ItemResult>[attempts.Count];
        for (var i = 0; i < attempts.Count; i++)
        {
            work[i] = RunOneAsync(input, attempts[i], targets[attempts[i].TargetSeq], context, finished);
        }

        return AllResultsAsync(work);
    }

    private async Task<ItemResult> RunOneAsync(
        BatchInput input, CallAttempt attempt, Target target, BatchContext context, ConcurrentDictionary<(int Seq, int AttemptNo), string> finished)
    {
        if (!finished.TryGetValue((attempt.TargetSeq, attempt.AttemptNo), out var result))
        {
            using var scope = LogScopes.Attempt(logger, attempt.CampaignId, attempt.AttemptKey);
            result = await RunAttemptAsync(input, attempt, target, context).ConfigureAwait(false);
            CampaignMetrics.Outcome(result);
            finished[(attempt.TargetSeq, attempt.AttemptNo)] = result;
        }

        return new ItemResult(attempt.TargetSeq, attempt.AttemptNo, result);
    }

    // Task.WhenAll's outcome (every task ended; the first fault in order, else a cancel, else the results in order)
    // without holding the tasks: each slot lets its task go as it ends, so the async state of a finished attempt is
    // collected while the rest of the batch still runs.
    private static async Task<ItemResult[]> AllResultsAsync(Task<ItemResult>[] work)
    {
        var results = new ItemResult[work.Length];
        var faults = new Exception?[work.Length];
        var cancelled = false;
        for (var i = 0; i < work.Length; i++)
        {
            var task = work[i];
            work[i] = null!; // not held while the later ones run
            try
            {
                results[i] = await task.ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (task.IsCanceled)
            {
                cancelled = true;
            }
#pragma warning disable CA1031 // each fault is kept and reported with the others, none lost
            catch (Exception e)
#pragma warning restore CA1031
            {
                faults[i] = e;
            }
        }

        if (faults.FirstOrDefault(f => f is not null) is { } fault)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(fault);
        }

        return cancelled ? throw new TaskCanceledException("an attempt of the batch was cancelled") : results;
    }

    private async Task<Dictionary<int, Target>> LoadTargetsAsync(BatchInput input, CancellationToken cancellationToken)
    {
        var items = input.AllItems();
        var from = items.Min(i => i.Seq);
        var to = items.Max(i => i.Seq);
        var loaded = await store.GetTargetsAsync(input.CampaignId, from - 1, to - from + 1, cancellationToken).ConfigureAwait(false);
        var bySeq = loaded.ToDictionary(t => t.Seq);
        var missing = items.Where(i => !bySeq.ContainsKey(i.Seq)).Select(i => i.Seq).ToList();
        return missing.Count == 0 ? bySeq
            : throw new MissingTargetsException($"Campaign {input.CampaignId} has no targets {string.Join(", ", missing.Take(10))} in the store");
    }

    private async Task<string> RunAttemptAsync(BatchInput input, CallAttempt attempt, Target target, BatchContext context)
    {
        var spec = input.Spec;
        switch (attempt.State)
        {
            case AttemptState.Skipped:
                return Results.Skipped;
            case AttemptState.Failed:
                return ResultOfFailed(attempt);
            case AttemptState.Settled:
                // Settled by an earlier execution after its last heartbeat: the stored outcomes say how.
                var stored = await store.GetAttemptResultsAsync(attempt.AttemptKey, context.Abort).ConfigureAwait(false);
                return stored.Values.FirstOrDefault(r => r != Results.NotRung) ?? (stored.Count > 0 ? Results.NotRung : Results.RecordMissing);
            case AttemptState.Dialed:
                // Placed by an earlier execution (a worker that died, say): watched from when it was placed, so a
                // call placed long ago is polled as soon as the budget allows, not a first-poll delay from now
                // (a worker restarted every few seconds would otherwise never see one end).
                return await WatchAndSettleAsync(input, attempt, target, attempt.CallId!, Outcomes.Codes(attempt.ResultCodes), context, placedAt: attempt.DialedAt).ConfigureAwait(false);
            case AttemptState.Unknown:
            case AttemptState.Dialing:
                // Claimed by an execution that is gone (or its answer was lost): the call may exist.
                return await ReconcileAsync(input, attempt, target, context).ConfigureAwait(false);
            default:
                return await DialAsync(input, attempt, target, context).ConfigureAwait(false);
        }
    }

    // This worker's part of the campaign's live calls: the limit is the campaign's, split evenly over the fleet
    // (like the budget), so the fleet together never has more live calls than the campaign allows; a campaign
    // whose batches run unevenly across the workers uses less than its limit.
    // Rounded down (at least 1 a worker), so the fleet's sum stays within the limit unless the limit is below
    // the fleet's size.
    private int LiveCallLimit(CampaignSpec spec) =>
        Math.Max(1, (spec.Rate.MaxCallsInFlight ?? RateSpec.DefaultMaxCallsInFlight) / Math.Max(1, budget.FleetSize));

    // A CancellationTokenSource delay: not negative, and within its range (a window closing days away is a day here).
    private static TimeSpan Clamp(TimeSpan wait) => wait < TimeSpan.Zero ? TimeSpan.Zero : wait > TimeSpan.FromDays(1) ? TimeSpan.FromDays(1) : wait;

    // How long after its gate pass a start may still be sent on that pass: a tenth of the window, so that a
    // second holds at most 1.1 × the gate's share (under the vendor's limit with the default Headroom 0.9).
    private static readonly TimeSpan StaleGatePass = TimeSpan.FromMilliseconds(100);

    // The first back-off after a start refused with 101001 or a frequency limit; each next one doubles.
    private const double BackOffBaseMs = 50;

    private async Task<string> DialAsync(BatchInput input, CallAttempt attempt, Target target, BatchContext context)
    {
        var spec = input.Spec;
        var campaignBudget = CampaignBudget.Of(attempt.CampaignId, spec);
        if (context.Cancel.IsCancellationRequested)
        {
            return await ClosedByCancelAsync(input, attempt, target, context).ConfigureAwait(false);
        }

        if (await RedialHeldBecauseAsync(attempt, spec, context.Abort).ConfigureAwait(false) is { } held)
        {
            LogRedialHeld(attempt.AttemptKey, held);
            return await CloseUnclaimedAsync(input, attempt, target, context, held, Results.RedialHeld).ConfigureAwait(false);
        }

        if (await DeferIfClosedAsync(input, attempt, target, context).ConfigureAwait(false) is { } closed)
        {
            return closed; // outside the callee's own window, or a holiday: Deferred to its opening (BatchRunner.Hours.cs)
        }

        if (await DeferIfCappedAsync(spec, attempt, target, context).ConfigureAwait(false) is { } capped)
        {
            return capped; // a contact cap refuses it now: Deferred until it frees, never dialed (BatchRunner.Caps.cs)
        }

        // A slot of the campaign's live calls first (rate.maxCallsInFlight): held until the call has ended, never
        // while its record is awaited; given back by the using on every path where nothing was placed.
        // Both waits (a live-call slot, then the start gate) end at the batch's DialUntil (the calling window's
        // close, or the workflow's start window): what could not start by then comes back Deferred, never claimed,
        // and the workflow dispatches it again later instead of letting it queue here.
        using var wait = input.DialUntil is { } dialUntil
            ? new CancellationTokenSource(Clamp(dialUntil - time.GetUtcNow()), time)
            : new CancellationTokenSource();
        using var waitOrStop = CancellationTokenSource.CreateLinkedTokenSource(wait.Token, context.Cancel, context.Abort);
        IDisposable slot;
        try
        {
            slot = await liveCalls.AcquireAsync(attempt.CampaignId, LiveCallLimit(spec), waitOrStop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.Cancel.IsCancellationRequested || (wait.IsCancellationRequested && !context.Abort.IsCancellationRequested))
        {
            // Never dialed: deferred, the intent stays Intended (dispatched again); cancelled, it is closed.
            return context.Cancel.IsCancellationRequested ? await ClosedByCancelAsync(input, attempt, target, context).ConfigureAwait(false) : Results.Deferred;
        }

        using var live = slot;
        DateTimeOffset passed;
        try
        {
            await budget.AcquireStartAsync(campaignBudget, spec.Rate.Weight, waitOrStop.Token).ConfigureAwait(false);
            passed = time.GetUtcNow();
        }
        catch (OperationCanceledException) when (context.Cancel.IsCancellationRequested || (wait.IsCancellationRequested && !context.Abort.IsCancellationRequested))
        {
            // Never dialed: deferred, the intent stays Intended (dispatched again); cancelled, it is closed.
            return context.Cancel.IsCancellationRequested ? await ClosedByCancelAsync(input, attempt, target, context).ConfigureAwait(false) : Results.Deferred;
        }

        // The waits are over: their token sources go now, not when the call's record is in (minutes later). Each
        // holds a registration on the batch's own tokens and a timer; kept for the whole watch, they made up a
        // fifth of a 100k campaign's heap (dotnet-gcdump, docs/benchmarks.md).
        waitOrStop.Dispose();
        wait.Dispose();
        if (input.DialUntil is { } until && time.GetUtcNow() >= until)
        {
            return Results.Deferred; // the calling window (or the start window) closed while this waited for the budget
        }

        if (await DeferIfClosedAsync(input, attempt, target, context).ConfigureAwait(false) is { } closedMeanwhile)
        {
            return closedMeanwhile; // the callee's own window closed while this waited: checked again just before the claim
        }

        // Only the execution that moves Intended → Dialing may send the request. The claim is not cancelled
        // half-way: a claim committed but unknown to us would read as "maybe rung" to the next execution.
        // Timed from before the claim is asked: the stored claimed_at is no earlier, so a start sent within
        // MaxClaimAge of this instant left within MaxClaimAge of claimed_at.
        context.Abort.ThrowIfCancellationRequested();
        var claimAsked = time.GetTimestamp(); // monotonic: a wall-clock step must not open the fence
        var claim = await ClaimUnderCapsAsync(spec, attempt, context).ConfigureAwait(false);
        if (!claim.Claimed)
        {
            live.Dispose(); // another execution has it: its call is counted where it is watched
            return claim.CappedUntil is { } cappedUntil ? Capped(attempt, cappedUntil, context) // another campaign rang the callee first
                : claim.Attempt.State == AttemptState.Intended
                ? throw new InvalidOperationException($"Attempt {attempt.AttemptKey} could not be claimed")
                : await RunAttemptAsync(input, claim.Attempt, target, context).ConfigureAwait(false);
        }

        if (context.Abort.IsCancellationRequested)
        {
            throw await ReleaseAsync(attempt, context, "aborted before sending").ConfigureAwait(false);
        }

        // The gate counted this start when it let it on. A claim that then took long (a database stall, with
        // every other start of the worker queued behind the same stall) must not send it late, all of them in
        // one burst the vendor would count in one second: past StaleGatePass the start is counted again in the
        // 1-second windows (the stale pass taken out), without taking a second slot on the gate's timeline.
        if (time.GetUtcNow() - passed > StaleGatePass && !await RecheckHoldingClaimAsync(campaignBudget, passed, context).ConfigureAwait(false))
        {
            if (context.Cancel.IsCancellationRequested)
            {
                return await FailOwnClaimAsync(input, attempt, target, context, null, CancelledInfo, Results.Cancelled).ConfigureAwait(false); // never sent
            }

            throw await ReleaseAsync(attempt, context, "worker stopping before sending").ConfigureAwait(false);
        }

        var request = StartRequest(spec, attempt, target);
        for (var tries = 1; ; tries++)
        {
            // Only the start itself is inside this try: an error while watching or fetching the record
            // must never be read as "the start failed" (that would redial a callee who answered).
            StartCallResult started;
            if (time.GetElapsedTime(claimAsked) > MaxClaimAge)
            {
                // Frozen (or throttled) too long since the claim: a retry of this batch may already be reconciling
                // it as "sent at claim time". Never send now; give the claim back, and it is dialed later afresh.
                return await StaleClaimAsync(input, attempt, target, context).ConfigureAwait(false);
            }

            try
            {
                // Not cancelled by a worker shutdown: once sent, the answer must be stored (bounded by the
                // client's request timeout), or an attempt that was never placed would end up unresolved.
                started = await client.StartCallByRobotAsync(request, CancellationToken.None).ConfigureAwait(false);
            }
            catch (TencentCallException e) when (e.RequestMayHaveTakenEffect && e.CallId is { Length: > 0 } callId)
            {
                // An OK answer with a CallId but no CallResult: the call exists; who was rung is unknown,
                // so every callee of the target is watched and given the record's result.
                CampaignMetrics.CallPlaced();
                var known = await MarkDialedAsync(attempt, callId, new Dictionary<string, long>()).ConfigureAwait(false);
                return await ActOnStoredAsync(input, known, target, context, live).ConfigureAwait(false);
            }
            catch (TencentCallException e) when (e.RequestMayHaveTakenEffect || e.Kind == TencentErrorKind.Unknown)
            {
                // The request left and its answer is lost or unintelligible: the callee may be ringing. Never resend.
                live.Dispose(); // not watched while it is looked up (that can take minutes): the slot goes on
                var unknown = await store.MarkUnknownAsync(attempt.AttemptKey, $"{e.Kind} {e.ErrorCode}: {e.Message}", CancellationToken.None).ConfigureAwait(false);
                LogStartLost(attempt.AttemptKey, e.Message);
                CampaignMetrics.StartLost();
                return unknown.Refused
                    ? await ActOnStoredAsync(input, unknown, target, context).ConfigureAwait(false)
                    : await ReconcileAsync(input, unknown, target, context).ConfigureAwait(false);
            }
            catch (TencentCallException e) when (e.IsTransient && tries < 8)
            {
                // 101001, a frequency limit: the vendor says nothing was placed; we still hold the claim.
                if (!await BackOffAsync(tries, campaignBudget, context).ConfigureAwait(false))
                {
                    if (context.Cancel.IsCancellationRequested)
                    {
                        // The campaign is cancelled: nothing was placed and nothing will be. Recorded as Failed
                        // (the target's result is Cancelled), so no later execution reads the claim as "maybe rung".
                        return await FailOwnClaimAsync(input, attempt, target, context, e.ErrorCode, CancelledInfo + $" (not sent again after {e.ErrorCode})", Results.Cancelled).ConfigureAwait(false);
                    }

                    // The worker is stopping: nothing was placed, so the claim goes back and the next execution
                    // of the batch dials this callee as if never claimed (Failed here would lose the call).
                    throw await ReleaseAsync(attempt, context, $"worker stopping after {e.ErrorCode}").ConfigureAwait(false);
                }

                continue;
            }
            catch (TencentCallException e) when (e.Kind == TencentErrorKind.Auth)
            {
                await store.MarkFailedAsync(attempt.AttemptKey, e.ErrorCode, e.Message, CancellationToken.None).ConfigureAwait(false);
                throw new Temporalio.Exceptions.ApplicationFailureException(
                    $"Tencent refused the credentials ({e.ErrorCode}): check TencentCall:SdkAppId, TencentCall:AdminIdentifier and TencentCall:SecretKey (and TencentCall:Region)", errorType: CampaignErrors.TencentAuth, nonRetryable: true);
            }
            catch (TencentCallException e)
            {
                // Refused with a documented error (101002 invalid parameter…): nothing was placed.
                await store.MarkFailedAsync(attempt.AttemptKey, e.ErrorCode, e.Message, CancellationToken.None).ConfigureAwait(false);
                return Results.NotPlaced;
            }

            CampaignMetrics.CallPlaced();
            var codes = Outcomes.Codes(started);
            var dialed = await MarkDialedAsync(attempt, started.CallId, codes).ConfigureAwait(false);
            return await ActOnStoredAsync(input, dialed, target, context, live).ConfigureAwait(false);
        }
    }

    // Waits before sending a refused start again, then for the budget; false when the campaign is cancelled or
    // the worker stops meanwhile (the budget's gates may also stay closed: a fleet member no longer admitted).
    private async Task<bool> BackOffAsync(int tries, CampaignBudget campaignBudget, BatchContext context)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.Cancel, context.Stopping, context.Abort);
        try
        {
            // 50 ms doubling: the 8 tries (6.35 s of back-off) fit within MaxClaimAge with room for the budget's waits.
            await Task.Delay(TimeSpan.FromMilliseconds(BackOffBaseMs * Math.Pow(2, tries - 1)), time, stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return false;
        }

        return await AcquireHoldingClaimAsync(campaignBudget, context).ConfigureAwait(false);
    }

    // One start's budget while this execution holds the claim; false when the campaign is cancelled or the
    // worker stops meanwhile (then the caller gives the claim back or records the cancel; nothing was sent).
    private async Task<bool> AcquireHoldingClaimAsync(CampaignBudget campaignBudget, BatchContext context)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.Cancel, context.Stopping, context.Abort);
        try
        {
            await budget.AcquireAsync(BudgetedApi.StartCall, campaignBudget, stop.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return false;
        }
    }

    // A stale start's re-count in the budget's windows while this execution holds the claim; false when the
    // campaign is cancelled or the worker stops meanwhile (as AcquireHoldingClaimAsync).
    private async Task<bool> RecheckHoldingClaimAsync(CampaignBudget campaignBudget, DateTimeOffset passed, BatchContext context)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.Cancel, context.Stopping, context.Abort);
        try
        {
            await budget.RecheckStartAsync(campaignBudget, passed, stop.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return false;
        }
    }

    // Gives our claim back (the start was never sent); the caller throws what comes back, which stops this
    // attempt: the activity fails and its retry resumes from the store, where the attempt is Intended again. A
    // refused release means the claim is no longer ours (our execution timed out and another reconciled it):
    // that one decides, we only stop.
    private async Task<OperationCanceledException> ReleaseAsync(CallAttempt attempt, BatchContext context, string why)
    {
        var released = await store.ReleaseClaimAsync(attempt.AttemptKey, context.ClaimToken, CancellationToken.None).ConfigureAwait(false);
        var outcome = released.Refused ? $"not ours any more ({released.State})" : "given back";
        LogClaimReleased(attempt.AttemptKey, why, outcome);
        return new OperationCanceledException(
            $"Attempt {attempt.AttemptKey} not dialed ({why}); claim {outcome}", context.Stopping.IsCancellationRequested ? context.Stopping : context.Abort);
    }

    // Stores the CallId; a store failure here would lose the one handle on a placed call, so it is logged first.
    private async Task<CallAttempt> MarkDialedAsync(CallAttempt attempt, string callId, IReadOnlyDictionary<string, long> codes)
    {
        try
        {
            return await store.MarkDialedAsync(attempt.AttemptKey, callId, codes, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogDialedNotStored(attempt.AttemptKey, callId, e.Message);
            throw;
        }
    }

    // The store's answer decides: a refused move returns the stored attempt, whose state may be further on.
    private async Task<string> ActOnStoredAsync(BatchInput input, CallAttempt stored, Target target, BatchContext context, IDisposable? slot = null) =>
        stored.State == AttemptState.Dialed && stored.CallId is { } callId
            ? await WatchAndSettleAsync(input, stored, target, callId, Outcomes.Codes(stored.ResultCodes), context, slot).ConfigureAwait(false)
            : await RunAttemptAsync(input, stored, target, context).ConfigureAwait(false);

    // The call's live slot (null: a call found Dialed, counted here while it is watched) is given back as soon
    // as the call has ended, before its record is awaited.
    private async Task<string> WatchAndSettleAsync(
        BatchInput input,
        CallAttempt attempt,
        Target target,
        string callId,
        IReadOnlyDictionary<string, long> codes,
        BatchContext context,
        IDisposable? slot = null,
        DateTimeOffset? placedAt = null)
    {
        using var scope = LogScopes.Call(logger, callId);
        var campaign = CampaignBudget.Of(attempt.CampaignId, input.Spec);
        var robot = context.Robot;
        CallRecord? record = null;
        if (codes.Count == 0 || codes.Values.Any(c => c == 0))
        {
            var startedFrom = attempt.ClaimedAt ?? attempt.IntendedAt;
            var startedTo = attempt.DialedAt ?? time.GetUtcNow();

            // Records first: the record is looked for from now on, and its coming ends the watch (most calls are
            // never polled); otherwise it is asked for once the watch has seen the end.
            // The window is this process's measure only if this execution claimed and dialed the call (not another
            // worker, whose clock may differ): only then may a page read prove its record absent.
            var ownWindow = placedAt is null && string.Equals(attempt.ClaimToken, context.ClaimToken, StringComparison.Ordinal);
            var early = records.WaitFromStartAsync(callId, startedFrom, startedTo, campaign, context.Abort, ownWindow);
            using (var live = slot ?? liveCalls.Hold(attempt.CampaignId))
            {
                // Its own block: the hang-up registration, the deadline's timer and the watched call go as soon as
                // the call has ended, not when its record is in (up to RecordMaxWaitSeconds later).
                await WatchToEndAsync(callId, robot, campaign, attempt.CampaignId, context, placedAt, early).ConfigureAwait(false);
            } // ended (or no longer watched): the live slot goes, the next start may go while the record is awaited

            if (early is null)
            {
                record = await records.FetchAsync(callId, startedFrom, startedTo, campaign, context.Abort).ConfigureAwait(false);
            }
            else
            {
                records.CallEnded(callId, campaign); // the record wait counts from the end (a no-op once the record is in)
                record = await early.ConfigureAwait(false);
            }
        }

        slot?.Dispose(); // nobody was rung (every callee refused at the start): the slot was never a live call
        var outcomes = Outcomes.Of(attempt, target, callId, codes, record, time.GetUtcNow());
        await store.SettleAsync(attempt.AttemptKey, outcomes, context.Abort).ConfigureAwait(false);
        return Outcomes.TargetResult(outcomes);
    }

    private async Task WatchToEndAsync(
        string callId, string? robot, CampaignBudget campaign, string campaignId, BatchContext context, DateTimeOffset? placedAt = null, Task<CallRecord?>? early = null)
    {
        var watched = new WatchedCall(callId) { Robot = robot, Budget = campaign };
        using var hangUp = context.Cancel.Register(() => _ = HangUpIfRingingAsync(watched, campaignId));

        // A call that never ends for us (a robot leg that never hangs up, endless 101001s) must not hold
        // the batch: after the longest call we allow, the record decides.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(context.Abort);
        deadline.CancelAfter(options.Value.Watch.Scaled(options.Value.Watch.MaxCallSeconds));
        try
        {
            if (early is null)
            {
                await watcher.WaitForEndAsync(watched, placedAt, deadline.Token).ConfigureAwait(false);
            }
            else
            {
                // Records first: polled only if no record has come by RecordsFirstPollSeconds. A record ends the
                // watch at once (the call has ended); a record wait that failed or gave up does not (the call may
                // still ring): the watch then goes on to the end.
                var firstPoll = options.Value.Watch.Scaled(options.Value.Watch.RecordsFirstPollSeconds);
                var watching = watcher.WaitForEndAsync(watched, placedAt, firstPoll, deadline.Token);
                if (await Task.WhenAny(watching, early).ConfigureAwait(false) == early && early.IsCompletedSuccessfully && await early.ConfigureAwait(false) is not null)
                {
                    watcher.Stop(watched);
                    return;
                }

                await watching.WaitAsync(deadline.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!context.Abort.IsCancellationRequested)
        {
            LogWatchGaveUp(callId);
        }
        catch (TencentCallException e)
        {
            // get_call_info refused (an invalid or auth answer): the call was placed all the same.
            LogWatchGaveUp(callId + " (" + e.Message + ")");
        }
    }

    private async Task HangUpIfRingingAsync(WatchedCall watched, string campaignId)
    {
        // A cancel hangs up calls still ringing; a call where anyone answered goes on and keeps its outcome
        // (end_call would end it for everyone, the group members who answered included).
        try
        {
            var status = watched.LastStatus;
            if (status is null)
            {
                await budget.AcquireAsync(BudgetedApi.CallInfo, watched.Budget, CancellationToken.None).ConfigureAwait(false);
                status = await client.GetCallInfoAsync(watched.CallId).ConfigureAwait(false);
            }

            if (status.HasEnded || !AllCalleesWaiting(status, watched.Robot))
            {
                return;
            }

            await budget.AcquireAsync(BudgetedApi.EndCall, watched.Budget, CancellationToken.None).ConfigureAwait(false);
            await client.EndCallAsync(watched.CallId).ConfigureAwait(false);
            watcher.PollSoon(watched);
        }
        catch (TencentCallException e)
        {
            LogHangUpFailed(watched.CallId, campaignId + ": " + e.Message);
        }
    }

    private static bool AllCalleesWaiting(CallStatus status, string? robot)
    {
        var callees = status.Users.Where(u => !string.Equals(u.Account, robot, StringComparison.Ordinal)).ToList();
        return callees.Count > 0 && callees.All(u => u.Status == ParticipantStatus.Waiting);
    }

    private async Task<string> ReconcileAsync(BatchInput input, CallAttempt attempt, Target target, BatchContext context)
    {
        var spec = input.Spec;
        var roomId = RoomIdOf(spec, attempt);
        var since = attempt.ClaimedAt ?? attempt.IntendedAt;
        var found = await records.FindByRoomAsync(
            spec.RobotAccount!, target.Callees, roomId, since, TimeSpan.FromMilliseconds(spec.RingTimeoutMs), CampaignBudget.Of(attempt.CampaignId, spec), context.Abort)
            .ConfigureAwait(false);

        // Another execution may have got the answer meanwhile (a lost heartbeat, not a dead worker), or given
        // its claim back (Intended again: it knew its start was never sent, so this one dials it normally).
        var now = await store.GetAttemptAsync(attempt.AttemptKey, context.Abort).ConfigureAwait(false) ?? attempt;
        if (now.State is AttemptState.Dialed or AttemptState.Settled or AttemptState.Failed or AttemptState.Intended
            || (now.State == AttemptState.Dialing && now.ClaimedAt != attempt.ClaimedAt))
        {
            // Claimed afresh since (given back, then claimed again): that claim is looked for on its own.
            return await RunAttemptAsync(input, now, target, context).ConfigureAwait(false);
        }

        if (found is null)
        {
            if (now.State == AttemptState.Dialing)
            {
                var marked = await store.MarkClaimUnknownAsync(attempt.AttemptKey, now.ClaimToken!, "start answer lost; no record found for room " + roomId, CancellationToken.None).ConfigureAwait(false);
                if (marked.Refused)
                {
                    return await RunAttemptAsync(input, marked, target, context).ConfigureAwait(false);
                }
            }

            CampaignMetrics.Unresolved();
            return Results.Unresolved;
        }

        var dialed = await store.MarkDialedAsync(attempt.AttemptKey, found.CallId, new Dictionary<string, long>(), CancellationToken.None).ConfigureAwait(false);
        if (dialed.Refused || dialed.CallId != found.CallId)
        {
            return await RunAttemptAsync(input, dialed, target, context).ConfigureAwait(false);
        }

        var outcomes = Outcomes.Of(dialed, target, found.CallId, new Dictionary<string, long>(), found, time.GetUtcNow());
        await store.SettleAsync(attempt.AttemptKey, outcomes, context.Abort).ConfigureAwait(false);
        return Outcomes.TargetResult(outcomes);
    }

    private static StartCallRequest StartRequest(CampaignSpec spec, CallAttempt attempt, Target target) => new()
    {
        RobotAccount = spec.RobotAccount!,
        Callees = target.Callees,
        TimeoutMs = spec.RingTimeoutMs,
        UserData = spec.UserData,
        MediaType = spec.MediaType,
        RoomId = RoomIdOf(spec, attempt),
        RoomIdType = 2,
        OfflinePush = spec.OfflinePush is { } p ? new OfflinePush(p.PushFlag, p.Title, p.Desc, p.Ext) : null,
    };

    internal static string RoomIdOf(CampaignSpec spec, CallAttempt attempt) =>
        spec.RoomIdTemplate.Replace("{attemptKey}", attempt.AttemptKey, StringComparison.Ordinal);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redial {AttemptKey} not sent: {Why}")]
    private partial void LogRedialHeld(string attemptKey, string why);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Start of attempt {AttemptKey} may have placed a call (answer lost): {Reason}; reconciling by RoomId")]
    private partial void LogStartLost(string attemptKey, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Attempt {AttemptKey} was placed as call {CallId}, but storing that failed: {Reason}")]
    private partial void LogDialedNotStored(string attemptKey, string callId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Attempt {AttemptKey} not dialed ({Why}): claim {Outcome}")]
    private partial void LogClaimReleased(string attemptKey, string why, string outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stopped watching call {CallId}; its record decides the outcome")]
    private partial void LogWatchGaveUp(string callId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "end_call {CallId} failed: {Reason}")]
    private partial void LogHangUpFailed(string callId, string reason);
}

/// <summary>A batch names targets the store does not hold: no retry brings them back.</summary>
internal sealed class MissingTargetsException(string message) : InvalidOperationException(message);
