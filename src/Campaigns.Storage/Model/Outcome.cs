namespace Campaigns.Storage.Model;

/// <summary>What one callee's part in one attempt came to.</summary>
public sealed record Outcome
{
    /// <summary>Key of the attempt that placed the call (<see cref="CallAttempt.AttemptKey"/>).</summary>
    public required string AttemptKey { get; init; }

    /// <summary>The account this result is for: one member of the target's callees.</summary>
    public required string Callee { get; init; }

    /// <summary>Id of the campaign the attempt belongs to.</summary>
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
