namespace Campaigns.Workflows.Contract;

/// <summary>
/// The campaign workflow's state: the one record its code reads and writes, and what continue-as-new carries to
/// the next run as its second argument (as samples-dotnet's ClusterManager carries its state). What is not here
/// belongs to one run: timers, running batches, the cancel in progress. Its JSON is what every earlier run
/// carried (the property names are the wire format: histories replay with them).
/// </summary>
public sealed record CampaignState
{
    /// <summary>Targets in the store (registration counts them).</summary>
    public long Targets { get; set; }

    /// <summary>The next target sequence number to dispatch (first pass).</summary>
    public int NextSeq { get; set; } = 1;

    /// <summary>What the <c>progress</c> query answers; its <c>runs</c> counts continue-as-new switches.</summary>
    public CampaignProgress Progress { get; set; } = new();

    /// <summary>Whether dispatch is paused (the <c>pause</c> update).</summary>
    public bool Paused { get; set; }

    /// <summary>The campaign's start cap (the campaign JSON or a <c>setRate</c> update; null: the worker's share).</summary>
    public int? MaxCallsPerSecond { get; set; }

    /// <summary>Starts per second the fleet's share allows, as the worker said at registration: the pace without a cap.</summary>
    public double? FleetStartRate { get; set; }

    /// <summary>
    /// Attempts waiting for their redial time or the calling window, kept here by chains started before pending
    /// attempts moved into the store; empty for every campaign started since.
    /// </summary>
    public List<PendingAttempt> Pending { get; set; } = [];

    /// <summary>Attempts waiting in the store for a redial time, a window or a cap, as the last batch said (a hint).</summary>
    public long PendingLeft { get; set; }

    /// <summary>When the earliest attempt waiting in the store is due, as the last batch said.</summary>
    public DateTimeOffset? NextPendingDue { get; set; }

    /// <summary>The zones the callees are called in, as registration reported them (null: the window's zone alone).</summary>
    public IReadOnlyList<string>? TimeZones { get; set; }

    /// <summary>
    /// Batches a previous run left running (it continued as new without waiting for them), still to be adopted by
    /// this run's batches, which report their attempts.
    /// </summary>
    public List<AdoptedBatch> Adopt { get; set; } = [];
}
