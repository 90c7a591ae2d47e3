namespace Campaigns.Storage.Model;

/// <summary>
/// The life of one call attempt: intended → dialing (claimed) → dialed → settled, or unknown / failed / skipped.
/// Stored in lower case (<c>intended</c>, <c>dialing</c>, …), checked by a constraint.
/// </summary>
public enum AttemptState
{
    /// <summary>Written before dialing; no execution has claimed the dial yet.</summary>
    Intended,

    /// <summary>Tencent answered with a CallId.</summary>
    Dialed,

    /// <summary>The call ended and its outcomes are stored.</summary>
    Settled,

    /// <summary>The request left and no answer came back: reconcile before any retry.</summary>
    Unknown,

    /// <summary>The start definitively did not place the call (an error answer).</summary>
    Failed,

    /// <summary>Not dialed on purpose: a callee of the target is on the do-not-call list (see ErrorInfo).</summary>
    Skipped,

    /// <summary>
    /// A dial was claimed (<see cref="IOutcomeStore.ClaimDialAsync"/>): the start request may be in flight.
    /// Only the claim's holder may send it; anyone else finding this state reconciles instead.
    /// </summary>
    Dialing,
}

/// <summary>One call attempt of one target.</summary>
public sealed record CallAttempt
{
    /// <summary>Unique, short key (16 characters) carried in the call's UserData.</summary>
    public required string AttemptKey { get; init; }

    /// <summary>Id of the campaign whose target this attempt dials.</summary>
    public required string CampaignId { get; init; }

    /// <summary>The target's sequence number.</summary>
    public int TargetSeq { get; init; }

    /// <summary>1 for the first dial, 2 for the first redial, and so on.</summary>
    public int AttemptNo { get; init; }

    /// <summary>Where the attempt stands.</summary>
    public AttemptState State { get; init; }

    /// <summary>Tencent's CallId, once dialed.</summary>
    public string? CallId { get; init; }

    /// <summary>JSON object callee → ResultCode of the start.</summary>
    public string? ResultCodes { get; init; }

    /// <summary>The error code when the start failed.</summary>
    public long? ErrorCode { get; init; }

    /// <summary>The error text when the start failed or its outcome is unknown.</summary>
    public string? ErrorInfo { get; init; }

    /// <summary>When the intent was written.</summary>
    public DateTimeOffset IntendedAt { get; init; }

    /// <summary>When Tencent answered the start.</summary>
    public DateTimeOffset? DialedAt { get; init; }

    /// <summary>When the call's outcomes were stored.</summary>
    public DateTimeOffset? SettledAt { get; init; }

    /// <summary>The token of the execution that claimed the dial (<see cref="AttemptState.Dialing"/> and after).</summary>
    public string? ClaimToken { get; init; }

    /// <summary>When the dial was claimed.</summary>
    public DateTimeOffset? ClaimedAt { get; init; }

    /// <summary>
    /// Not stored: true only on what <see cref="IOutcomeStore.RecordIntentAsync"/> / <see cref="IOutcomeStore.RecordIntentsAsync"/>
    /// return when that very call wrote the row. False means the intent existed before (a retry or a
    /// concurrent execution): treat the attempt as possibly dialed and act on its <see cref="State"/>.
    /// </summary>
    public bool Created { get; init; }

    /// <summary>
    /// Not stored: true on what a <c>Mark…Async</c> call returns when the stored state did not allow the
    /// move; the row was left unchanged and this is the stored attempt. A repeat of a move already made
    /// (same state, same CallId) is not refused.
    /// </summary>
    public bool Refused { get; init; }
}

/// <summary>
/// What <see cref="IOutcomeStore.ClaimDialAsync"/> decided. <see cref="Claimed"/> is true only when this
/// call moved the attempt from Intended to Dialing, or it was already Dialing under the same claim token
/// (a repeat by the same execution): only then may the caller send the start request. Otherwise
/// <see cref="Attempt"/> is the stored attempt, and the caller reconciles instead of dialing.
/// </summary>
public sealed record DialClaim(bool Claimed, CallAttempt Attempt)
{
    /// <summary>
    /// Set when a contact cap refused the claim (the attempt is still Intended): the first instant the caps allow it.
    /// Do not dial; dispatch the attempt again from then on.
    /// </summary>
    public DateTimeOffset? CappedUntil { get; init; }
}
