using Campaigns.Activities.Caps;
using Campaigns.Activities.Fleet;
using Campaigns.TencentCall;
using Microsoft.Extensions.Options;

namespace Campaigns.Activities.Budget;

/// <summary>The vendor APIs the budget meters.</summary>
public enum BudgetedApi
{
    /// <summary><c>start_call_by_robot</c>.</summary>
    StartCall,

    /// <summary><c>get_call_info</c>.</summary>
    CallInfo,

    /// <summary><c>end_call</c>.</summary>
    EndCall,

    /// <summary>Record queries.</summary>
    Records,
}

/// <summary>
/// The worker's share of the vendor's per-app limit, one gate per API, shared by every campaign and batch
/// of this worker: at most limit × <see cref="BudgetOptions.Headroom"/> ÷ workers requests in any 1-second
/// window, counted at the moment of sending (<see cref="SlidingWindowGate"/>). The workers are
/// <see cref="BudgetOptions.Workers"/> when set (fixed, gates open at once); otherwise the live members of the
/// fleet registry, applied at run time by <see cref="FleetMembership"/> (<see cref="ApplyShare"/>): the gates
/// stay closed until this worker is admitted. The headroom absorbs what happens between sending and the
/// vendor's gateway (network jitter, a stall).
/// A campaign's own caps (<c>rate.maxCallsPerSecond</c>, <c>budgets.*</c>) are gates in front, per
/// campaign and API: a request passes its campaign's gate, then the shared one, and is counted by both
/// when it really leaves, so a campaign can lower its own use but never raise the app's. v1 by-CallId
/// record requests (20/s per app) also pass a worker-wide gate of their own, whichever campaign asks
/// (shared by the fleet like the others).
/// </summary>
public sealed class ApiBudget : IDisposable
{
    private readonly Dictionary<BudgetedApi, SlidingWindowGate> gates;
    private readonly SlidingWindowGate v1ByCallId;
    private readonly CampaignGates campaignGates;
    private readonly WeightedTurns startTurns = new();
    private readonly Dictionary<BudgetedApi, double> budgets;
    private readonly ApiGeneration defaultRecords;
    private readonly double v1Budget;
    private int fleetSize;
    private readonly TimeProvider time;

    /// <summary>Builds the limiters from the options.</summary>
    public ApiBudget(IOptions<CampaignWorkerOptions> options, IOptions<TencentCallOptions> tencent, TimeProvider time)
        : this(options, tencent, time, TimeSpan.FromMinutes(2))
    {
    }

    /// <summary>Builds the limiters; a campaign's gates are forgotten after <paramref name="campaignIdleAfter"/> unused.</summary>
    internal ApiBudget(IOptions<CampaignWorkerOptions> options, IOptions<TencentCallOptions> tencent, TimeProvider time, TimeSpan campaignIdleAfter)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(tencent);
        this.time = time;
        var budget = options.Value.Budget;
        defaultRecords = tencent.Value.RecordsApi;
        budgets = new()
        {
            [BudgetedApi.StartCall] = budget.StartCallsPerSecond * budget.Headroom,
            [BudgetedApi.CallInfo] = budget.CallInfoPerSecond * budget.Headroom,
            [BudgetedApi.EndCall] = budget.EndCallPerSecond * budget.Headroom,
            [BudgetedApi.Records] = budget.RecordsPerSecond * budget.Headroom,
        };

        // The v1 records API allows 20 requests/s by CallId (not 200), for the whole app: every campaign on v1 shares it.
        v1Budget = Math.Min(budget.RecordsPerSecond, 20) * budget.Headroom;
        Automatic = budget.Workers is null;
        fleetSize = budget.Workers ?? 1;
        SlidingWindowGate Gate(double limit) => budget.Workers is { } workers ? new SlidingWindowGate(ShareOf(limit, workers), time) : new SlidingWindowGate(time);
        gates = budgets.ToDictionary(kv => kv.Key, kv => Gate(kv.Value));
        v1ByCallId = Gate(v1Budget);
        campaignGates = new CampaignGates(time, campaignIdleAfter) { OnSent = (campaign, api, at) => OnSent?.Invoke(api, campaign, at) };
        foreach (var (api, gate) in gates)
        {
            gate.OnSent = at => OnSent?.Invoke(api, null, at);
        }

        CampaignMetrics.Observe(this);
    }

    /// <summary>
    /// Called with each request a gate counts as sent: the API, the campaign (null: the worker's shared gate)
    /// and when; for tests (exact times, where the caller's own clock reading may come later).
    /// </summary>
    internal Action<BudgetedApi, string?, DateTimeOffset>? OnSent { get; set; }

    /// <summary>
    /// Workers sharing the vendor's limit, as this worker last heard (the fixed <see cref="BudgetOptions.Workers"/>, else
    /// the live members of the fleet registry; 1 before the first share): campaign-wide limits that each worker
    /// enforces alone, such as <c>rate.maxCallsInFlight</c>, are split by it.
    /// </summary>
    public int FleetSize => Volatile.Read(ref fleetSize);

    /// <summary>Whether the fleet size comes from the registry (no <see cref="BudgetOptions.Workers"/>): closed until <see cref="ApplyShare"/>.</summary>
    public bool Automatic { get; }

    /// <summary>Requests per second this worker lets through for <paramref name="api"/> right now (0 while closed).</summary>
    public int LimitOf(BudgetedApi api) => gates[api].Limit;

    /// <summary>When the last request of any API passed (null: none yet).</summary>
    public DateTimeOffset? LastPassed => gates.Values.Append(v1ByCallId).Max(g => g.LastPassed);

    /// <summary>
    /// Sets every gate to its share for <paramref name="share"/>'s live members, open in its interval (closed
    /// for <see cref="FleetGates.Closed"/>). A smaller share takes effect at once and counts what was already sent.
    /// </summary>
    public void ApplyShare(FleetGates share)
    {
        if (share.Members >= 1)
        {
            Volatile.Write(ref fleetSize, share.Members);
        }

        foreach (var (gate, budget) in gates.Select(g => (g.Value, budgets[g.Key])).Append((v1ByCallId, v1Budget)))
        {
            if (share.Members < 1)
            {
                gate.Close();
            }
            else
            {
                gate.Configure(ShareOf(budget, share.Members), share.OpenFrom, share.OpenUntil);
            }
        }
    }

    /// <summary>v1 by-CallId record requests per second this worker lets through (all campaigns together).</summary>
    public int V1ByCallIdLimit => v1ByCallId.Limit;

    /// <summary>The worker's records generation (<c>TencentCall:RecordsApi</c>), for campaigns that do not choose.</summary>
    public ApiGeneration DefaultRecordsApi => defaultRecords;

    /// <summary>Per-campaign gates currently kept (idle ones are forgotten); for tests.</summary>
    public int CampaignGateCount => campaignGates.Count;

    // At least one request a second, or the API could never be used (a fleet larger than the budget: docs/deployment.md, Scaling out).
    private static int ShareOf(double budget, int workers) => Math.Max(1, (int)Math.Floor(budget / workers));

    /// <summary>Waits for one request of <paramref name="api"/>: call it right before sending.</summary>
    public ValueTask AcquireAsync(BudgetedApi api, CancellationToken cancellationToken) => AcquireAsync(api, null, cancellationToken);

    /// <summary>Waits for one request of <paramref name="api"/> for <paramref name="campaign"/> (its cap, then the worker's share).</summary>
    public async ValueTask AcquireAsync(BudgetedApi api, CampaignBudget? campaign, CancellationToken cancellationToken)
    {
        var since = CampaignMetrics.Now();
        await PassAsync(campaign, api, gates[api].PassAsync, cancellationToken).ConfigureAwait(false);
        CampaignMetrics.BudgetPassed(api, since);
    }

    /// <summary>
    /// Waits for one record request of <paramref name="campaign"/> to <paramref name="generation"/> (null: the
    /// worker's): its records cap, then the worker's records budget, and for a v1 by-CallId request also the
    /// worker-wide v1 by-CallId gate.
    /// </summary>
    public async ValueTask AcquireRecordAsync(CampaignBudget? campaign, ApiGeneration? generation, bool byCallId, CancellationToken cancellationToken)
    {
        var since = CampaignMetrics.Now();
        var records = gates[BudgetedApi.Records];
        Func<CancellationToken, Task> shared = (generation ?? defaultRecords) == ApiGeneration.V1 && byCallId
            ? ct => v1ByCallId.PassAsync(records.PassAsync, ct)
            : records.PassAsync;
        await PassAsync(campaign, BudgetedApi.Records, shared, cancellationToken).ConfigureAwait(false);
        CampaignMetrics.BudgetPassed(BudgetedApi.Records, since);
    }

    /// <summary>
    /// Waits for one start of a campaign: its own rate first (if any), then its weighted turn among the
    /// campaigns waiting on this worker (<see cref="WeightedTurns"/>), then the worker's share.
    /// </summary>
    public ValueTask AcquireStartAsync(string campaignId, int? campaignRate, int weight, CancellationToken cancellationToken) =>
        AcquireStartAsync(new CampaignBudget(campaignId) { StartCall = campaignRate }, weight, cancellationToken);

    /// <summary>Waits for one start of <paramref name="campaign"/> with <paramref name="weight"/> (see the other overload).</summary>
    public async ValueTask AcquireStartAsync(CampaignBudget campaign, int weight, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        var since = CampaignMetrics.Now();
        await PassAsync(
            campaign,
            BudgetedApi.StartCall,
            async ct =>
            {
                // One turn at a time reaches the shared gate: its slot may be as early as when this joined the
                // turns, so that a late turn (a thread-pool hop, a stall) is caught up instead of lost.
                var ready = time.GetUtcNow();
                using var turn = await startTurns.WaitAsync(campaign.CampaignId, weight, ct).ConfigureAwait(false);
                await gates[BudgetedApi.StartCall].PassAsync(ready, null, ct).ConfigureAwait(false);
            },
            cancellationToken).ConfigureAwait(false);
        CampaignMetrics.BudgetPassed(BudgetedApi.StartCall, since);
    }

    /// <summary>
    /// Re-checks a start that already passed <see cref="AcquireStartAsync(CampaignBudget, int, CancellationToken)"/>
    /// (or <see cref="AcquireAsync(BudgetedApi, CampaignBudget?, CancellationToken)"/>) but was not sent then
    /// and is about to be sent late, e.g. after a slow claim in the database: call it right before sending,
    /// instead of acquiring again. It waits only until the trailing second of <paramref name="campaign"/>'s
    /// start gate (if capped) and of the worker's start gate has room (and the gates are open), and counts the
    /// start as sent now; it takes no slot of their timelines and no weighted turn, so the starts behind keep
    /// their slots (acquiring again would spend a second slot for one start). This overload does not know when
    /// the stale pass was: that pass stays counted in the window (it holds one start more than was sent,
    /// never fewer); prefer the overload given it.
    /// </summary>
    public ValueTask RecheckStartAsync(CampaignBudget campaign, CancellationToken cancellationToken) =>
        RecheckStartAsync(campaign, null, cancellationToken);

    /// <summary>
    /// <see cref="RecheckStartAsync(CampaignBudget, CancellationToken)"/> for a start that passed the budget
    /// at <paramref name="passed"/> (when <see cref="AcquireStartAsync(CampaignBudget, int, CancellationToken)"/>
    /// returned): nothing was sent at that pass, so it is taken out of each window while surely still in it
    /// (then the start counts once, now, not twice).
    /// </summary>
    public async ValueTask RecheckStartAsync(CampaignBudget campaign, DateTimeOffset? passed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        var shared = gates[BudgetedApi.StartCall];
        using var lease = campaign.CapOf(BudgetedApi.StartCall) is null && campaign.Issued is null
            ? CampaignGates.Lease.None
            : campaignGates.Rent(campaign.CampaignId, BudgetedApi.StartCall, campaign.CapOf(BudgetedApi.StartCall), campaign.Issued);
        if (lease.Gate is not { } gate)
        {
            await shared.RecheckAsync(passed, null, cancellationToken).ConfigureAwait(false);
            return;
        }

        await gate.RecheckAsync(passed, ct => shared.RecheckAsync(passed, null, ct), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// How long until <paramref name="campaign"/>'s cap on <paramref name="api"/> lets one more request through
    /// (zero: now, or no cap): a queue serving many campaigns skips a capped one instead of waiting on it.
    /// </summary>
    public TimeSpan CapWait(BudgetedApi api, CampaignBudget? campaign) =>
        campaign is not null && (campaign.CapOf(api) is not null || campaign.Issued is not null) ? campaignGates.WaitNow(campaign.CampaignId, api) : TimeSpan.Zero;

    /// <inheritdoc />
    public void Dispose()
    {
        CampaignMetrics.Forget(this);
        foreach (var gate in gates.Values)
        {
            gate.Dispose();
        }

        v1ByCallId.Dispose();
        campaignGates.Dispose();
    }

    private async Task PassAsync(CampaignBudget? campaign, BudgetedApi api, Func<CancellationToken, Task> shared, CancellationToken cancellationToken)
    {
        // A campaign with no cap and no issue time has no gate; with an issue time it may have a gate its newer
        // caps removed, or one older batches still use (CampaignGates: the newest caps win).
        if (campaign is null || (campaign.CapOf(api) is null && campaign.Issued is null))
        {
            await shared(cancellationToken).ConfigureAwait(false);
            return;
        }

        using var lease = campaignGates.Rent(campaign.CampaignId, api, campaign.CapOf(api), campaign.Issued);
        if (lease.Gate is not { } gate)
        {
            await shared(cancellationToken).ConfigureAwait(false);
            return;
        }

        await gate.PassAsync(shared, cancellationToken).ConfigureAwait(false);
    }
}
