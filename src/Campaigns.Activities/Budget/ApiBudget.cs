using System.Collections.Concurrent;
using System.Threading.RateLimiting;
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
/// The worker's share of the vendor's per-app budget, one gate per API, shared by every campaign and batch
/// of this worker: at most limit × <see cref="BudgetOptions.Headroom"/> ÷ workers requests in any 1-second
/// window, counted at the moment of sending (<see cref="SlidingWindowGate"/>). The workers are
/// <see cref="BudgetOptions.Workers"/> when set (fixed, gates open at once); otherwise the live members of the
/// fleet registry, applied at run time by <see cref="FleetMembership"/> (<see cref="ApplyShare"/>): the gates
/// stay closed until this worker is admitted. The headroom absorbs what happens between sending and the
/// vendor's gateway (network jitter, a stall). A campaign's own <c>maxCallsPerSecond</c> is a token bucket in front.
/// </summary>
public sealed class ApiBudget : IDisposable
{
    private readonly Dictionary<BudgetedApi, SlidingWindowGate> gates;
    private readonly ConcurrentDictionary<(string CampaignId, int Rate), RateLimiter> campaignLimiters = new();
    private readonly WeightedTurns startTurns = new();
    private readonly Dictionary<BudgetedApi, double> budgets;

    /// <summary>Builds the limiters from the options.</summary>
    public ApiBudget(IOptions<CampaignWorkerOptions> options, IOptions<TencentCall.TencentCallOptions> tencent, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(tencent);
        var budget = options.Value.Budget;

        // The v1 records API allows 20 requests/s by CallId (not 200): a worker on v1 never asks more.
        var records = tencent.Value.RecordsApi == TencentCall.RecordsApiGeneration.V1
            ? Math.Min(budget.RecordsPerSecond, 20)
            : budget.RecordsPerSecond;
        budgets = new()
        {
            [BudgetedApi.StartCall] = budget.StartCallsPerSecond * budget.Headroom,
            [BudgetedApi.CallInfo] = budget.CallInfoPerSecond * budget.Headroom,
            [BudgetedApi.EndCall] = budget.EndCallPerSecond * budget.Headroom,
            [BudgetedApi.Records] = records * budget.Headroom,
        };
        Automatic = budget.Workers is null;
        gates = budgets.ToDictionary(kv => kv.Key, kv => budget.Workers is { } workers ? new SlidingWindowGate(ShareOf(kv.Value, workers), time) : new SlidingWindowGate(time));
        CampaignMetrics.Observe(this);
    }

    /// <summary>Whether the fleet size comes from the registry (no <see cref="BudgetOptions.Workers"/>): closed until <see cref="ApplyShare"/>.</summary>
    public bool Automatic { get; }

    /// <summary>Requests per second this worker lets through for <paramref name="api"/> right now (0 while closed).</summary>
    public int LimitOf(BudgetedApi api) => gates[api].Limit;

    /// <summary>When the last request of any API passed (null: none yet).</summary>
    public DateTimeOffset? LastPassed => gates.Values.Max(g => g.LastPassed);

    /// <summary>
    /// Sets every gate to its share for <paramref name="share"/>'s live members, open in its interval (closed
    /// for <see cref="FleetGates.Closed"/>). A smaller share takes effect at once and counts what was already sent.
    /// </summary>
    public void ApplyShare(FleetGates share)
    {
        foreach (var (api, gate) in gates)
        {
            if (share.Members < 1)
            {
                gate.Close();
            }
            else
            {
                gate.Configure(ShareOf(budgets[api], share.Members), share.OpenFrom, share.OpenUntil);
            }
        }
    }

    // At least one request a second, or the API could never be used (a fleet larger than the budget: README "Scaling out").
    private static int ShareOf(double budget, int workers) => Math.Max(1, (int)Math.Floor(budget / workers));

    /// <summary>Waits for one request of <paramref name="api"/>: call it right before sending.</summary>
    public async ValueTask AcquireAsync(BudgetedApi api, CancellationToken cancellationToken)
    {
        var since = CampaignMetrics.Now();
        await gates[api].PassAsync(cancellationToken).ConfigureAwait(false);
        CampaignMetrics.BudgetPassed(api, since);
    }

    /// <summary>
    /// Waits for one start of a campaign: its own rate first (if any), then its weighted turn among the
    /// campaigns waiting on this worker (<see cref="WeightedTurns"/>), then the worker's budget.
    /// </summary>
    public async ValueTask AcquireStartAsync(string campaignId, int? campaignRate, int weight, CancellationToken cancellationToken)
    {
        if (campaignRate is { } rate)
        {
            var limiter = campaignLimiters.GetOrAdd((campaignId, rate), key => Bucket(key.Rate));
            using var lease = await limiter.AcquireAsync(1, cancellationToken).ConfigureAwait(false);
        }

        using var turn = await startTurns.WaitAsync(campaignId, weight, cancellationToken).ConfigureAwait(false);
        await AcquireAsync(BudgetedApi.StartCall, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        CampaignMetrics.Forget(this);
        foreach (var gate in gates.Values)
        {
            gate.Dispose();
        }

        foreach (var limiter in campaignLimiters.Values)
        {
            limiter.Dispose();
        }
    }

    private static TokenBucketRateLimiter Bucket(double perSecond)
    {
        // 20 refills a second; the bucket holds a tenth of a second's worth (at least one request).
        var perPeriod = Math.Max(1, (int)Math.Floor(perSecond / 20));
        var period = TimeSpan.FromSeconds(perPeriod / perSecond);
        return new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = Math.Max(1, (int)Math.Floor(perSecond / 10)),
            TokensPerPeriod = perPeriod,
            ReplenishmentPeriod = period,
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        });
    }
}
