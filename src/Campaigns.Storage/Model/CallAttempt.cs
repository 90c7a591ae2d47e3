namespace Campaigns.Storage.Model;

/// <summary>The life of one call attempt: intended → dialed → settled, or unknown / failed / skipped.</summary>
public enum AttemptState
{
    /// <summary>Written before dialing; the request may be in flight.</summary>
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
}

/// <summary>One call attempt of one target.</summary>
public sealed record CallAttempt
{
    /// <summary>Unique, short key (16 characters) carried in the call's UserData.</summary>
    public required string AttemptKey { get; init; }

    /// <summary>The campaign.</summary>
    public required string CampaignId { get; init; }

    /// <summary>The target's sequence number.</summary>
    public int TargetSeq { get; init; }

    /// <summary>1 for the first dial, 2 for the first redial…</summary>
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
}
