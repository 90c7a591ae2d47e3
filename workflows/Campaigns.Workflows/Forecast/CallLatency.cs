using Campaigns.Workflows.Contract;

namespace Campaigns.Workflows.Forecast;

/// <summary>
/// How long an attempt takes from its start to its stored outcome, as a discrete distribution: the call's length
/// (per result, from <see cref="CalleeTiming"/>), the poll that sees it ended (the watcher's schedule: first poll
/// after <c>FirstPollSeconds</c>, then gaps growing ×1.5 up to <c>MaxPollIntervalSeconds</c>, each later by the
/// poll lag when <c>get_call_info</c>'s budget is short), then the look that finds its record (first after
/// <c>RecordDelaySeconds</c>, then doubling gaps up to 60 s; <c>RecordMaxWaitSeconds</c> for a record that never comes).
/// Times are in real seconds: the vendor's seconds divided by the time scale.
/// </summary>
internal sealed class CallLatency
{
    // Points per uniform range, and the log-normal record delay as three equally likely points (the means of its thirds).
    private const int Steps = 6;
    private static readonly double[] RecordDelayZ = [-1.09, 0, 1.09];
    private const double LookGapMaxSeconds = 60;

    private readonly double[] values;
    private readonly double[] cumulative;
    private readonly Dictionary<double, double> maxima = [];

    private CallLatency(List<(double Value, double Weight)> points, double meanHold, double maxHold, double polls)
    {
        points.Sort((a, b) => a.Value.CompareTo(b.Value));
        var total = points.Sum(p => p.Weight);
        values = [.. points.Select(p => p.Value)];
        cumulative = new double[points.Count];
        var sum = 0.0;
        for (var i = 0; i < points.Count; i++)
        {
            sum += points[i].Weight / total;
            cumulative[i] = Math.Min(1, sum);
        }

        MeanHold = meanHold;
        MaxHold = maxHold;
        PollsPerCall = polls;
    }

    /// <summary>Mean time a call holds its live-call slot: start to the poll that sees it ended.</summary>
    public double MeanHold { get; }

    /// <summary>The longest such hold.</summary>
    public double MaxHold { get; }

    /// <summary>Mean <c>get_call_info</c> polls per call.</summary>
    public double PollsPerCall { get; }

    /// <summary>The longest latency.</summary>
    public double Max => values.Length == 0 ? 0 : values[^1];

    /// <summary>P(latency ≤ <paramref name="x"/>).</summary>
    public double Cdf(double x)
    {
        var index = Array.BinarySearch(values, x);
        if (index < 0)
        {
            index = ~index - 1;
        }
        else
        {
            while (index + 1 < values.Length && values[index + 1] <= x)
            {
                index++;
            }
        }

        return index < 0 ? 0 : cumulative[index];
    }

    /// <summary>
    /// The expected longest latency among <paramref name="n"/> attempts (n may be fractional: an expected count):
    /// what a batch waits for before it ends and hands back its redials.
    /// </summary>
    public double ExpectedMax(double n)
    {
        if (n <= 0 || values.Length == 0)
        {
            return 0;
        }

        // Batches mostly have one of a few sizes: each is worked out once.
        var key = Math.Round(n, 3);
        if (maxima.TryGetValue(key, out var known))
        {
            return known;
        }

        var expected = 0.0;
        var previous = 0.0;
        for (var i = 0; i < values.Length; i++)
        {
            var power = Math.Pow(cumulative[i], n);
            expected += values[i] * (power - previous);
            previous = power;
        }

        maxima[key] = expected;
        return expected;
    }

    /// <summary>
    /// The latency of attempts ending with the results of <paramref name="mix"/> (weights, any scale), the poll lag
    /// <paramref name="pollLag"/> added to every poll. With <paramref name="steadyLag"/>, a call is seen ended no later than
    /// it would be at that lag: the steady state's, where the watcher's queue has grown until polls fit the budget. A lag
    /// still growing toward it puts a long call's second poll later, but the queue drains as soon as the starts slow, so
    /// the steady state bounds it (the benchmark's figures agree with that bound).
    /// </summary>
    public static CallLatency Of(IReadOnlyDictionary<string, double> mix, ForecastSettings settings, double ringTimeoutSeconds, double pollLag, double? steadyLag = null)
    {
        ArgumentNullException.ThrowIfNull(mix);
        ArgumentNullException.ThrowIfNull(settings);
        var shape = new Shape(settings, ringTimeoutSeconds);
        var points = new List<(double, double)>();
        double holdSum = 0, holdWeight = 0, maxHold = 0, pollSum = 0;
        foreach (var (result, share) in mix.Where(m => m.Value > 0))
        {
            switch (result)
            {
                case Results.NotPlaced:
                    points.Add((0.1, share)); // refused at the start: no call, no record
                    break;
                case Results.Unresolved:
                    points.Add((shape.Scaled(settings.ReconcileWindowSeconds), share)); // searched for until the window ends
                    break;
                default:
                    foreach (var (length, weight) in shape.Lengths(result == Results.RecordMissing ? CallMixOf(mix) : new() { [result] = 1 }))
                    {
                        var (seen, polls) = shape.Detect(length, pollLag);
                        seen = steadyLag is { } steady ? Math.Min(seen, shape.Detect(length, steady).Seen) : seen;
                        holdSum += share * weight * seen;
                        holdWeight += share * weight;
                        pollSum += share * weight * polls;
                        maxHold = Math.Max(maxHold, seen);
                        if (result == Results.RecordMissing)
                        {
                            points.Add((seen + shape.Scaled(settings.RecordMaxWaitSeconds), share * weight));
                            continue;
                        }

                        foreach (var (delay, chance) in shape.RecordDelays())
                        {
                            points.Add((shape.RecordFound(length + delay, seen), share * weight * chance));
                        }
                    }

                    break;
            }
        }

        if (points.Count == 0)
        {
            points.Add((0.1, 1));
        }

        return new CallLatency(points, holdWeight > 0 ? holdSum / holdWeight : 0, maxHold, holdWeight > 0 ? pollSum / holdWeight : 0);
    }

    /// <summary>
    /// The poll lag at which the watcher's polls per call fit <paramref name="pollsPerStart"/> (the <c>get_call_info</c>
    /// budget ÷ the start rate): 0 when the schedule fits. Short of polls, the watcher serves the most overdue call
    /// first, so every poll comes later until each call needs few enough; at one poll per start, a call is polled
    /// once, after the longest call has ended (the benchmark's 95 % of outcomes came about that long after the last
    /// start). Below one poll per start no lag is enough: the lag of one poll per call is returned.
    /// </summary>
    public static double PollLag(IReadOnlyDictionary<string, double> mix, ForecastSettings settings, double ringTimeoutSeconds, double pollsPerStart)
    {
        double Polls(double lag) => Of(mix, settings, ringTimeoutSeconds, lag).PollsPerCall;
        if (Polls(0) <= pollsPerStart)
        {
            return 0;
        }

        // Polls per call fall as the lag grows, to 1 once the first poll comes after the longest call.
        var high = Of(mix, settings, ringTimeoutSeconds, 0).MaxHold + 1;
        while (Polls(high) > Math.Max(1, pollsPerStart) + 1e-9)
        {
            high *= 2;
        }

        var low = 0.0;
        for (var i = 0; i < 40; i++)
        {
            var mid = (low + high) / 2;
            if (Polls(mid) > Math.Max(1, pollsPerStart) + 1e-9)
            {
                low = mid;
            }
            else
            {
                high = mid;
            }
        }

        return high;
    }

    // The call-bearing results of a mix, for the length of a call whose record never came (any kind of call).
    private static Dictionary<string, double> CallMixOf(IReadOnlyDictionary<string, double> mix)
    {
        var calls = mix.Where(m => m.Value > 0 && m.Key is not (Results.RecordMissing or Results.NotPlaced or Results.Unresolved))
            .ToDictionary(m => m.Key, m => m.Value, StringComparer.Ordinal);
        return calls.Count > 0 ? calls : new(StringComparer.Ordinal) { ["NotAnswer"] = 1 };
    }

    /// <summary>Call lengths, the watcher's polls and the record's looks, in real seconds.</summary>
    private sealed class Shape(ForecastSettings settings, double ringTimeoutSeconds)
    {
        private readonly CalleeTiming callees = settings.Callees;

        public double Scaled(double seconds) => seconds / settings.TimeScale;

        /// <summary>Call lengths (real seconds) with their weights, for a mix of results (weights of any scale).</summary>
        public IEnumerable<(double Seconds, double Weight)> Lengths(IReadOnlyDictionary<string, double> results)
        {
            var total = results.Values.Sum();
            foreach (var (result, share) in results)
            {
                var points = Default(result);
                var mean = points.Sum(p => p.Seconds * p.Weight);
                if (callees.MeanCallSeconds.TryGetValue(result, out var measured) && measured >= 0)
                {
                    // The measured mean, the default's shape.
                    points = mean > 0 ? [.. points.Select(p => (p.Seconds * measured / mean, p.Weight))] : [(measured, 1.0)];
                }

                foreach (var (seconds, weight) in points)
                {
                    yield return (Scaled(seconds), share / total * weight);
                }
            }
        }

        // The vendor's seconds, weights summing to 1.
        private List<(double Seconds, double Weight)> Default(string result)
        {
            var ringFrom = Math.Min(callees.RingMinSeconds, ringTimeoutSeconds);
            var ringTo = Math.Min(callees.RingMaxSeconds, ringTimeoutSeconds);
            return result switch
            {
                "NormalEnd" => [.. from ring in Uniform(ringFrom, ringTo) from talk in Uniform(callees.TalkMinSeconds, callees.TalkMaxSeconds) select (ring + talk, 1.0 / (Steps * Steps))],
                "Reject" => [.. Uniform(ringFrom, ringTo).Select(r => (r, 1.0 / Steps))],
                "CallBusy" or "NotRung" => [(0.0, 1.0)],
                _ => [(ringTimeoutSeconds, 1.0)], // NotAnswer (and offline callees), Cancel, Interrupt, RingUnknown: rung to the timeout
            };
        }

        private static IEnumerable<double> Uniform(double from, double to) =>
            Enumerable.Range(0, Steps).Select(i => from + ((i + 0.5) * (to - from) / Steps));

        /// <summary>When the watcher sees a call of <paramref name="length"/> ended, and after how many polls.</summary>
        public (double Seen, int Polls) Detect(double length, double lag)
        {
            var interval = Scaled(settings.FirstPollSeconds);
            var at = interval + lag;
            var polls = 1;
            while (at < length && polls < 10_000)
            {
                interval = Math.Min(interval * 1.5, Scaled(settings.MaxPollIntervalSeconds));
                at += interval + lag;
                polls++;
            }

            return (at, polls);
        }

        /// <summary>Record delays after the call's end (real seconds) with their chances: most about the median, a few minutes late.</summary>
        public IEnumerable<(double Delay, double Chance)> RecordDelays()
        {
            var late = Math.Clamp(callees.LateRecordShare, 0, 1);
            foreach (var z in RecordDelayZ)
            {
                yield return (Scaled(callees.RecordDelaySeconds * Math.Exp(callees.RecordDelaySpread * z)), (1 - late) / RecordDelayZ.Length);
            }

            if (late > 0)
            {
                foreach (var extra in Uniform(callees.LateRecordMinSeconds, callees.LateRecordMaxSeconds).Where((_, i) => i % 2 == 0))
                {
                    yield return (Scaled(callees.RecordDelaySeconds + extra), late / (Steps / 2));
                }
            }
        }

        /// <summary>When the look that finds a record readable at <paramref name="readable"/> comes, for a call seen ended at <paramref name="seen"/>.</summary>
        public double RecordFound(double readable, double seen)
        {
            var gap = Scaled(settings.RecordDelaySeconds);
            var look = seen + gap;
            var giveUp = seen + Scaled(settings.RecordMaxWaitSeconds);
            while (look < readable && look < giveUp)
            {
                gap = Math.Min(gap * 2, Scaled(LookGapMaxSeconds));
                look += gap;
            }

            return Math.Min(look, giveUp);
        }
    }
}
