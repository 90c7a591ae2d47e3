namespace Campaigns.Workflows.Forecast;

/// <summary>
/// What a campaign is expected to do, from <see cref="At"/>: expected values, not promises. Times are seconds from
/// <see cref="At"/> (real seconds, whatever the time scale).
/// </summary>
public sealed record CampaignForecast
{
    /// <summary>Id of the campaign forecast, from its spec.</summary>
    public required string CampaignId { get; init; }

    /// <summary>When the forecast starts the campaign (now, unless told otherwise).</summary>
    public DateTimeOffset At { get; init; }

    /// <summary>Targets (1v1 calls and group calls).</summary>
    public long Targets { get; init; }

    /// <summary>Targets never dialed: a callee on the do-not-call list.</summary>
    public long Skipped { get; init; }

    /// <summary>The result mix assumed per attempt.</summary>
    public IReadOnlyDictionary<string, double> Mix { get; init; } = new Dictionary<string, double>();

    /// <summary>Where the mix came from.</summary>
    public string MixSource { get; init; } = string.Empty;

    /// <summary>Starts per second the campaign gets while it dials (at its first call).</summary>
    public double StartsPerSecond { get; init; }

    /// <summary>What sets that rate: its own cap, the fleet's share, sharing with running campaigns, live-call slots.</summary>
    public string RateLimitedBy { get; init; } = string.Empty;

    /// <summary>The fleet's share of the start limit: the workers' shares of <c>StartCallsPerSecond × Headroom</c> together.</summary>
    public double FleetStartsPerSecond { get; init; }

    /// <summary>Each worker's share of the start limit.</summary>
    public double WorkerStartsPerSecond { get; init; }

    /// <summary>Workers assumed.</summary>
    public int Workers { get; init; }

    /// <summary>Campaigns already running that share the vendor's limit at the start, with what each is given then.</summary>
    public IReadOnlyList<SharedWith> SharedWith { get; init; } = [];

    /// <summary>Starts per hour at <see cref="StartsPerSecond"/>.</summary>
    public double CallsPerHour { get; init; }

    /// <summary>Starts per day at that rate, over the hours the calling window is open on a calling day (24 h without a window).</summary>
    public double CallsPerDay { get; init; }

    /// <summary>Expected starts in all, redials included.</summary>
    public double Attempts { get; init; }

    /// <summary>Expected redials among them.</summary>
    public double Redials { get; init; }

    /// <summary>Expected starts per attempt number (first calls, first redials, …).</summary>
    public IReadOnlyList<double> AttemptsByNumber { get; init; } = [];

    /// <summary>Expected final result per target (after redials), do-not-call targets as <c>Skipped</c>.</summary>
    public IReadOnlyDictionary<string, double> Results { get; init; } = new Dictionary<string, double>();

    /// <summary>Seconds the campaign had calls to place but its calling window was closed.</summary>
    public double WindowWaitSeconds { get; init; }

    /// <summary>Seconds with nothing to dial but attempts the contact caps hold back (callees rung lately, redials over a cap).</summary>
    public double CapWaitSeconds { get; init; }

    /// <summary>Targets the contact caps hold back at the start (their callees rung lately by other campaigns).</summary>
    public double CappedAtStart { get; init; }

    /// <summary>The first ring.</summary>
    public double FirstCallSeconds { get; init; }

    /// <summary>The last start of the first pass (every target dialed once).</summary>
    public double FirstPassSeconds { get; init; }

    /// <summary>The last start, redials included.</summary>
    public double LastCallSeconds { get; init; }

    /// <summary>95 % of the targets have their final outcome.</summary>
    public double Outcomes95Seconds { get; init; }

    /// <summary>The campaign completes: every outcome stored (a record that never comes is waited for), nothing left to redial.</summary>
    public double DurationSeconds { get; init; }

    /// <summary><see cref="At"/> + <see cref="DurationSeconds"/>.</summary>
    public DateTimeOffset EndsAt { get; init; }

    /// <summary>How much later than its schedule each <c>get_call_info</c> poll comes for want of its budget (0: on schedule).</summary>
    public double PollLagSeconds { get; init; }

    /// <summary>Expected starts per calendar day (in the calling window's zone, else UTC), for campaigns over several days.</summary>
    public IReadOnlyList<DayCalls> Days { get; init; } = [];

    /// <summary>Assumptions and warnings worth reading.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];
}

/// <summary>A running campaign sharing the start limit, and the starts per second it gets at the forecast's start.</summary>
public sealed record SharedWith(string CampaignId, double RemainingStarts, int Weight, double StartsPerSecond);

/// <summary>Expected starts on one calendar day.</summary>
public sealed record DayCalls(DateOnly Date, double Calls);
