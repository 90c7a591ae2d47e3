using Temporalio.Activities;

namespace Campaigns.Workflows.Activities;

/// <summary>
/// What the campaign workflow asks of the outside world. The implementation (src/Campaigns.Activities)
/// talks to Tencent and the outcome store; the workflow only sees these signatures.
/// </summary>
public interface ICampaignActivities
{
    /// <summary>Registers the campaign in the store and adds its inline targets (idempotent).</summary>
    [Activity("RegisterCampaign")]
    Task<RegisterResult> RegisterAsync(RegisterInput input);

    /// <summary>
    /// Dials a batch under the shared budget (intent stored and claimed before each start), watches every
    /// call until it ends, fetches its record and stores one outcome per callee. Safe to retry: every
    /// decision goes through the stored attempt state, so a retry never re-sends a start that may have rung.
    /// </summary>
    [Activity("RunBatch")]
    Task<BatchResult> RunBatchAsync(BatchInput input);

    /// <summary>
    /// <see cref="RunBatchAsync"/> for a batch given as <see cref="BatchInput.Runs"/>, answering the compact result.
    /// A type of its own: a worker still running the code before it does not know it and leaves it to a worker
    /// that does (during a rolling deploy), instead of reading an empty item list.
    /// </summary>
    [Activity("RunBatchRuns")]
    Task<BatchResult> RunBatchRunsAsync(BatchInput input);

    /// <summary>
    /// After a cancel, finishes what the campaign's batches could not report (a batch cancelled between two
    /// executions, or timed out while every worker was down): each of <see cref="BatchInput.Runs"/> is settled as
    /// a batch under cancel would (never dialed now, ringing calls hung up, answered calls watched and recorded,
    /// lost starts reconciled), then every intent of the campaign still open is closed. Answers the compact result
    /// of those attempts.
    /// </summary>
    [Activity("FinishCancelled")]
    Task<BatchResult> FinishCancelledAsync(BatchInput input);

    /// <summary>
    /// After the campaign's <c>endBy</c>, once no batch runs: stores every target never dialed (the first pass's
    /// <see cref="BatchInput.Runs"/> never dispatched, first attempts waiting in the store) as Failed with
    /// <c>not dialed: endBy reached</c> (Skipped when on the do-not-call list), closes every intent still open, and
    /// counts the redials dropped. Dials nobody; safe to retry.
    /// </summary>
    [Activity("FinishNotDialed")]
    Task<NotDialedResult> FinishNotDialedAsync(BatchInput input);

    /// <summary>Sets the campaign's status in the store (and its final totals as JSON).</summary>
    [Activity("SetCampaignStatus")]
    Task SetStatusAsync(string campaignId, string status, string? totalsJson);
}
