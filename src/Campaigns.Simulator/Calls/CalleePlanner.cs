namespace Campaigns.Simulator.Calls;

/// <summary>
/// One callee's fate in one call, decided when the call is placed. <see cref="StartCode"/> is the
/// callee's ResultCode in the start answer: non-zero means it was not rung and takes no part.
/// </summary>
public sealed record CalleePlan(string Callee, CalleeBehaviour Behaviour, DateTimeOffset? AcceptAt, DateTimeOffset LeaveAt, string Result)
{
    /// <summary>0 when rung; otherwise the code the start answer gives this callee.</summary>
    public long StartCode { get; init; }

    /// <summary>How many times this callee had been planned before (0 for the first call).</summary>
    public int Nth { get; init; }

    /// <summary>Whether the callee was rung (ResultCode 0).</summary>
    public bool Rung => StartCode == 0;
}

/// <summary>
/// A call's own fate: its record becomes readable <see cref="Delay"/> after the end, or never; and
/// whether its start answer leaves out <c>CallResult</c>.
/// </summary>
public sealed record RecordFate(TimeSpan Delay, bool Never, bool OmitCallResult = false);

/// <summary>
/// Decides what each callee does. The choice is a function of (seed, callee, how often that callee
/// was rung before), not of request order, so concurrent runs with one seed are repeatable.
/// </summary>
public sealed class CalleePlanner(SimulatorOptions options)
{
    private readonly Dictionary<string, int> ringCounts = new(StringComparer.Ordinal);
    private readonly Lock gate = new();

    /// <summary>Plans <paramref name="callee"/>'s part in a call started at <paramref name="start"/>.</summary>
    public CalleePlan Plan(string callee, DateTimeOffset start, TimeSpan timeout)
    {
        int nth;
        lock (gate)
        {
            ringCounts.TryGetValue(callee, out nth);
            ringCounts[callee] = nth + 1;
        }

        var random = new Random(StableHash(options.Seed, callee, nth));
        var s = options.Scenario;
        var behaviour = Forced(callee) ?? Pick(random.NextDouble(), s);
        var ring = TimeSpan.FromSeconds(Between(random, s.RingMinSeconds, s.RingMaxSeconds));
        var talk = TimeSpan.FromSeconds(Between(random, s.TalkMinSeconds, s.TalkMaxSeconds));

        // Drawn after ring and talk, so adding this knob left every other fate of a seed as it was.
        var startCode = random.NextDouble() < s.NotRungRate ? s.NotRungResultCode : 0;

        // Answering or rejecting after the ring timeout is impossible: the callee simply did not answer.
        if (behaviour is CalleeBehaviour.Answer or CalleeBehaviour.Reject && ring >= timeout)
        {
            behaviour = CalleeBehaviour.NotAnswer;
        }

        CalleePlan plan = behaviour switch
        {
            CalleeBehaviour.Answer => new(callee, behaviour, start + ring, start + ring + talk, "NormalEnd"),
            CalleeBehaviour.Reject => new(callee, behaviour, null, start + ring, "Reject"),
            CalleeBehaviour.Busy => new(callee, behaviour, null, start + TimeSpan.FromMilliseconds(500), "CallBusy"),

            // Records know no Offline: an unreachable callee "rings" until the timeout, like one who does not answer.
            CalleeBehaviour.Offline => new(callee, behaviour, null, start + timeout, "NotAnswer"),
            _ => new(callee, CalleeBehaviour.NotAnswer, null, start + timeout, "NotAnswer"),
        };
        return plan with { StartCode = startCode, Nth = nth };
    }

    /// <summary>
    /// When the record of a call whose first callee is <paramref name="first"/> appears: log-normal
    /// around the median, a share minutes late, a share never. A function of (seed, callee, nth), like fates.
    /// </summary>
    public RecordFate PlanRecord(CalleePlan first)
    {
        ArgumentNullException.ThrowIfNull(first);
        var random = new Random(StableHash(options.Seed, "record:" + first.Callee, first.Nth));
        var r = options.Records;
        var (u1, u2, late, never, omit) = (random.NextDouble(), random.NextDouble(), random.NextDouble(), random.NextDouble(), random.NextDouble());

        // Box-Muller: a standard normal from two uniforms.
        var normal = Math.Sqrt(-2 * Math.Log(1 - u1)) * Math.Cos(2 * Math.PI * u2);
        var seconds = Math.Max(0, options.RecordDelaySeconds) * Math.Exp(Math.Max(0, r.DelaySpread) * normal);
        if (late < r.LateRate)
        {
            seconds += 60 * Between(random, r.LateMinMinutes, r.LateMaxMinutes);
        }

        return new RecordFate(
            TimeSpan.FromSeconds(Math.Min(seconds, TimeSpan.FromDays(365).TotalSeconds)), never < r.MissingRate, omit < options.Scenario.NoCallResultRate);
    }

    private CalleeBehaviour? Forced(string callee) => options.Scenario.Forced
        .Where(f => callee.StartsWith(f.Key, StringComparison.Ordinal))
        .OrderByDescending(f => f.Key.Length)
        .Select(f => (CalleeBehaviour?)f.Value)
        .FirstOrDefault();

    private static CalleeBehaviour Pick(double roll, CalleeScenario s)
    {
        (CalleeBehaviour Behaviour, double Weight)[] weights =
        [
            (CalleeBehaviour.Answer, s.AnswerRate), (CalleeBehaviour.Reject, s.RejectRate), (CalleeBehaviour.Busy, s.BusyRate),
            (CalleeBehaviour.Offline, s.OfflineRate), (CalleeBehaviour.NotAnswer, s.NotAnswerRate),
        ];
        var total = weights.Sum(w => Math.Max(0, w.Weight));
        if (total <= 0)
        {
            return CalleeBehaviour.NotAnswer;
        }

        var point = roll * total;
        foreach (var (behaviour, weight) in weights)
        {
            point -= Math.Max(0, weight);
            if (point < 0)
            {
                return behaviour;
            }
        }

        return CalleeBehaviour.NotAnswer;
    }

    private static double Between(Random random, double min, double max) =>
        max <= min ? min : min + (random.NextDouble() * (max - min));

    // FNV-1a: string.GetHashCode is randomised per process and would break repeatability.
    private static int StableHash(int seed, string callee, int nth)
    {
        var hash = 2166136261u ^ (uint)seed;
        foreach (var c in callee + "#" + nth)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)(hash & 0x7FFFFFFF);
    }
}
