namespace Campaigns.Storage.Model;

/// <summary>Where a campaign stands.</summary>
public enum CampaignStatus
{
    /// <summary>Stored, callees may be imported, not started.</summary>
    Registered,

    /// <summary>The workflow is dispatching.</summary>
    Running,

    /// <summary>Dispatch paused by an operator.</summary>
    Paused,

    /// <summary>Every target settled.</summary>
    Completed,

    /// <summary>Cancelled by an operator.</summary>
    Cancelled,

    /// <summary>Ended by an error.</summary>
    Failed,
}

/// <summary>The life of one call attempt: intended → dialed → settled, or unknown / failed.</summary>
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
}

/// <summary>A stored campaign.</summary>
public sealed record CampaignRow
{
    /// <summary>The campaign's id.</summary>
    public required string CampaignId { get; init; }

    /// <summary>The Temporal workflow id running it (<c>campaign-{CampaignId}</c>).</summary>
    public required string WorkflowId { get; init; }

    /// <summary>The campaign definition as JSON.</summary>
    public required string Definition { get; init; }

    /// <summary>Where it stands.</summary>
    public CampaignStatus Status { get; init; }

    /// <summary>When it was registered.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Last change.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Final totals as JSON, once known.</summary>
    public string? Totals { get; init; }
}

/// <summary>One thing dialed at once: a callee, or the callees of a group call.</summary>
public sealed record Target(int Seq, IReadOnlyList<string> Callees)
{
    /// <summary>The de-duplication key: the callees sorted and comma-joined (a group is a set).</summary>
    public static string KeyOf(IEnumerable<string> callees) => string.Join(',', callees.Order(StringComparer.Ordinal));
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

/// <summary>What one callee's part in one attempt came to.</summary>
public sealed record Outcome
{
    /// <summary>The attempt.</summary>
    public required string AttemptKey { get; init; }

    /// <summary>The callee.</summary>
    public required string Callee { get; init; }

    /// <summary>The campaign.</summary>
    public required string CampaignId { get; init; }

    /// <summary>Tencent's CallId (null when the call was never placed).</summary>
    public string? CallId { get; init; }

    /// <summary>Normalised result: NormalEnd, Reject, NotAnswer, CallBusy, Cancel, Interrupt, Offline, Unknown, or NotPlaced.</summary>
    public required string Result { get; init; }

    /// <summary>The result as the vendor spelled it.</summary>
    public string? RawResult { get; init; }

    /// <summary>Call start.</summary>
    public DateTimeOffset? StartTime { get; init; }

    /// <summary>Answer time, if answered.</summary>
    public DateTimeOffset? AcceptTime { get; init; }

    /// <summary>Call end.</summary>
    public DateTimeOffset? EndTime { get; init; }

    /// <summary>Talk time in milliseconds, if answered.</summary>
    public long? DurationMs { get; init; }

    /// <summary>The vendor's record as JSON, kept for audit.</summary>
    public string? RawRecord { get; init; }

    /// <summary>When this row was (last) written.</summary>
    public DateTimeOffset RecordedAt { get; init; }
}

/// <summary>How far a campaign is: counts per attempt state and per outcome result.</summary>
public sealed record Progress(
    long Targets,
    IReadOnlyDictionary<AttemptState, long> AttemptsByState,
    IReadOnlyDictionary<string, long> OutcomesByResult);

/// <summary>What adding targets did.</summary>
public sealed record AddTargetsResult(int Added, int AlreadyPresent, int FirstSeq);
