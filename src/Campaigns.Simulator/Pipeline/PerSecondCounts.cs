namespace Campaigns.Simulator.Pipeline;

/// <summary>Requests received and admitted per wall-clock second, keeping only the most recent seconds. Not thread-safe.</summary>
internal sealed class PerSecondCounts
{
    private readonly Dictionary<long, (int Received, int Admitted)> seconds = [];
    private readonly Queue<long> order = new();

    public void Add(long second, bool admitted, int keep)
    {
        if (!seconds.TryGetValue(second, out var counts))
        {
            order.Enqueue(second);
            while (order.Count > Math.Max(1, keep) && order.TryDequeue(out var oldest))
            {
                seconds.Remove(oldest);
            }
        }

        seconds[second] = admitted ? (counts.Received, counts.Admitted + 1) : (counts.Received + 1, counts.Admitted);
    }

    public IReadOnlyDictionary<long, int> Received() => seconds.OrderBy(kv => kv.Key).ToDictionary(kv => kv.Key, kv => kv.Value.Received);

    public IReadOnlyDictionary<long, int> Admitted() => seconds.OrderBy(kv => kv.Key).ToDictionary(kv => kv.Key, kv => kv.Value.Admitted);
}
