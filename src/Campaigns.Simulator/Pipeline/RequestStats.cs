using System.Collections.Concurrent;

namespace Campaigns.Simulator.Pipeline;

/// <summary>Counts requests per API per wall-clock second, and those refused by a frequency limit.</summary>
public sealed class RequestStats
{
    private readonly ConcurrentDictionary<(string Api, long Second), int> perSecond = new();
    private readonly ConcurrentDictionary<string, int> limited = new(StringComparer.Ordinal);

    /// <summary>Counts one request.</summary>
    public void Count(string api, long unixSecond) => perSecond.AddOrUpdate((api, unixSecond), 1, (_, n) => n + 1);

    /// <summary>Counts one request refused by a frequency limit.</summary>
    public void CountLimited(string api) => limited.AddOrUpdate(api, 1, (_, n) => n + 1);

    /// <summary>A snapshot: per API, the total, the refused, and the count per second.</summary>
    public IReadOnlyDictionary<string, ApiStats> Snapshot()
    {
        var byApi = perSecond.ToArray().GroupBy(kv => kv.Key.Api, StringComparer.Ordinal);
        return byApi.ToDictionary(
            g => g.Key,
            g => new ApiStats(
                g.Sum(kv => kv.Value),
                limited.GetValueOrDefault(g.Key),
                g.OrderBy(kv => kv.Key.Second).ToDictionary(kv => kv.Key.Second, kv => kv.Value)),
            StringComparer.Ordinal);
    }
}

/// <summary>Requests of one API.</summary>
public sealed record ApiStats(int Total, int RateLimited, IReadOnlyDictionary<long, int> PerSecond);
