namespace Campaigns.Workflows.Contract;

/// <summary>
/// The one list of result names: the vendor's call results, and the product's own for what did not end in a call.
/// Progress, outcomes, redial rules, the forecast's mix, the CLI and the demo all spell them from here
/// (docs/campaign-json.md, "The result and the progress query").
/// </summary>
public static class Results
{
    /// <summary>The vendor's result: answered and ended normally.</summary>
    public const string NormalEnd = "NormalEnd";

    /// <summary>The vendor's result: rang until the ring timeout, nobody answered.</summary>
    public const string NotAnswer = "NotAnswer";

    /// <summary>The vendor's result: the callee was busy.</summary>
    public const string CallBusy = "CallBusy";

    /// <summary>The vendor's result: the callee rejected the call.</summary>
    public const string Reject = "Reject";

    /// <summary>The vendor's result: the call was cancelled before an answer (hung up by <c>end_call</c>, or nobody could be rung).</summary>
    public const string Cancel = "Cancel";

    /// <summary>The vendor's result: the call was interrupted.</summary>
    public const string Interrupt = "Interrupt";

    /// <summary>The start refused that callee (a non-zero ResultCode for it): not rung, no part in the call.</summary>
    public const string NotRung = "NotRung";

    /// <summary>
    /// Whether the callee was rung is unknown: the start's answer named no ResultCode for it and the call ended
    /// <c>Cancel</c> unanswered, which the vendor also writes when nobody could be rung. Never redialed.
    /// </summary>
    public const string RingUnknown = "RingUnknown";

    /// <summary>Never placed: the start was refused (an error answer).</summary>
    public const string NotPlaced = "NotPlaced";

    /// <summary>Not dialed: a callee is on the do-not-call list.</summary>
    public const string Skipped = "Skipped";

    /// <summary>The start's answer was lost and the call could not be found: never redialed automatically.</summary>
    public const string Unresolved = "Unresolved";

    /// <summary>The call ended but its record never came within the wait.</summary>
    public const string RecordMissing = "RecordMissing";

    /// <summary>
    /// A redial not sent: the call before it may have been answered (its start's answer was lost and the call not
    /// found, or its record never came) and nothing has ruled that out since. Final: never redialed.
    /// </summary>
    public const string RedialHeld = "RedialHeld";

    /// <summary>Not dialed because the campaign was cancelled.</summary>
    public const string Cancelled = "Cancelled";

    /// <summary>Never dialed: the campaign's <c>endBy</c> came first. Final (the campaign ends Completed).</summary>
    public const string NotDialed = "NotDialed";

    /// <summary>
    /// Not dialed yet: the calling window closed, the worker could not start it in time, or a contact cap refused it
    /// (README "Contact policy"); dispatched again when it may be.
    /// </summary>
    public const string Deferred = "Deferred";

    /// <summary>
    /// Never dialed: a contact cap deferred it and the campaign ended (cancelled, or its end came) before the cap
    /// allowed it. Final.
    /// </summary>
    public const string Capped = "Capped";

    /// <summary>
    /// Its batch gave up on an error no retry cured, before this attempt came to a result: never dialed again
    /// by the campaign. The store keeps the attempt in whatever state it reached.
    /// </summary>
    public const string BatchFailed = "BatchFailed";

    /// <summary>
    /// The error type of a batch that gave up (non-retryable); its details hold a <see cref="Activities.BatchResult"/> of
    /// the attempts it did finish.
    /// </summary>
    public const string BatchGaveUpError = "BatchGaveUp";
}
