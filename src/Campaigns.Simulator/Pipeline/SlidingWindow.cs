namespace Campaigns.Simulator.Pipeline;

/// <summary>
/// The timestamps of the last second's requests, and the most ever seen in any one second. As a
/// limiter it admits a request only while fewer than the limit lie in the second before it, so no
/// 1-second window, however aligned, ever holds more than the limit. Not thread-safe: the caller locks.
/// </summary>
internal sealed class SlidingWindow(long ticksPerSecond)
{
    private readonly Queue<long> ticks = new();

    /// <summary>The most requests seen in any 1-second window (half-open, any alignment).</summary>
    public int Worst { get; private set; }

    /// <summary>How many requests lie in the second before <paramref name="now"/> (timestamp ticks).</summary>
    public int CountAt(long now)
    {
        while (ticks.Count > 0 && now - ticks.Peek() >= ticksPerSecond)
        {
            ticks.Dequeue();
        }

        return ticks.Count;
    }

    /// <summary>Records a request at <paramref name="now"/> (after <see cref="CountAt"/> at the same instant).</summary>
    public void Add(long now)
    {
        ticks.Enqueue(now);
        Worst = Math.Max(Worst, ticks.Count);
    }
}
