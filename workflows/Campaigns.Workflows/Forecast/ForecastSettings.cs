namespace Campaigns.Workflows.Forecast;

/// <summary>
/// What the forecast assumes about the workers and the callees. The worker's keys keep their defaults and names
/// (README "Worker configuration"); the callee timings default to the simulator's default scenario.
/// </summary>
public sealed record ForecastSettings
{
    /// <summary><c>Campaigns:Budget:StartCallsPerSecond</c>: the vendor's per-app limit for <c>start_call_by_robot</c>.</summary>
    public double StartCallsPerSecond { get; init; } = 200;

    /// <summary><c>Campaigns:Budget:CallInfoPerSecond</c>: the per-app limit for <c>get_call_info</c>, shared by every live call.</summary>
    public double CallInfoPerSecond { get; init; } = 200;

    /// <summary><c>Campaigns:Budget:Headroom</c>: the share of each limit the fleet uses.</summary>
    public double Headroom { get; init; } = 0.9;

    /// <summary>Workers in the fleet: each takes <c>floor(limit × Headroom ÷ workers)</c>; <c>rate.maxCallsInFlight</c> is per worker.</summary>
    public int Workers { get; init; } = 1;

    /// <summary><c>Campaigns:Watch:TimeScale</c>: divides call lengths and the worker's waits (a simulator run faster than real time).</summary>
    public double TimeScale { get; init; } = 1;

    /// <summary><c>Campaigns:Watch:FirstPollSeconds</c>.</summary>
    public double FirstPollSeconds { get; init; } = 5;

    /// <summary><c>Campaigns:Watch:MaxPollIntervalSeconds</c>.</summary>
    public double MaxPollIntervalSeconds { get; init; } = 30;

    /// <summary><c>Campaigns:Watch:RecordDelaySeconds</c>: the first look for a record after its call ended.</summary>
    public double RecordDelaySeconds { get; init; } = 5;

    /// <summary><c>Campaigns:Watch:RecordMaxWaitSeconds</c>: a record not come by then gives <c>RecordMissing</c>.</summary>
    public double RecordMaxWaitSeconds { get; init; } = 600;

    /// <summary><c>Campaigns:Watch:ReconcileWindowSeconds</c>: how long a lost start is searched for (<c>Unresolved</c> after it).</summary>
    public double ReconcileWindowSeconds { get; init; } = 900;

    /// <summary>How long callees ring and talk, and how late records come.</summary>
    public CalleeTiming Callees { get; init; } = new();

    /// <summary>Workflow start to the first ring (registration, the first batch's intents): measured 0.85–1.0 s.</summary>
    public double StartupSeconds { get; init; } = 1;

    /// <summary>A timer firing (a redial due, the window opening) to the batch's first ring: a workflow task, the batch's intents, the claim.</summary>
    public double WakeSeconds { get; init; } = 1;

    /// <summary>The last batch's end to the campaign's end (the end check, the final status).</summary>
    public double EndSeconds { get; init; } = 1;

    /// <summary>Every problem of these settings (option names as the CLI spells them), empty when valid.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        void Range(string name, double value, double min, double max)
        {
            if (!double.IsFinite(value) || value < min || value > max)
            {
                problems.Add($"{name}: {value} must be {min}-{max}");
            }
        }

        Range("--start-budget", StartCallsPerSecond, 1, 10_000);
        Range("--call-info-budget", CallInfoPerSecond, 1, 10_000);
        Range("--headroom", Headroom, 0.01, 1);
        Range("--workers", Workers, 1, 1000);
        Range("--time-scale", TimeScale, 0.01, 10_000);
        if (Math.Floor(StartCallsPerSecond * Headroom / Workers) < 1)
        {
            problems.Add($"--workers: {Workers} workers leave each less than one start per second of {StartCallsPerSecond} × {Headroom}");
        }

        return problems;
    }
}

/// <summary>
/// Callee behaviour in seconds of the vendor's clock, by default the simulator's default scenario: answers and rejects
/// after a ring of 2–20 s, talks of 5–60 s, busy at once, no answer until the ring timeout; records about 5 s after
/// the end (log-normal spread 0.5), 2 % of them 1–10 minutes late. Means measured on earlier campaigns override the
/// length of each result's calls (the shape stays).
/// </summary>
public sealed record CalleeTiming
{
    /// <summary>Shortest ring before an answer or a reject.</summary>
    public double RingMinSeconds { get; init; } = 2;

    /// <summary>Longest ring before an answer or a reject.</summary>
    public double RingMaxSeconds { get; init; } = 20;

    /// <summary>Shortest talk.</summary>
    public double TalkMinSeconds { get; init; } = 5;

    /// <summary>Longest talk.</summary>
    public double TalkMaxSeconds { get; init; } = 60;

    /// <summary>Median delay from a call's end to its record.</summary>
    public double RecordDelaySeconds { get; init; } = 5;

    /// <summary>Log-normal spread of that delay.</summary>
    public double RecordDelaySpread { get; init; } = 0.5;

    /// <summary>Share of records that come minutes late.</summary>
    public double LateRecordShare { get; init; } = 0.02;

    /// <summary>Least extra lag of a late record.</summary>
    public double LateRecordMinSeconds { get; init; } = 60;

    /// <summary>Most extra lag of a late record.</summary>
    public double LateRecordMaxSeconds { get; init; } = 600;

    /// <summary>Mean call length (start to end) per result measured on earlier campaigns; overrides the defaults' means.</summary>
    public IReadOnlyDictionary<string, double> MeanCallSeconds { get; init; } = new Dictionary<string, double>(StringComparer.Ordinal);
}
