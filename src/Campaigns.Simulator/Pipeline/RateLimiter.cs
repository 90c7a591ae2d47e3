using System.Collections.Concurrent;

namespace Campaigns.Simulator.Pipeline;

/// <summary>
/// A fixed one-second window per API, as the vendor states its limits ("200 requests/second per
/// API"): the (N+1)th request within a wall-clock second is refused.
/// </summary>
public sealed class RateLimiter(SimulatorOptions options)
{
    private readonly ConcurrentDictionary<string, Window> windows = new(StringComparer.Ordinal);

    /// <summary>Takes one request's place in this second's window; false when the window is full.</summary>
    public bool TryAcquire(string api, long unixSecond)
    {
        var limits = options.RateLimits;
        if (!limits.Enabled)
        {
            return true;
        }

        var limit = limits.PerApi.TryGetValue(api, out var l) ? l : limits.DefaultPerSecond;
        var window = windows.GetOrAdd(api, _ => new Window());
        lock (window)
        {
            if (window.Second != unixSecond)
            {
                window.Second = unixSecond;
                window.Count = 0;
            }

            window.Count++;
            return window.Count <= limit;
        }
    }

    private sealed class Window
    {
        public long Second { get; set; }

        public int Count { get; set; }
    }
}
