namespace Campaigns.Simulator.Calls;

/// <summary>One callee's fate in one call, decided when the call is placed.</summary>
public sealed record CalleePlan(string Callee, CalleeBehaviour Behaviour, DateTimeOffset? AcceptAt, DateTimeOffset LeaveAt, string Result);

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

        // Answering or rejecting after the ring timeout is impossible: the callee simply did not answer.
        if (behaviour is CalleeBehaviour.Answer or CalleeBehaviour.Reject && ring >= timeout)
        {
            behaviour = CalleeBehaviour.NotAnswer;
        }

        return behaviour switch
        {
            CalleeBehaviour.Answer => new(callee, behaviour, start + ring, start + ring + talk, "NormalEnd"),
            CalleeBehaviour.Reject => new(callee, behaviour, null, start + ring, "Reject"),
            CalleeBehaviour.Busy => new(callee, behaviour, null, start + TimeSpan.FromMilliseconds(500), "CallBusy"),
            CalleeBehaviour.Offline => new(callee, behaviour, null, start + TimeSpan.FromSeconds(1), "Offline"),
            _ => new(callee, CalleeBehaviour.NotAnswer, null, start + timeout, "NotAnswer"),
        };
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
