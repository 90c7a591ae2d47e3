using Campaigns.Storage.Model;
using Campaigns.Workflows.Activities;

namespace Campaigns.Activities.Batches;

/// <summary>
/// The guards that keep every end state accounted for (issue 18): a claim too old is never sent (a stalled
/// execution's retry may already have taken over), a redial never follows a call that may have been answered,
/// and an attempt a cancel stopped is closed in the store, never left Intended.
/// </summary>
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

    /// <summary>The error text of a redial held back because the call before it may have been answered.</summary>
    internal const string HeldInfo = "redial held";

    // Results whose call may have been answered without our knowing (the start's answer was lost and the call
    // not found, or the call was placed and its record never came): a redial could ring someone who answered.
    private static readonly string[] MayHideAnAnswer = [Outcomes.RecordMissing];

    // The result of an attempt stored Failed: by what stopped it (a retried execution reports it again).
    private static string ResultOfFailed(CallAttempt attempt) =>
        attempt.ErrorInfo?.StartsWith(CancelledInfo, StringComparison.Ordinal) == true ? Results.Cancelled
        : attempt.ErrorInfo?.StartsWith(HeldInfo, StringComparison.Ordinal) == true ? Results.RedialHeld
        : Results.NotPlaced;

    // A cancel stopped the attempt before its start left: closed as Failed (never placed), so nobody dials it
    // later and the store holds no open intent. Refused: another execution moved it meanwhile, and its state decides.
    private async Task<string> ClosedByCancelAsync(BatchInput input, CallAttempt attempt, Target target, BatchContext context)
    {
        var closed = await store.MarkFailedAsync(attempt.AttemptKey, null, CancelledInfo, CancellationToken.None).ConfigureAwait(false);
        return closed.Refused ? await RunAttemptAsync(input, closed, target, context).ConfigureAwait(false) : Results.Cancelled;
    }

    // Why a redial must not be sent (null: it may): the attempt before it may have been answered, and nothing
    // (the batch, nor the sweeper since) has ruled that out. Unknown, Dialing or Dialed: its end is not known yet;
    // Settled with RecordMissing: placed, and who answered is unknown.
    private async Task<string?> RedialHeldBecauseAsync(CallAttempt attempt, CancellationToken cancellationToken)
    {
        if (attempt.AttemptNo <= 1)
        {
            return null;
        }

        var before = await store.GetAttemptAsync(AttemptKey.For(attempt.CampaignId, attempt.TargetSeq, attempt.AttemptNo - 1), cancellationToken).ConfigureAwait(false);
        switch (before?.State)
        {
            case AttemptState.Unknown or AttemptState.Dialing or AttemptState.Dialed:
                return $"{HeldInfo}: attempt {before.AttemptNo} is {before.State} (its call may have been answered and is not ruled out)";
            case AttemptState.Settled:
                var results = await store.GetAttemptResultsAsync(before.AttemptKey, cancellationToken).ConfigureAwait(false);
                return results.Values.Any(r => MayHideAnAnswer.Contains(r, StringComparer.Ordinal))
                    ? $"{HeldInfo}: attempt {before.AttemptNo} was placed and its record never came (it may have been answered)"
                    : null;
            default:
                return null;
        }
    }

    // A claim older than MaxClaimAge at the moment of sending. Cancelled: closed. Refused before (101001s): the
    // vendor said each send placed nothing, and the retries have had their time: NotPlaced, as after the last
    // retry. Otherwise the claim is given back and the attempt comes back Deferred, to be dialed afresh later;
    // a release refused means another execution moved it, and its state decides.
    private async Task<string> StaleClaimAsync(BatchInput input, CallAttempt attempt, Target target, BatchContext context, bool refusedBefore)
    {
        CampaignMetrics.StaleClaim();
        if (context.Cancel.IsCancellationRequested)
        {
            return await ClosedByCancelAsync(input, attempt, target, context).ConfigureAwait(false);
        }

        if (refusedBefore)
        {
            var failed = await store.MarkFailedAsync(attempt.AttemptKey, null, $"refused by the vendor until the claim was {MaxClaimAge.TotalSeconds:0} s old", CancellationToken.None).ConfigureAwait(false);
            return failed.Refused ? await RunAttemptAsync(input, failed, target, context).ConfigureAwait(false) : Results.NotPlaced;
        }

        var released = await store.ReleaseClaimAsync(attempt.AttemptKey, context.ClaimToken, CancellationToken.None).ConfigureAwait(false);
        LogClaimReleased(attempt.AttemptKey, "claim older than the stale-start fence at send time", released.Refused ? "not ours any more" : "given back");
        return released.Refused ? await RunAttemptAsync(input, released, target, context).ConfigureAwait(false) : Results.Deferred;
    }
}
