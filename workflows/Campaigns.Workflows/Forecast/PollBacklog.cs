namespace Campaigns.Workflows.Forecast;

/// <summary>
/// How late <c>get_call_info</c> polls come as the campaign goes on. The watcher needs about <c>polls per call × starts
/// per second</c> polls a second; while that is above the budget, the overdue polls queue and each comes later by the
/// queue's length (the lag). Later polls find more calls ended, so fewer are needed per call: the lag grows until they
/// fit the budget (at one poll per start: a call is polled once, after the longest call), and drains while the campaign
/// places no call. A short burst at the full rate therefore sees little lag; a long one the steady lag.
/// Latencies for each lag (rounded to half a second) are made once.
/// </summary>
internal sealed class PollBacklog(Func<double, CallLatency> all, Func<double, CallLatency> final, double pollBudget)
{
    private const double Step = 0.5;
    private readonly Dictionary<double, (CallLatency All, CallLatency Final)> made = [];

    /// <summary>The lag now, seconds.</summary>
    public double Lag { get; private set; }

    /// <summary>The largest lag reached.</summary>
    public double MaxLag { get; private set; }

    /// <summary>Start to outcome of any attempt, at the lag now.</summary>
    public CallLatency All => At(Lag).All;

    /// <summary>Start to outcome of an attempt that ends its target (its result is not redialed), at the lag now.</summary>
    public CallLatency Final => At(Lag).Final;

    /// <summary>Placing calls for <paramref name="seconds"/> while every campaign together starts <paramref name="startsPerSecond"/>.</summary>
    public void Dial(double seconds, double startsPerSecond)
    {
        // The lag's growth: polls asked for per second of polls the budget gives, less the second that passed.
        for (var left = seconds; left > 1e-9; left -= Step)
        {
            var dt = Math.Min(Step, left);
            var demand = At(Lag).All.PollsPerCall * startsPerSecond / pollBudget;
            Lag = Math.Max(0, Lag + ((demand - 1) * dt));
            MaxLag = Math.Max(MaxLag, Lag);
        }
    }

    /// <summary>No call placed for <paramref name="seconds"/>: the queue drains.</summary>
    public void Idle(double seconds) => Lag = Math.Max(0, Lag - Math.Max(0, seconds));

    private (CallLatency All, CallLatency Final) At(double lag)
    {
        var key = Math.Round(lag / Step) * Step;
        if (!made.TryGetValue(key, out var latency))
        {
            latency = (all(key), final(key));
            made[key] = latency;
        }

        return latency;
    }
}
