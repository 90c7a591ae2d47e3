using System.Collections.Concurrent;

namespace Campaigns.Simulator.Calls;

/// <summary>
/// How many times each callee was rung, kept apart from the calls themselves: a compact counter per
/// callee survives the eviction of ended calls, so "nobody was rung twice" stays provable after a
/// million calls.
/// </summary>
public sealed class RingLog
{
    private readonly ConcurrentDictionary<string, int> rings = new(StringComparer.Ordinal);
    private long total;

    /// <summary>Every ring so far.</summary>
    public long Total => Interlocked.Read(ref total);

    /// <summary>How many callees were rung at least once.</summary>
    public int Callees => rings.Count;

    /// <summary>Counts one ring of <paramref name="callee"/>.</summary>
    public void Ring(string callee)
    {
        rings.AddOrUpdate(callee, 1, (_, n) => n + 1);
        Interlocked.Increment(ref total);
    }

    /// <summary>How many times <paramref name="callee"/> was rung.</summary>
    public int Of(string callee) => rings.GetValueOrDefault(callee);

    /// <summary>Callees rung at least <paramref name="min"/> times, with their counts.</summary>
    public IReadOnlyDictionary<string, int> AtLeast(int min) =>
        rings.Where(kv => kv.Value >= min).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
}
