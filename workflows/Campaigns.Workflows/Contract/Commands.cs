namespace Campaigns.Workflows.Contract;

/// <summary>The argument of the <c>setRate</c> update: the campaign's new start rate (null: the worker's budget).</summary>
public sealed record RateChange(int? MaxCallsPerSecond);

/// <summary>What a carried-over run needs to go on where the previous one stopped (continue-as-new).</summary>
public sealed record CarryOver
{
    /// <summary>Targets in the store.</summary>
    public long Targets { get; init; }

    /// <summary>The next target sequence number to dispatch.</summary>
    public int NextSeq { get; init; } = 1;

    /// <summary>Progress so far.</summary>
    public CampaignProgress Progress { get; init; } = new();

    /// <summary>Whether dispatch was paused.</summary>
    public bool Paused { get; init; }

    /// <summary>The current start rate.</summary>
    public int? MaxCallsPerSecond { get; init; }

    /// <summary>Starts per second the fleet's budget allows, as the worker said at registration.</summary>
    public double? FleetStartRate { get; init; }

    /// <summary>Attempts waiting for their redial time (or for the calling window).</summary>
    public IReadOnlyList<PendingAttempt> Pending { get; init; } = [];

    /// <summary>Since pending attempts live in the store: how many wait there (as last seen), and the earliest due.</summary>
    public long PendingLeft { get; init; }

    /// <summary>When the earliest pending attempt in the store is due (as last seen).</summary>
    public DateTimeOffset? NextPendingDue { get; init; }

    /// <summary>The zones the callees are called in, as registration reported them (null: the window's zone alone).</summary>
    public IReadOnlyList<string>? TimeZones { get; init; }

    /// <summary>
    /// Batches the previous run left running (it continued as new without waiting for them): adopted by this run's
    /// batches, which report their attempts.
    /// </summary>
    public IReadOnlyList<AdoptedBatch> Adopt { get; init; } = [];
}

/// <summary>A batch of a previous run: its token in the store, and its attempts when the workflow listed them (first pass).</summary>
public sealed record AdoptedBatch(string Token, IReadOnlyList<int[]>? Runs);

/// <summary>An attempt to dispatch at or after <see cref="DueAt"/>.</summary>
public sealed record PendingAttempt(int Seq, int AttemptNo, DateTimeOffset DueAt);
