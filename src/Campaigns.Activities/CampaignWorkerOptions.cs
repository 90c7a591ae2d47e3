namespace Campaigns.Activities;

/// <summary>
/// The worker's side of a campaign (section <c>Campaigns</c>): the vendor's per-app limit and how calls
/// are watched. Start-up fails naming every bad key.
/// </summary>
public sealed class CampaignWorkerOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Campaigns";

    /// <summary>Requests per second per API, shared by every campaign this worker runs.</summary>
    public BudgetOptions Budget { get; set; } = new();

    /// <summary>How calls are polled and records fetched.</summary>
    public WatchOptions Watch { get; set; } = new();

    /// <summary>When a failing batch gives up.</summary>
    public BatchRetryOptions Batches { get; set; } = new();

    /// <summary>The periodic re-search for attempts left unresolved.</summary>
    public SweepOptions Sweep { get; set; } = new();

    /// <summary>How contact caps are applied (docs/contact-policy.md).</summary>
    public ContactPolicyOptions ContactPolicy { get; set; } = new();

    /// <summary>Every bad key, named.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        Positive(problems, "Campaigns:Budget:StartCallsPerSecond", Budget.StartCallsPerSecond);
        Positive(problems, "Campaigns:Budget:CallInfoPerSecond", Budget.CallInfoPerSecond);
        Positive(problems, "Campaigns:Budget:EndCallPerSecond", Budget.EndCallPerSecond);
        Positive(problems, "Campaigns:Budget:RecordsPerSecond", Budget.RecordsPerSecond);
        if (Budget.Headroom is <= 0 or > 1)
        {
            problems.Add($"Campaigns:Budget:Headroom: {Budget.Headroom} must be in (0, 1]");
        }

        if (Budget.Workers < 1)
        {
            problems.Add($"Campaigns:Budget:Workers: {Budget.Workers} must be at least 1 (or unset: the fleet's size is then counted automatically)");
        }

        Positive(problems, "Campaigns:Budget:HeartbeatSeconds", Budget.HeartbeatSeconds);
        var shortest = (2 * Budget.HeartbeatSeconds) + BudgetOptions.FenceMarginSeconds;
        if (Budget.ExpirySeconds < shortest)
        {
            problems.Add($"Campaigns:Budget:ExpirySeconds: {Budget.ExpirySeconds} must be at least 2 × Campaigns:Budget:HeartbeatSeconds + {BudgetOptions.FenceMarginSeconds} ({shortest})");
        }

        if (Watch.TimeScale <= 0)
        {
            problems.Add($"Campaigns:Watch:TimeScale: {Watch.TimeScale} must be positive");
        }

        Positive(problems, "Campaigns:Watch:FirstPollSeconds", Watch.FirstPollSeconds);
        Positive(problems, "Campaigns:Watch:MaxPollIntervalSeconds", Watch.MaxPollIntervalSeconds);
        Positive(problems, "Campaigns:Watch:RecordDelaySeconds", Watch.RecordDelaySeconds);
        Positive(problems, "Campaigns:Watch:RecordMaxWaitSeconds", Watch.RecordMaxWaitSeconds);
        Positive(problems, "Campaigns:Watch:ReconcileWindowSeconds", Watch.ReconcileWindowSeconds);
        Positive(problems, "Campaigns:Watch:MaxCallSeconds", Watch.MaxCallSeconds);
        Positive(problems, "Campaigns:Watch:RecordsFilterMinCalls", Watch.RecordsFilterMinCalls);
        Positive(problems, "Campaigns:Watch:RecordsFirstPollSeconds", Watch.RecordsFirstPollSeconds);
        Positive(problems, "Campaigns:Watch:CallbackSilenceSeconds", Watch.CallbackSilenceSeconds);
        Positive(problems, "Campaigns:Batches:GiveUpAfterAttempts", Batches.GiveUpAfterAttempts);
        if (Sweep.IntervalSeconds < 0)
        {
            problems.Add($"Campaigns:Sweep:IntervalSeconds: {Sweep.IntervalSeconds} must be 0 (off) or positive");
        }

        if (Sweep.RetentionDays is <= 0 or > 7)
        {
            problems.Add($"Campaigns:Sweep:RetentionDays: {Sweep.RetentionDays} must be in (0, 7] (the vendor keeps records 7 days)");
        }

        Positive(problems, "Campaigns:Sweep:PageSize", Sweep.PageSize);
        Positive(problems, "Campaigns:ContactPolicy:DaySeconds", ContactPolicy.DaySeconds);
        Positive(problems, "Campaigns:ContactPolicy:RefreshSeconds", ContactPolicy.RefreshSeconds);
        return problems;
    }

    private static void Positive(List<string> problems, string key, double value)
    {
        if (value <= 0)
        {
            problems.Add($"{key}: {value} must be positive");
        }
    }
}

/// <summary>The vendor's limits: 200 requests/s per API per app (v1 records by CallId: 20/s).</summary>
public sealed class BudgetOptions
{
    /// <summary><c>start_call_by_robot</c> requests per second.</summary>
    public double StartCallsPerSecond { get; set; } = 200;

    /// <summary><c>get_call_info</c> requests per second.</summary>
    public double CallInfoPerSecond { get; set; } = 200;

    /// <summary><c>end_call</c> requests per second.</summary>
    public double EndCallPerSecond { get; set; } = 200;

    /// <summary>Record requests per second (set 20 for the v1 by-CallId API).</summary>
    public double RecordsPerSecond { get; set; } = 200;

    /// <summary>
    /// Share of each limit actually used (default 0.9): the limiter lets a small burst through, and
    /// requests reach the vendor with jitter, so no 1-second window may be allowed to touch the limit.
    /// </summary>
    public double Headroom { get; set; } = 0.9;

    /// <summary>
    /// Workers sharing the app's budget, each taking an equal part: a fixed fleet size, which disables the fleet
    /// registry. Unset (the default): the workers registered live in the outcome store are counted, and each
    /// worker's share follows them as workers join and leave.
    /// </summary>
    public int? Workers { get; set; }

    /// <summary>Seconds between two heartbeats of a worker in the fleet registry (default 2; automatic fleet size only).</summary>
    public double HeartbeatSeconds { get; set; } = 2;

    /// <summary>
    /// Seconds without a heartbeat after which a worker no longer counts as live (default 10, database clock).
    /// A worker stops sending 2 s before its own registration could expire, and the others take its share only
    /// once it expired: at least 2 × <see cref="HeartbeatSeconds"/> + 2, so one late heartbeat does not stop it.
    /// </summary>
    public double ExpirySeconds { get; set; } = 10;

    /// <summary>
    /// A directory of this host where the workers of a fleet take their instance slots (default: the temporary
    /// directory's <c>campaigns</c>; automatic fleet size only): a restarted worker takes its dead predecessor's
    /// slot and reclaims its registry row, so it sends again one window after the restart instead of after the
    /// row's expiry. Every worker of one host (or container) must see the same directory; empty turns this off.
    /// </summary>
    public string? InstanceDirectory { get; set; } = Path.Combine(Path.GetTempPath(), "campaigns");

    internal static double FenceMarginSeconds => Fleet.FleetShare.FenceMargin.TotalSeconds;

    internal TimeSpan Heartbeat => TimeSpan.FromSeconds(HeartbeatSeconds);

    internal TimeSpan Expiry => TimeSpan.FromSeconds(ExpirySeconds);
}

/// <summary>
/// When a batch stops retrying. Only errors that no wait can cure count: a killed or stopping worker, a
/// database restart, a timeout or a vendor fault is retried for as long as it lasts (those heal), while the
/// same bug or unreadable row fails every execution alike.
/// </summary>
public sealed class BatchRetryOptions
{
    /// <summary>
    /// Executions of a batch (default 5) after which an error that is not a transient fault ends it: the batch
    /// gives up, its unfinished attempts are counted <c>BatchFailed</c> and never dialed by this campaign.
    /// </summary>
    public int GiveUpAfterAttempts { get; set; } = 5;
}

/// <summary>
/// The sweep of unresolved attempts (state Unknown: the start's answer was lost and the batch's own search
/// found no record): every worker looks for their records again, periodically, while the vendor keeps them.
/// </summary>
public sealed class SweepOptions
{
    /// <summary>Seconds between two sweeps (default 600, scaled by <see cref="WatchOptions.TimeScale"/>); 0 turns the sweep off.</summary>
    public double IntervalSeconds { get; set; } = 600;

    /// <summary>Attempts intended longer ago are not searched (default 6.5: the vendor keeps records 7 days).</summary>
    public double RetentionDays { get; set; } = 6.5;

    /// <summary>Attempts read from the store at a time (default 100).</summary>
    public int PageSize { get; set; } = 100;
}

/// <summary>How contact caps are applied: the app's policy is read from the store, a campaign's from its JSON.</summary>
public sealed class ContactPolicyOptions
{
    /// <summary>
    /// The length of the caps' day in seconds (default 86400); a week is 7 of them, 30 days 30. Tests only: a test
    /// lets simulated days pass in a minute. Every worker of a fleet must use the same value.
    /// </summary>
    public double DaySeconds { get; set; } = 86_400;

    /// <summary>How long a worker keeps the app's policy before reading it again (default 5): a change reaches dialing within this.</summary>
    public double RefreshSeconds { get; set; } = 5;

    internal TimeSpan Day => TimeSpan.FromSeconds(DaySeconds);

    internal TimeSpan Refresh => TimeSpan.FromSeconds(RefreshSeconds);
}

/// <summary>How calls are watched.</summary>
public sealed class WatchOptions
{
    /// <summary>Divides every wait below (the demo and tests run the simulator faster than real time).</summary>
    public double TimeScale { get; set; } = 1;

    /// <summary>First <c>get_call_info</c> after a start.</summary>
    public double FirstPollSeconds { get; set; } = 5;

    /// <summary>Longest gap between two polls of a call (the gap grows while a call goes on).</summary>
    public double MaxPollIntervalSeconds { get; set; } = 30;

    /// <summary>Wait after a call ended before asking for its record (the vendor's median is 5 s).</summary>
    public double RecordDelaySeconds { get; set; } = 5;

    /// <summary>Give up on a record after this long: the outcome is stored as RecordMissing.</summary>
    public double RecordMaxWaitSeconds { get; set; } = 600;

    /// <summary>Longest call watched (ring and talk); past it the record decides the outcome.</summary>
    public double MaxCallSeconds { get; set; } = 7200;

    /// <summary>How long an attempt whose start answer was lost is searched for in the records.</summary>
    public double ReconcileWindowSeconds { get; set; } = 900;

    /// <summary>
    /// Fetch records with the by-filter query, many per request, when enough calls wait for theirs (default
    /// true; only in real time, <see cref="TimeScale"/> 1, because the filter runs on the vendor's clock).
    /// </summary>
    public bool RecordsByFilter { get; set; } = true;

    /// <summary>Calls due for their record within one time range before a by-filter page is read for them (default 8).</summary>
    public int RecordsFilterMinCalls { get; set; } = 8;

    /// <summary>
    /// Records first (default true; only where records are read by filter, without callbacks): a call's record is
    /// looked for from its start, on by-filter pages read for all the calls begun in the same few seconds, and a
    /// record found ends the call's watch. The record says the call has ended and carries its outcome, so most
    /// calls are never polled: <c>get_call_info</c> goes only to calls still without a record after
    /// <see cref="RecordsFirstPollSeconds"/>. False: poll every call from <see cref="FirstPollSeconds"/>, and ask
    /// for its record once the poll says it has ended.
    /// </summary>
    public bool RecordsFirst { get; set; } = true;

    /// <summary>With <see cref="RecordsFirst"/>, the first <c>get_call_info</c> of a call with no record yet (default 60).</summary>
    public double RecordsFirstPollSeconds { get; set; } = 60;

    /// <summary>
    /// Read the callback ledger (docs/callbacks.md): a call whose end came by callback is not polled again, and
    /// its outcome is taken from the callback's record. Unset: as <c>Callbacks:Enabled</c> (a worker hosting the
    /// receiver reads it); set true on a worker of a fleet whose callbacks another worker receives.
    /// </summary>
    public bool? UseCallbacks { get; set; }

    /// <summary>
    /// With callbacks, how long a call may go without an event (or a poll) before it is polled as without them
    /// (default 60, scaled): a lost callback costs at most this much latency. Longer than most silences of a
    /// healthy call (a ring, a talk), so that calls whose callbacks arrive are rarely polled.
    /// </summary>
    public double CallbackSilenceSeconds { get; set; } = 60;

    // With callbacks, a call whose every callee left but whose end did not come is polled this long (scaled) after:
    // the end's callback was lost or overtaken, and the vendor's end follows the last member's leaving at once.
    internal const double CallbackEndGraceSeconds = 3;

    internal TimeSpan Scaled(double seconds) => TimeSpan.FromSeconds(seconds / TimeScale);
}
