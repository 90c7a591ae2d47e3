namespace Campaigns.Activities.Budget;

/// <summary>
/// The per-campaign gates in front of the worker's shared ones, one per (campaign, API), created on first
/// use and forgotten once idle: a worker runs campaign after campaign for months, so a table that only
/// grows would leak. The gates have no timer (<see cref="SlidingWindowGate"/> waits with Task.Delay), so an
/// idle one costs memory only until the next sweep.
/// </summary>
internal sealed class CampaignGates(TimeProvider time, TimeSpan idleAfter) : IDisposable
{
    private readonly Lock sync = new();
    private readonly Dictionary<(string CampaignId, BudgetedApi Api), Entry> gates = [];
    private DateTimeOffset nextSweep = DateTimeOffset.MinValue;

    /// <summary>Gates currently kept.</summary>
    public int Count
    {
        get
        {
            lock (sync)
            {
                return gates.Count;
            }
        }
    }

    /// <summary>Called with each request a campaign gate counts as sent (campaign, API, when); for tests.</summary>
    public Action<string, BudgetedApi, DateTimeOffset>? OnSent { get; set; }

    /// <summary>Takes the gate of <paramref name="campaignId"/> for <paramref name="api"/> at <paramref name="rate"/>; dispose the lease when passed.</summary>
    public Lease Rent(string campaignId, BudgetedApi api, int rate)
    {
        var now = time.GetUtcNow();
        lock (sync)
        {
            Sweep(now);
            if (!gates.TryGetValue((campaignId, api), out var entry) || entry.Gate.Limit != rate)
            {
                // A new rate (a setRate update) gets a new gate; the old one is left to its current users.
                if (entry is { Users: 0 })
                {
                    entry.Gate.Dispose();
                }

                var gate = new SlidingWindowGate(rate, time);
                gate.OnSent = at => OnSent?.Invoke(campaignId, api, at);
                entry = new Entry(gate);
                gates[(campaignId, api)] = entry;
            }

            entry.Users++;
            entry.LastUsed = now;
            return new Lease(this, entry);
        }
    }

    /// <summary>How long until the gate of <paramref name="campaignId"/> for <paramref name="api"/> lets one more through (zero: now, or no gate yet).</summary>
    public TimeSpan WaitNow(string campaignId, BudgetedApi api)
    {
        lock (sync)
        {
            return gates.TryGetValue((campaignId, api), out var entry) ? entry.Gate.WaitNow() : TimeSpan.Zero;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (sync)
        {
            foreach (var entry in gates.Values.Where(e => e.Users == 0))
            {
                entry.Gate.Dispose();
            }

            gates.Clear();
        }
    }

    private void Sweep(DateTimeOffset now)
    {
        if (now < nextSweep)
        {
            return;
        }

        nextSweep = now + (idleAfter / 4);
        foreach (var (key, entry) in gates.ToList())
        {
            if (entry.Users == 0 && now - entry.LastUsed >= idleAfter)
            {
                gates.Remove(key);
                entry.Gate.Dispose();
            }
        }
    }

    private void Return(Entry entry)
    {
        lock (sync)
        {
            entry.Users--;
            entry.LastUsed = time.GetUtcNow();
        }
    }

    internal sealed class Entry(SlidingWindowGate gate)
    {
        public SlidingWindowGate Gate { get; } = gate;

        public int Users { get; set; }

        public DateTimeOffset LastUsed { get; set; }
    }

    /// <summary>A gate in use: not evicted until disposed.</summary>
    internal sealed class Lease : IDisposable
    {
        private readonly CampaignGates owner;
        private readonly Entry entry;
        private int disposed;

        public Lease(CampaignGates owner, Entry entry)
        {
            this.owner = owner;
            this.entry = entry;
        }

        public SlidingWindowGate Gate => entry.Gate;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0)
            {
                owner.Return(entry);
            }
        }
    }
}
