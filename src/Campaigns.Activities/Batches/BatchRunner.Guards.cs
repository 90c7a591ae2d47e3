using Campaigns.Storage.Model;
using Campaigns.Workflows.Activities;
using Campaigns.Workflows.Contract;

namespace Campaigns.Activities.Batches;

/// <content>
/// The guards that keep every end state accounted for (issue 18): a claim too old is never sent (a stalled
/// execution's retry may already have taken over), a redial never follows a call that may have been answered,
/// and an attempt a cancel stopped is closed in the store, never left Intended.
/// </content>
public sealed partial class BatchRunner
{
    /// <summary>
    /// The longest a start may wait between its claim and its send. Shorter than the batch's heartbeat timeout
    /// (20 s): an execution frozen past it (GC pause, SIGSTOP, a stalled VM) finds its claim too old when it
    /// wakes and gives it back instead of sending, and whoever reconciles a Dialing claim knows that if the
    /// start was ever sent, it left within [claimed_at, claimed_at + MaxClaimAge].
    /// </summary>
    public static readonly TimeSpan MaxClaimAge = TimeSpan.FromSeconds(10);

    /// <summary>The error text of an attempt a cancel stopped before its start was sent.</summary>
    internal const string CancelledInfo = "not dialed: campaign cancelled";

    /// <summary>The error text of an attempt never dialed because the campaign's endBy came first.</summary>
    internal const string EndByInfo = "not dialed: endBy reached";

    /// <summary>The error text of a redial held back because the call before it may have been answered.</summary>
    internal const string HeldInfo = "redial held";

    // The error text a cancel stored before this file existed (a retried execution still reads it as Cancelled).
    private const string CancelledInfoBefore = "not sent again: campaign cancelled";

    // The result of an attempt stored Failed: by what stopped it (a retried execution reports it again).
    private static string ResultOfFailed(CallAttempt attempt) =>
        attempt.ErrorInfo is { } info && (info.StartsWith(CancelledInfo, StringComparison.Ordinal) || info.StartsWith(CancelledInfoBefore, StringComparison.Ordinal)) ? Results.Cancelled
        : attempt.ErrorInfo?.StartsWith(HeldInfo, StringComparison.Ordinal) == true ? Results.RedialHeld
        : attempt.ErrorInfo?.StartsWith(EndByInfo, StringComparison.Ordinal) == true ? Results.NotDialed
        : attempt.ErrorInfo?.StartsWith(CappedInfo, StringComparison.Ordinal) == true ? Results.Capped
        : Results.NotPlaced;

    // Closes an attempt nobody has claimed (Intended → Failed with why, compare-and-set on Intended) and answers
    // result. Not Intended any more: another execution claimed or moved it meanwhile, and its state decides.
    private async Task<string> CloseUnclaimedAsync(BatchInput input, CallAttempt attempt, Target target, BatchContext context, string why, string result)
    {
        if (await store.CloseIntendedAsync(attempt.CampaignId, why, [attempt.AttemptKey], CancellationToken.None).ConfigureAwait(false) == 1)
        {
            return result;
        }

        var stored = await store.GetAttemptAsync(attempt.AttemptKey, CancellationToken.None).ConfigureAwait(false) ?? attempt;
        return await RunAttemptAsync(input, stored, target, context).ConfigureAwait(false);
    }

    // A cancel stopped the attempt before it was claimed: closed as Failed (never placed), so nobody dials it
    // later and the store holds no open intent.
    private Task<string> ClosedByCancelAsync(BatchInput input, CallAttempt attempt, Target target, BatchContext context) =>
        CloseUnclaimedAsync(input, attempt, target, context, CancelledInfo, Results.Cancelled);

    // We hold the claim and know our start was never placed (never sent, or refused): Dialing → Failed under our
    // token only, so a claim taken over meanwhile is never closed by us; refused, the stored state decides.
    private async Task<string> FailOwnClaimAsync(BatchInput input, CallAttempt attempt, Target target, BatchContext context, long? errorCode, string why, string result)
    {
        var failed = await store.FailClaimAsync(attempt.AttemptKey, context.ClaimToken, errorCode, why, CancellationToken.None).ConfigureAwait(false);
        return failed.Refused ? await RunAttemptAsync(input, failed, target, context).ConfigureAwait(false) : result;
    }

    // Why a redial must not be sent (null: it may). It may only when the attempt before it is known not to have
    // been answered: Settled with a result a redial rule names (never RecordMissing: placed, and who answered is
    // unknown), or Failed by the vendor's refusal (NotPlaced) with a rule on that. Anything else holds it: Unknown,
    // Dialing or Dialed (its end is not known; a rule on Unresolved waits for the sweep to find the call), a
    // result no rule names (the sweep found the call answered), or no row at all.
    private async Task<string?> RedialHeldBecauseAsync(CallAttempt attempt, CampaignSpec spec, CancellationToken cancellationToken)
    {
        if (attempt.AttemptNo <= 1)
        {
            return null;
        }

        var redialed = spec.Redial.Rules.Select(r => r.Result).Where(r => r is not (Results.RecordMissing or Results.Unresolved)).ToHashSet(StringComparer.Ordinal);
        var before = await store.GetAttemptAsync(AttemptKey.For(attempt.CampaignId, attempt.TargetSeq, attempt.AttemptNo - 1), cancellationToken).ConfigureAwait(false);
        var earlier = before?.State switch
        {
            AttemptState.Settled => Outcomes.TargetResult([.. (await store.GetAttemptResultsAsync(before.AttemptKey, cancellationToken).ConfigureAwait(false)).Values
                .Select(r => new Outcome { AttemptKey = before.AttemptKey, CampaignId = before.CampaignId, Callee = string.Empty, Result = r })]),
            AttemptState.Failed => ResultOfFailed(before),
            _ => null,
        };
        return earlier is not null && redialed.Contains(earlier) ? null
            : $"{HeldInfo}: attempt {attempt.AttemptNo - 1} is {before?.State.ToString() ?? "missing"}{(earlier is null ? string.Empty : " with " + earlier)}, which may hide an answered call";
    }

    // A claim older than MaxClaimAge at the moment of sending. Cancelled: closed. Otherwise the claim is given back
    // (nothing was placed: never sent, or every send refused with 101001) and the attempt comes back Deferred, to be
    // dialed afresh later; a release refused means another execution moved it, and its state decides.
    private async Task<string> StaleClaimAsync(BatchInput input, CallAttempt attempt, Target target, BatchContext context)
    {
        CampaignMetrics.StaleClaim();
        if (context.Cancel.IsCancellationRequested)
        {
            return await FailOwnClaimAsync(input, attempt, target, context, null, CancelledInfo, Results.Cancelled).ConfigureAwait(false);
        }

        var released = await store.ReleaseClaimAsync(attempt.AttemptKey, context.ClaimToken, CancellationToken.None).ConfigureAwait(false);
        LogClaimReleased(attempt.AttemptKey, "claim older than the stale-start fence at send time", released.Refused ? "not ours any more" : "given back");
        return released.Refused ? await RunAttemptAsync(input, released, target, context).ConfigureAwait(false) : Results.Deferred;
    }

    /// <summary>
    /// How long the call watcher's pump or the record harvester may go without a round before this worker's batches
    /// stop heartbeating: longer than any wait inside one round (a budget wait, a request and its timeout), so only
    /// a loop that hangs trips it. Temporal then times the batch out (20 s later) and retries it.
    /// </summary>
    public static readonly TimeSpan LoopStall = TimeSpan.FromSeconds(60);

    private void HeartbeatIfAlive(BatchContext context, int finished)
    {
        if (watcher.Pulse.IsStalled(LoopStall) || harvester.Pulse.IsStalled(LoopStall))
        {
            CampaignMetrics.HeartbeatWithheld();
            return;
        }

        context.Heartbeat(finished);
    }
}
