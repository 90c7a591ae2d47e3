using System.Collections.Concurrent;

namespace Campaigns.Simulator.Pipeline;

/// <summary>Counts requests per API per wall-clock second, and those refused by a frequency limit.</summary>
public sealed class RequestStats
{
    private readonly ConcurrentDictionary<(string Api, long Second), int> received = new();
    private readonly ConcurrentDictionary<(string Api, long Second), int> limited = new();

    /// <summary>Counts one request.</summary>
    public void Count(string api, long unixSecond) => received.AddOrUpdate((api, unixSecond), 1, (_, n) => n + 1);

    /// <summary>Counts one request refused by a frequency limit.</summary>
    public void CountLimited(string api, long unixSecond) => limited.AddOrUpdate((api, unixSecond), 1, (_, n) => n + 1);

    /// <summary>A snapshot per API: totals, and per second the requests received and the ones let through the limit.</summary>
    public IReadOnlyDictionary<string, ApiStats> Snapshot()
    {
        var refused = limited.ToArray().ToDictionary(kv => kv.Key, kv => kv.Value);
        return received.ToArray()
            .GroupBy(kv => kv.Key.Api, StringComparer.Ordinal)
            .ToDictionary(
                g => g.Key,
                g =>
                {
                    var seconds = g.OrderBy(kv => kv.Key.Second).ToList();
                    return new ApiStats(
                        seconds.Sum(kv => kv.Value),
                        seconds.Sum(kv => refused.GetValueOrDefault(kv.Key)),
                        seconds.ToDictionary(kv => kv.Key.Second, kv => kv.Value),
                        seconds.ToDictionary(kv => kv.Key.Second, kv => kv.Value - refused.GetValueOrDefault(kv.Key)));
                },
                StringComparer.Ordinal);
    }
}

/// <summary>Requests of one API: totals, received per second, and admitted (not rate-limited) per second.</summary>
public sealed record ApiStats(
    int Total, int RateLimited, IReadOnlyDictionary<long, int> PerSecond, IReadOnlyDictionary<long, int> AdmittedPerSecond);
