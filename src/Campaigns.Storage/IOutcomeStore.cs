using Campaigns.Storage.Model;

namespace Campaigns.Storage;

/// <summary>
/// Everything the campaign activities and operator tools read and write. Every write is idempotent:
/// a retried call lands once. PostgreSQL in production, SQLite as the embedded default.
/// </summary>
public partial interface IOutcomeStore
{
    /// <summary>Applies the numbered migration scripts that have not run yet.</summary>
    Task MigrateAsync(CancellationToken cancellationToken = default);

    /// <summary>Registers a campaign; registering it again returns the stored row unchanged.</summary>
    Task<CampaignRow> RegisterCampaignAsync(string campaignId, string workflowId, string definitionJson, CancellationToken cancellationToken = default);

    /// <summary>
    /// Registers a campaign for the run chain <paramref name="runId"/>, or hands a campaign still
    /// <see cref="CampaignStatus.Registered"/> under the same <paramref name="workflowId"/> (imported targets, a
    /// stub definition, a run that never started dispatching) to it with <paramref name="definitionJson"/>.
    /// Otherwise the stored row is returned unchanged: the caller compares its workflow id, run id and status
    /// with its own (a campaign id is used once).
    /// </summary>
    Task<CampaignRow> ClaimCampaignAsync(string campaignId, string workflowId, string runId, string definitionJson, CancellationToken cancellationToken = default);

    /// <summary>The campaign, or null.</summary>
    Task<CampaignRow?> GetCampaignAsync(string campaignId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sets a campaign's status (and final totals, when given) and returns the stored row. Status moves only
    /// forward (registered → running ⇄ paused → completed / cancelled / failed); setting the current status
    /// again is a repeat (totals are still stored). Any other move leaves the row unchanged and returns it
    /// with <see cref="CampaignRow.Refused"/> set. An unregistered campaign throws <see cref="InvalidOperationException"/>.
    /// </summary>
    Task<CampaignRow> SetCampaignStatusAsync(string campaignId, CampaignStatus status, string? totalsJson = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Appends targets in the order given, numbering them after the last one; a target whose callee
    /// set is already in the campaign is skipped (so importing a file twice adds nothing). Callee ids
    /// are NFC-normalised; a callee that breaks the vendor's UserID rule or a group larger than
    /// <see cref="OutcomeStoreOptions.MaxGroupCallees"/> throws <see cref="ArgumentException"/> naming
    /// the target's index, and nothing is added.
    /// </summary>
    Task<AddTargetsResult> AddTargetsAsync(string campaignId, IReadOnlyList<IReadOnlyList<string>> targets, CancellationToken cancellationToken = default);

    /// <summary>Up to <paramref name="limit"/> targets after <paramref name="afterSeq"/> (keyset paging).</summary>
    Task<IReadOnlyList<Target>> GetTargetsAsync(string campaignId, int afterSeq, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes the intent to dial, before dialing. Returns the stored attempt with
    /// <see cref="CallAttempt.Created"/> true only when this call wrote it: otherwise the intent existed
    /// (a retry, or a concurrent execution) and the attempt must be treated as possibly dialed. A target
    /// with a callee on the do-not-call list is stored as <see cref="AttemptState.Skipped"/>. Only the
    /// holder of a claim (<see cref="ClaimDialAsync"/>) may dial.
    /// </summary>
    Task<CallAttempt> RecordIntentAsync(string campaignId, int targetSeq, int attemptNo, CancellationToken cancellationToken = default);

    /// <summary>
    /// <see cref="RecordIntentAsync"/> for a batch of (target, attempt number) pairs in one transaction,
    /// returning the stored attempts in the order asked.
    /// </summary>
    Task<IReadOnlyList<CallAttempt>> RecordIntentsAsync(
        string campaignId, IReadOnlyList<(int TargetSeq, int AttemptNo)> attempts, CancellationToken cancellationToken = default);

    /// <summary>The attempt, or null.</summary>
    Task<CallAttempt?> GetAttemptAsync(string attemptKey, CancellationToken cancellationToken = default);

    /// <summary>The attempt of a CallId, or null.</summary>
    Task<CallAttempt?> GetAttemptByCallIdAsync(string callId, CancellationToken cancellationToken = default);

    /// <summary>The first <paramref name="limit"/> attempts of a campaign in a state, in (target, attempt) order.</summary>
    Task<IReadOnlyList<CallAttempt>> GetAttemptsAsync(string campaignId, AttemptState state, int limit = 1000, CancellationToken cancellationToken = default);

    /// <summary>
    /// Keyset paging of a campaign's attempts in a state, in (target, attempt) order: up to
    /// <paramref name="limit"/> after the attempt <paramref name="afterAttemptKey"/> (null: from the start;
    /// pass the last key of the previous page). The cursor attempt may have changed state since.
    /// </summary>
    Task<IReadOnlyList<CallAttempt>> GetAttemptsAsync(
        string campaignId, AttemptState state, string? afterAttemptKey, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Intended, Dialing and Unknown attempts of every campaign last changed before <paramref name="olderThan"/>,
    /// oldest first: what a reconciler sweeps after a crash.
    /// </summary>
    Task<IReadOnlyList<CallAttempt>> GetStaleAttemptsAsync(DateTimeOffset olderThan, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Keyset paging of the <see cref="AttemptState.Unknown"/> attempts of every campaign, in attempt-key order:
    /// up to <paramref name="limit"/> after <paramref name="afterAttemptKey"/> (null: from the start), intended
    /// at or after <paramref name="intendedSince"/> and last changed before <paramref name="changedBefore"/>.
    /// What a sweeper re-searches the records for while the vendor still keeps them.
    /// </summary>
    Task<IReadOnlyList<CallAttempt>> GetUnknownAttemptsAsync(
        DateTimeOffset intendedSince, DateTimeOffset changedBefore, string? afterAttemptKey, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Claims the dial of an attempt: compare-and-set Intended → Dialing, storing <paramref name="claimToken"/>
    /// and the time. <see cref="DialClaim.Claimed"/> is true only if this call made the move, or the attempt is
    /// already Dialing under the same token (a repeat by the same execution). Otherwise the stored attempt
    /// comes back unclaimed: do not dial, reconcile. Of concurrent callers with different tokens exactly one
    /// wins. An unknown key throws <see cref="InvalidOperationException"/>.
    /// </summary>
    Task<DialClaim> ClaimDialAsync(string attemptKey, string claimToken, CancellationToken cancellationToken = default);

    /// <summary><see cref="ClaimDialAsync"/> for a batch, in one transaction; results in the order asked.</summary>
    Task<IReadOnlyList<DialClaim>> ClaimDialsAsync(IReadOnlyList<string> attemptKeys, string claimToken, CancellationToken cancellationToken = default);

    /// <summary>
    /// Gives a claim back: Dialing → Intended, clearing the claim, only while the stored claim is
    /// <paramref name="claimToken"/>'s. For a holder that knows its start was never sent (answered 101001, or
    /// not sent at all) and is stopping: the next execution then dials the attempt as if never claimed.
    /// Returns the stored attempt; <see cref="CallAttempt.Refused"/> when it was not released (another state,
    /// or another holder's claim); finding it Intended with no claim is a repeat, not refused. An unknown key
    /// throws <see cref="InvalidOperationException"/>.
    /// </summary>
    Task<CallAttempt> ReleaseClaimAsync(string attemptKey, string claimToken, CancellationToken cancellationToken = default);

    /// <summary>
    /// Intended/Dialing/Unknown → Dialed with the CallId and per-callee result codes (from Unknown: reconciliation
    /// found the call). Returns the stored attempt; <see cref="CallAttempt.Refused"/> when it was in another
    /// state (a repeat with the same CallId is not refused).
    /// </summary>
    Task<CallAttempt> MarkDialedAsync(string attemptKey, string callId, IReadOnlyDictionary<string, long> resultCodes, CancellationToken cancellationToken = default);

    /// <summary>Intended/Dialing → Unknown: the request left and no answer came back. Refused from any other state but Unknown.</summary>
    Task<CallAttempt> MarkUnknownAsync(string attemptKey, string errorInfo, CancellationToken cancellationToken = default);

    /// <summary>
    /// Intended/Dialing/Unknown → Failed: the start was answered with an error, nothing was placed (from Unknown:
    /// reconciliation proved it). Refused from any other state but Failed.
    /// </summary>
    Task<CallAttempt> MarkFailedAsync(string attemptKey, long? errorCode, string errorInfo, CancellationToken cancellationToken = default);

    /// <summary>Dialed → Settled: the call ended and its outcomes are stored. Refused from any other state but Settled.</summary>
    Task<CallAttempt> MarkSettledAsync(string attemptKey, CancellationToken cancellationToken = default);

    /// <summary>
    /// Upserts outcomes keyed by (attempt, callee): writing the same batch twice, or from concurrent
    /// writers, leaves one row each. An outcome must match its attempt: same campaign, a callee of the
    /// attempt's target, and the attempt's CallId when it was dialed (or no CallId when it failed or was
    /// skipped); otherwise the whole batch is refused with an <see cref="InvalidOperationException"/> naming
    /// the row. A result of <c>Unknown</c> never replaces a final result already stored.
    /// </summary>
    Task UpsertOutcomesAsync(IReadOnlyList<Outcome> outcomes, CancellationToken cancellationToken = default);

    /// <summary>
    /// <see cref="UpsertOutcomesAsync"/> then <see cref="MarkSettledAsync"/> for one attempt, as one transaction
    /// (one round trip on PostgreSQL): what a dialer does when a call ends. Every outcome must be of
    /// <paramref name="attemptKey"/> (else <see cref="ArgumentException"/>, nothing written). The same guards
    /// apply: an outcome that does not match the attempt refuses the whole call (<see cref="InvalidOperationException"/>,
    /// nothing written, the attempt not settled); <c>Unknown</c> never replaces a final result. Returns the stored
    /// attempt, with <see cref="CallAttempt.Refused"/> when it was neither Dialed nor already Settled (the outcomes
    /// are still written when they match, as the two calls in a row would).
    /// </summary>
    Task<CallAttempt> SettleAsync(string attemptKey, IReadOnlyList<Outcome> outcomes, CancellationToken cancellationToken = default);

    /// <summary>
    /// A call found for an attempt whose start was lost or left unsettled (Intended, Dialing or Unknown): the
    /// move to Dialed with <paramref name="callId"/>, the outcomes and the move to Settled, in ONE transaction, so
    /// a failure leaves the attempt where it was (never Dialed with no one left to settle it). Returns the stored
    /// attempt, <see cref="CallAttempt.Refused"/> when it was in another state (nothing written) — already Dialed
    /// or Settled with the same CallId is a repeat and is settled.
    /// </summary>
    Task<CallAttempt> ResolveFoundAsync(string attemptKey, string callId, IReadOnlyList<Outcome> outcomes, CancellationToken cancellationToken = default);

    /// <summary>
    /// Every attempt of the campaign still Intended (never claimed) becomes Failed with <paramref name="errorInfo"/>
    /// (only those of <paramref name="attemptKeys"/>, when given): what a cancelled campaign, or a batch that gives
    /// up, does last, so no intent is left for anyone to dial. Returns how many moved.
    /// </summary>
    Task<int> CloseIntendedAsync(string campaignId, string errorInfo, IReadOnlyList<string>? attemptKeys = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// The claim's holder records that its start was never placed (refused, or never sent): Dialing → Failed, only
    /// while the stored claim is <paramref name="claimToken"/>'s. Returns the stored attempt, <see cref="CallAttempt.Refused"/>
    /// when it was not moved (another state, or another holder's claim); found Failed already is a repeat.
    /// </summary>
    Task<CallAttempt> FailClaimAsync(string attemptKey, string claimToken, long? errorCode, string errorInfo, CancellationToken cancellationToken = default);

    /// <summary>
    /// A reconciler found no call for the claim <paramref name="claimToken"/>: Dialing → Unknown, only while the stored
    /// claim is still that one (a claim given back and taken afresh since is left alone). Returns the stored attempt,
    /// <see cref="CallAttempt.Refused"/> when it was not moved; found Unknown under that claim already is a repeat.
    /// </summary>
    Task<CallAttempt> MarkClaimUnknownAsync(string attemptKey, string claimToken, string errorInfo, CancellationToken cancellationToken = default);

    /// <summary>
    /// Keyset paging of the <see cref="AttemptState.Dialed"/> attempts of every campaign last changed before
    /// <paramref name="changedBefore"/>, in attempt-key order after <paramref name="afterAttemptKey"/> (null: from
    /// the start): calls placed whose batch is gone (gave up, or its campaign ended) and that nobody settles.
    /// </summary>
    Task<IReadOnlyList<CallAttempt>> GetStaleDialedAttemptsAsync(
        DateTimeOffset changedBefore, string? afterAttemptKey, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Keyset paging of the <see cref="AttemptState.Dialing"/> attempts of every campaign last changed before
    /// <paramref name="changedBefore"/>, in attempt-key order: claims whose execution died between the claim and
    /// the answer, and whose batch no longer runs.
    /// </summary>
    Task<IReadOnlyList<CallAttempt>> GetStaleDialingAttemptsAsync(
        DateTimeOffset changedBefore, string? afterAttemptKey, int limit, CancellationToken cancellationToken = default);

    /// <summary>Outcomes of a campaign in target order, streamed.</summary>
    IAsyncEnumerable<OutcomeExportRow> ReadOutcomesAsync(string campaignId, CancellationToken cancellationToken = default);

    /// <summary>
    /// The stored outcomes of one attempt, by callee (empty when none): what a retried dial activity reports
    /// for an attempt an earlier execution settled.
    /// </summary>
    Task<IReadOnlyDictionary<string, string>> GetAttemptResultsAsync(string attemptKey, CancellationToken cancellationToken = default);

    /// <summary>Counts per attempt state and per outcome result.</summary>
    Task<Progress> GetProgressAsync(string campaignId, CancellationToken cancellationToken = default);

    /// <summary>Adds callees to the do-not-call list (idempotent).</summary>
    Task AddDoNotCallAsync(IEnumerable<string> callees, string? reason = null, CancellationToken cancellationToken = default);

    /// <summary>Removes callees from the do-not-call list.</summary>
    Task RemoveDoNotCallAsync(IEnumerable<string> callees, CancellationToken cancellationToken = default);

    /// <summary>Which of <paramref name="callees"/> are on the do-not-call list.</summary>
    Task<IReadOnlySet<string>> FindDoNotCallAsync(IEnumerable<string> callees, CancellationToken cancellationToken = default);

    /// <summary>
    /// The do-not-call list in callee order, up to <paramref name="limit"/> entries after <paramref name="afterCallee"/>
    /// (null: from the start; pass the last callee of the previous page): what an operator lists (<c>campaigns dnc list</c>).
    /// </summary>
    Task<IReadOnlyList<DoNotCallEntry>> GetDoNotCallAsync(string? afterCallee, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes callback events to the ledger before anything acts on them: an event already there (same CallId,
    /// command, event time, member and action) is left as it was and counted as a duplicate, so a replay changes nothing.
    /// </summary>
    Task<CallEventsAppended> AppendCallEventsAsync(IReadOnlyList<CallEvent> events, CancellationToken cancellationToken = default);

    /// <summary>
    /// What the callback ledger knows of each of <paramref name="callIds"/> (calls with no event are absent): whether
    /// an end event arrived and the CallRecord it carried, and each member's latest state by event time, whatever
    /// order the events arrived in.
    /// </summary>
    Task<IReadOnlyDictionary<string, CallLedgerState>> GetCallEndsAsync(IReadOnlyCollection<string> callIds, CancellationToken cancellationToken = default);

    /// <summary>
    /// The ledger's events of <paramref name="callIds"/> without their bodies (an end keeps its CallRecord), in no
    /// particular order: all of them, or with <paramref name="receivedSince"/> only those received at or after it.
    /// What the worker's ledger feed reads, a few times a second, for the calls it watches.
    /// </summary>
    Task<IReadOnlyList<CallEventSeen>> ReadCallEventsAsync(
        IReadOnlyCollection<string> callIds, DateTimeOffset? receivedSince, CancellationToken cancellationToken = default);

    /// <summary>Deletes at most <paramref name="limit"/> callback events received before <paramref name="receivedBefore"/>; returns how many.</summary>
    Task<int> PruneCallEventsAsync(DateTimeOffset receivedBefore, int limit, CancellationToken cancellationToken = default);
}

/// <summary>One entry of the do-not-call list.</summary>
public sealed record DoNotCallEntry
{
    /// <summary>The callee (NFC).</summary>
    public string Callee { get; init; } = string.Empty;

    /// <summary>Why it was added, if given.</summary>
    public string? Reason { get; init; }

    /// <summary>When it was added.</summary>
    public DateTimeOffset AddedAt { get; init; }
}

/// <summary>An outcome with its target and attempt number, as exported.</summary>
public sealed record OutcomeExportRow
{
    /// <summary>Target sequence.</summary>
    public int TargetSeq { get; init; }

    /// <summary>Attempt number.</summary>
    public int AttemptNo { get; init; }

    /// <summary>The account called: one member of the target's callees.</summary>
    public string Callee { get; init; } = string.Empty;

    /// <summary>Tencent's CallId.</summary>
    public string? CallId { get; init; }

    /// <summary>Normalised result.</summary>
    public string Result { get; init; } = string.Empty;

    /// <summary>Vendor spelling.</summary>
    public string? RawResult { get; init; }

    /// <summary>Call start.</summary>
    public DateTimeOffset? StartTime { get; init; }

    /// <summary>Answer time.</summary>
    public DateTimeOffset? AcceptTime { get; init; }

    /// <summary>Call end.</summary>
    public DateTimeOffset? EndTime { get; init; }

    /// <summary>Talk time in ms.</summary>
    public long? DurationMs { get; init; }
}
