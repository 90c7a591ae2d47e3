using Campaigns.Activities.Budget;

namespace Campaigns.Activities.Caps;

/// <summary>
/// The per-campaign gates in front of the worker's shared ones, one per (campaign, API), created on first
/// use and forgotten once idle: a worker runs campaign after campaign for months, so a table that only
/// grows would leak. The gates have no timer (<see cref="SlidingWindowGate"/> waits with Task.Delay), so an
/// idle one costs memory only until the next sweep.
/// <para>
/// One gate per (campaign, API), whatever rate its users ask for: a <c>setRate</c> update reaches the batches
/// dispatched after it, while older batches of the campaign still run with the caps they were given. The newest
/// caps win (<see cref="CampaignBudget.Issued"/>): they reconfigure the gate in place, so the batches already
/// waiting on it, or coming back to it with their older caps, are paced at the new rate at once, and the
/// campaign never runs at two rates (two gates) side by side. A cap removed by newer caps (<c>setRate</c> to
/// the worker's share) lets older batches pass without the campaign's gate. Caps issued with no time (outside a
/// batch) never override timed ones; among themselves the last one rented wins.
/// </para>
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

    /// <summary>
    /// Takes the gate of <paramref name="campaignId"/> for <paramref name="api"/>, reconfigured to <paramref name="rate"/>
    /// if caps issued at <paramref name="issued"/> are the newest (see the class); dispose the lease when passed.
    /// Its <see cref="Lease.Gate"/> is null when the newest caps have none for the API (pass the shared gates only).
    /// </summary>
    public Lease Rent(string campaignId, BudgetedApi api, int? rate, DateTimeOffset? issued = null)
    {
        var now = time.GetUtcNow();
        lock (sync)
        {
            Sweep(now);
            if (!gates.TryGetValue((campaignId, api), out var entry))
            {
                if (rate is not { } first)
                {
                    return Lease.None;
                }

#pragma warning disable CA2000 // the gate is kept in the table (its entry) and disposed when the entry is swept
                var gate = new SlidingWindowGate(first, time);
#pragma warning restore CA2000
                gate.OnSent = at => OnSent?.Invoke(campaignId, api, at);
                entry = new Entry(gate) { Rate = first, Issued = issued };
                gates[(campaignId, api)] = entry;
            }
            else if (issued is null ? entry.Issued is null : entry.Issued is null || issued >= entry.Issued)
            {
                // The newest caps (or, untimed, the latest): the one gate follows them, its users with it.
                entry.Issued = issued ?? entry.Issued;
                entry.Rate = rate;
                if (rate is { } newer && newer != entry.Gate.Limit)
                {
                    entry.Gate.Configure(newer, DateTimeOffset.MinValue, DateTimeOffset.MaxValue);
                }
            }

            entry.LastUsed = now;
            if (entry.Rate is null)
            {
                return Lease.None;
            }

            entry.Users++;
            return new Lease(this, entry);
        }
    }

    /// <summary>How long until the gate of <paramref name="campaignId"/> for <paramref name="api"/> lets one more through (zero: now, or no gate yet).</summary>
    public TimeSpan WaitNow(string campaignId, BudgetedApi api)
    {
        lock (sync)
        {
            return gates.TryGetValue((campaignId, api), out var entry) && entry.Rate is not null ? entry.Gate.WaitNow() : TimeSpan.Zero;
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

        // The rate of the newest caps (null: they have none for this API), and when they were issued.
        public int? Rate { get; set; }

        public DateTimeOffset? Issued { get; set; }
    }

    /// <summary>A gate in use: not evicted until disposed.</summary>
    internal sealed class Lease : IDisposable
    {
        private readonly CampaignGates? owner;
        private readonly Entry? entry;
        private int disposed;

        public Lease(CampaignGates owner, Entry entry)
        {
            this.owner = owner;
            this.entry = entry;
        }

        private Lease()
        {
        }

        /// <summary>No campaign gate to pass.</summary>
        public static Lease None { get; } = new();

        /// <summary>The campaign's gate (null: none, the shared gates only).</summary>
        public SlidingWindowGate? Gate => entry?.Gate;

        public void Dispose()
        {
            if (entry is not null && Interlocked.Exchange(ref disposed, 1) == 0)
            {
                owner!.Return(entry);
            }
        }
    }
}
