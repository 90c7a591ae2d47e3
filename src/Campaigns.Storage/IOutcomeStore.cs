using Campaigns.Storage.Model;

namespace Campaigns.Storage;

/// <summary>
/// Everything the campaign activities and operator tools read and write. Every write is idempotent:
/// a retried call lands once. PostgreSQL in production, SQLite as the embedded default.
/// </summary>
public interface IOutcomeStore
{
    /// <summary>Applies the numbered migration scripts that have not run yet.</summary>
    Task MigrateAsync(CancellationToken cancellationToken = default);

    /// <summary>Registers a campaign; registering it again returns the stored row unchanged.</summary>
    Task<CampaignRow> RegisterCampaignAsync(string campaignId, string workflowId, string definitionJson, CancellationToken cancellationToken = default);

    /// <summary>The campaign, or null.</summary>
    Task<CampaignRow?> GetCampaignAsync(string campaignId, CancellationToken cancellationToken = default);

    /// <summary>Sets a campaign's status (and final totals, when given).</summary>
    Task SetCampaignStatusAsync(string campaignId, CampaignStatus status, string? totalsJson = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Appends targets in the order given, numbering them after the last one; a target whose callee
    /// set is already in the campaign is skipped (so importing a file twice adds nothing).
    /// </summary>
    Task<AddTargetsResult> AddTargetsAsync(string campaignId, IReadOnlyList<IReadOnlyList<string>> targets, CancellationToken cancellationToken = default);

    /// <summary>Up to <paramref name="limit"/> targets after <paramref name="afterSeq"/> (keyset paging).</summary>
    Task<IReadOnlyList<Target>> GetTargetsAsync(string campaignId, int afterSeq, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes the intent to dial, before dialing. Returns the stored attempt: a retry finds the row it
    /// wrote before, in whatever state it reached, and must act on that state. A target with a callee
    /// on the do-not-call list is stored as <see cref="AttemptState.Skipped"/>: only dial an Intended attempt.
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

    /// <summary>Attempts of a campaign in a state (reconciliation finds the Intended and Unknown ones).</summary>
    Task<IReadOnlyList<CallAttempt>> GetAttemptsAsync(string campaignId, AttemptState state, int limit = 1000, CancellationToken cancellationToken = default);

    /// <summary>Intended/Unknown → Dialed with the CallId and per-callee result codes. Returns the stored attempt.</summary>
    Task<CallAttempt> MarkDialedAsync(string attemptKey, string callId, IReadOnlyDictionary<string, long> resultCodes, CancellationToken cancellationToken = default);

    /// <summary>Intended → Unknown: the request left and no answer came back.</summary>
    Task<CallAttempt> MarkUnknownAsync(string attemptKey, string errorInfo, CancellationToken cancellationToken = default);

    /// <summary>Intended/Unknown → Failed: the start was answered with an error, nothing was placed.</summary>
    Task<CallAttempt> MarkFailedAsync(string attemptKey, long? errorCode, string errorInfo, CancellationToken cancellationToken = default);

    /// <summary>Dialed → Settled: the call ended and its outcomes are stored.</summary>
    Task<CallAttempt> MarkSettledAsync(string attemptKey, CancellationToken cancellationToken = default);

    /// <summary>Upserts outcomes keyed by (attempt, callee): writing the same batch twice leaves one row each.</summary>
    Task UpsertOutcomesAsync(IReadOnlyList<Outcome> outcomes, CancellationToken cancellationToken = default);

    /// <summary>Outcomes of a campaign in target order, streamed.</summary>
    IAsyncEnumerable<OutcomeExportRow> ReadOutcomesAsync(string campaignId, CancellationToken cancellationToken = default);

    /// <summary>Counts per attempt state and per outcome result.</summary>
    Task<Progress> GetProgressAsync(string campaignId, CancellationToken cancellationToken = default);

    /// <summary>Adds callees to the do-not-call list (idempotent).</summary>
    Task AddDoNotCallAsync(IEnumerable<string> callees, string? reason = null, CancellationToken cancellationToken = default);

    /// <summary>Removes callees from the do-not-call list.</summary>
    Task RemoveDoNotCallAsync(IEnumerable<string> callees, CancellationToken cancellationToken = default);

    /// <summary>Which of <paramref name="callees"/> are on the do-not-call list.</summary>
    Task<IReadOnlySet<string>> FindDoNotCallAsync(IEnumerable<string> callees, CancellationToken cancellationToken = default);
}

/// <summary>An outcome with its target and attempt number, as exported.</summary>
public sealed record OutcomeExportRow
{
    /// <summary>Target sequence.</summary>
    public int TargetSeq { get; init; }

    /// <summary>Attempt number.</summary>
    public int AttemptNo { get; init; }

    /// <summary>The callee.</summary>
    public string Callee { get; init; } = "";

    /// <summary>Tencent's CallId.</summary>
    public string? CallId { get; init; }

    /// <summary>Normalised result.</summary>
    public string Result { get; init; } = "";

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
