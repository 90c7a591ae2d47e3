namespace Campaigns.Simulator.Pipeline;

/// <summary>What the frequency limits said about one request.</summary>
public enum Admission
{
    /// <summary>Let through.</summary>
    Admitted,

    /// <summary>Over the API's own limit (60018; v1 70005).</summary>
    ApiLimited,

    /// <summary>Over the app-wide limit (60011; v1 70005).</summary>
    AppLimited,
}

/// <summary>
/// Counts requests and applies the frequency limits, in one place under one lock, so the limiter and the
/// figures that prove it ("worst 1-second window") see the very same timestamps. Per-second counts are
/// kept for the last <see cref="MemoryLimits.StatsSeconds"/> seconds only.
/// </summary>
public sealed class RequestStats(SimulatorOptions options, TimeProvider time)
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, ApiCounter> apis = new(StringComparer.Ordinal);
    private SlidingWindow appWide = new(time.TimestampFrequency);
    private long appLimited;

    /// <summary>Counts a request of <paramref name="api"/> refused before the limits (too large, bad UserSig).</summary>
    public void CountRefused(string api)
    {
        var second = time.GetUtcNow().ToUnixTimeSeconds();
        lock (gate)
        {
            Receive(api, second, time.GetTimestamp());
        }
    }

    /// <summary>Counts a request of <paramref name="api"/> and decides whether the limits let it through.</summary>
    public Admission Admit(string api)
    {
        var limits = options.RateLimits;
        var second = time.GetUtcNow().ToUnixTimeSeconds();
        lock (gate)
        {
            var now = time.GetTimestamp();
            var counter = Receive(api, second, now);

            var apiLimit = LimitOf(api);
            if (apiLimit > 0 && counter.Admitted.CountAt(now) >= apiLimit)
            {
                counter.RateLimited++;
                return Admission.ApiLimited;
            }

            var appLimit = limits.Enabled ? limits.AppWidePerSecond : 0;
            if (appLimit > 0 && appWide.CountAt(now) >= appLimit)
            {
                counter.RateLimited++;
                appLimited++;
                return Admission.AppLimited;
            }

            counter.Admitted.CountAt(now);
            counter.Admitted.Add(now);
            appWide.CountAt(now);
            appWide.Add(now);
            counter.PerSecond.Add(second, admitted: true, options.Limits.StatsSeconds);
            counter.AdmittedCount++;
            return Admission.Admitted;
        }
    }

    private ApiCounter Receive(string api, long second, long now)
    {
        if (!apis.TryGetValue(api, out var counter))
        {
            apis[api] = counter = new ApiCounter(time.TimestampFrequency);
        }

        counter.Total++;
        counter.Received.CountAt(now);
        counter.Received.Add(now);
        counter.PerSecond.Add(second, admitted: false, options.Limits.StatsSeconds);
        return counter;
    }

    /// <summary>Forgets every count (a benchmark's warm-up).</summary>
    public void Reset()
    {
        lock (gate)
        {
            apis.Clear();
            appWide = new SlidingWindow(time.TimestampFrequency);
            appLimited = 0;
        }
    }

    /// <summary>A snapshot of every API's figures.</summary>
    public RequestsSnapshot Snapshot()
    {
        lock (gate)
        {
            var limits = options.RateLimits;
            return new RequestsSnapshot(
                new AppWideStats(limits.Enabled ? limits.AppWidePerSecond : 0, appWide.Worst, appLimited),
                apis.ToDictionary(
                    kv => kv.Key,
                    kv => new ApiStats(
                        LimitOf(kv.Key),
                        kv.Value.Total,
                        kv.Value.RateLimited,
                        kv.Value.AdmittedCount,
                        kv.Value.Admitted.Worst,
                        kv.Value.Received.Worst,
                        kv.Value.PerSecond.Received(),
                        kv.Value.PerSecond.Admitted()),
                    StringComparer.Ordinal));
        }
    }

    private int LimitOf(string api)
    {
        var limits = options.RateLimits;
        return !limits.Enabled ? 0 : limits.PerApi.TryGetValue(api, out var l) ? l : limits.DefaultPerSecond;
    }

    private sealed class ApiCounter(long frequency)
    {
        public long Total { get; set; }

        public long RateLimited { get; set; }

        public long AdmittedCount { get; set; }

        public SlidingWindow Received { get; } = new(frequency);

        public SlidingWindow Admitted { get; } = new(frequency);

        public PerSecondCounts PerSecond { get; } = new();
    }
}

/// <summary>Figures of the whole app: the app-wide limit (0: none), the worst 1-second window over all APIs, refusals.</summary>
public sealed record AppWideStats(int Limit, int WorstWindow, long RateLimited);

/// <summary>
/// One API's figures. <see cref="Limit"/> is requests per second (0: none). <see cref="WorstWindow"/> is the
/// most requests admitted in any 1-second window however aligned (the figure that proves a limit held);
/// <see cref="WorstWindowReceived"/> the same for all requests. Per-second maps are keyed by wall-clock Unix second.
/// </summary>
public sealed record ApiStats(
    int Limit,
    long Total,
    long RateLimited,
    long Admitted,
    int WorstWindow,
    int WorstWindowReceived,
    IReadOnlyDictionary<long, int> PerSecond,
    IReadOnlyDictionary<long, int> AdmittedPerSecond);

/// <summary>The answer of <c>GET /admin/requests</c>.</summary>
public sealed record RequestsSnapshot(AppWideStats AppWide, IReadOnlyDictionary<string, ApiStats> Apis);
