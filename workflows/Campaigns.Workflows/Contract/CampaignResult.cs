namespace Campaigns.Workflows.Contract;

/// <summary>Where a campaign stands, as the <c>CampaignStatus</c> search attribute and the progress query show it.</summary>
public static class CampaignStatuses
{
    /// <summary>Waiting for its <c>startAt</c>: nothing registered, nobody dialed yet.</summary>
    public const string Scheduled = "Scheduled";

    /// <summary>Dispatching.</summary>
    public const string Running = "Running";

    /// <summary>Dispatch paused by an operator; calls already placed are still watched.</summary>
    public const string Paused = "Paused";

    /// <summary>Every target dispatched and every placed call settled.</summary>
    public const string Completed = "Completed";

    /// <summary>Cancelled by an operator.</summary>
    public const string Cancelled = "Cancelled";

    /// <summary>Ended by an error (the vendor refused the credentials, say): the workflow failed.</summary>
    public const string Failed = "Failed";
}

/// <summary>How far a campaign is (the <c>progress</c> query) and how it ended (the workflow's result).</summary>
public sealed record CampaignProgress
{
    /// <summary>Id of the campaign the progress is of, from its spec.</summary>
    public string CampaignId { get; init; } = string.Empty;

    /// <summary>See <see cref="CampaignStatuses"/>.</summary>
    public string Status { get; init; } = CampaignStatuses.Running;

    /// <summary>Targets in the campaign (a target is one callee, or one group call).</summary>
    public long Targets { get; init; }

    /// <summary>Targets handed to a dispatch batch so far.</summary>
    public long Dispatched { get; init; }

    /// <summary>Attempts that came to a result (first dials and redials).</summary>
    public long Attempts { get; init; }

    /// <summary>Targets whose last attempt is final (no redial left or due).</summary>
    public long Finished { get; init; }

    /// <summary>Attempts per result (NormalEnd, NotAnswer, … NotPlaced, Skipped, Unresolved).</summary>
    public IReadOnlyDictionary<string, long> ByResult { get; init; } = new Dictionary<string, long>();

    /// <summary>Attempts whose start answer was lost and whose call could not be found: never redialed automatically.</summary>
    public long Unresolved { get; init; }

    /// <summary>
    /// Attempts whose batch gave up on an error no retry cured (result <c>BatchFailed</c>): never dialed again
    /// by this campaign; they count as finished.
    /// </summary>
    public long Errored { get; init; }

    /// <summary>Why batches gave up: the distinct error messages (at most 10).</summary>
    public IReadOnlyList<string> Errors { get; init; } = [];

    /// <summary>
    /// Attempts a contact cap deferred that wait to be dialed when the cap allows (README "Contact policy"); an
    /// attempt still deferred when the campaign ends counts as <c>Capped</c> in <see cref="ByResult"/>.
    /// </summary>
    public long Deferred { get; init; }

    /// <summary>How many runs (continue-as-new) this campaign took so far.</summary>
    public int Runs { get; init; } = 1;
}
