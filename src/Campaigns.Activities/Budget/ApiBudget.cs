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
/// The worker's share of the vendor's per-app budget, one limiter per API, shared by every campaign and
/// batch of this worker. A token bucket refilled every 50 ms with a bucket of a tenth of a second: any
/// 1-second window admits at most 1.1 × the rate, and the rate is the limit × <see cref="BudgetOptions.Headroom"/>
/// (0.9 → 0.99 of the limit). A campaign's own <c>maxCallsPerSecond</c> is a second limiter in front.
/// </summary>
public sealed class ApiBudget : IDisposable
{
    private readonly Dictionary<BudgetedApi, RateLimiter> limiters;
    private readonly ConcurrentDictionary<(string CampaignId, int Rate), RateLimiter> campaignLimiters = new();

    /// <summary>Builds the limiters from the options.</summary>
    public ApiBudget(IOptions<CampaignWorkerOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var budget = options.Value.Budget;
        double Share(double limit) => limit * budget.Headroom / budget.Workers;
        limiters = new()
        {
            [BudgetedApi.StartCall] = Bucket(Share(budget.StartCallsPerSecond)),
            [BudgetedApi.CallInfo] = Bucket(Share(budget.CallInfoPerSecond)),
            [BudgetedApi.EndCall] = Bucket(Share(budget.EndCallPerSecond)),
            [BudgetedApi.Records] = Bucket(Share(budget.RecordsPerSecond)),
        };
    }

    /// <summary>Waits for one request of <paramref name="api"/>.</summary>
    public async ValueTask AcquireAsync(BudgetedApi api, CancellationToken cancellationToken)
    {
        using var lease = await limiters[api].AcquireAsync(1, cancellationToken).ConfigureAwait(false);
        if (!lease.IsAcquired)
        {
            throw new InvalidOperationException($"The {api} budget's queue is full");
        }
    }

    /// <summary>Waits for one start of a campaign: its own rate first (if any), then the worker's budget.</summary>
    public async ValueTask AcquireStartAsync(string campaignId, int? campaignRate, CancellationToken cancellationToken)
    {
        if (campaignRate is { } rate)
        {
            var limiter = campaignLimiters.GetOrAdd((campaignId, rate), key => Bucket(key.Rate));
            using var lease = await limiter.AcquireAsync(1, cancellationToken).ConfigureAwait(false);
        }

        await AcquireAsync(BudgetedApi.StartCall, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var limiter in limiters.Values.Concat(campaignLimiters.Values))
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
