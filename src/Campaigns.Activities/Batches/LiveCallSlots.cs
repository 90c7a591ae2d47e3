namespace Campaigns.Activities.Batches;

/// <summary>
/// A campaign's live calls on this worker (<c>rate.maxCallsInFlight</c>): a slot is taken before a start is
/// sent and given back when the call has ended (or was never placed), not when its record comes, so waiting
/// for records never holds dispatch. Waiters are served first come, first served. A campaign with nothing
/// live and nobody waiting is forgotten.
/// </summary>
public sealed class LiveCallSlots
{
    private readonly Lock sync = new();
    private readonly Dictionary<string, Pool> pools = new(StringComparer.Ordinal);

    /// <summary>Live calls of <paramref name="campaignId"/> on this worker now.</summary>
    public int LiveOf(string campaignId)
    {
        lock (sync)
        {
            return pools.TryGetValue(campaignId, out var pool) ? pool.Live : 0;
        }
    }

    /// <summary>Campaigns with live calls or waiters (for tests: idle ones are forgotten).</summary>
    public int CampaignCount
    {
        get
        {
            lock (sync)
            {
                return pools.Count;
            }
        }
    }

    /// <summary>
    /// Waits for one of <paramref name="limit"/> slots of <paramref name="campaignId"/>; dispose the slot when
    /// the call has ended or was never placed (disposing twice gives it back once).
    /// </summary>
    public async ValueTask<IDisposable> AcquireAsync(string campaignId, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(campaignId);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        TaskCompletionSource<IDisposable> waiter;
        lock (sync)
        {
            var pool = PoolOf(campaignId);
            var raised = limit > pool.Limit && pool.Limit != int.MaxValue;
            pool.Limit = limit; // the latest batch's setting (the fleet's size can change it)
            if (raised)
            {
                HandOut(campaignId, pool); // a raised limit serves those already waiting first
            }

            if (pool.Waiters.Count == 0 && pool.Live < limit)
            {
                pool.Live++;
                return new Slot(this, campaignId);
            }

            waiter = new TaskCompletionSource<IDisposable>(TaskCreationOptions.RunContinuationsAsynchronously);
            pool.Waiters.AddLast(waiter);
        }

        await using var registration = cancellationToken.Register(() =>
        {
            lock (sync)
            {
                if (pools.TryGetValue(campaignId, out var pool) && pool.Waiters.Remove(waiter))
                {
                    Forget(campaignId, pool);
                }
            }

            waiter.TrySetCanceled(cancellationToken);
        }).ConfigureAwait(false);
        return await waiter.Task.ConfigureAwait(false);
    }

    /// <summary>
    /// Counts a call that is live already (found Dialed by a batch's retry) without waiting: it rings whatever
    /// the limit says, and later starts wait for it to end.
    /// </summary>
    public IDisposable Hold(string campaignId)
    {
        ArgumentNullException.ThrowIfNull(campaignId);
        lock (sync)
        {
            PoolOf(campaignId).Live++;
            return new Slot(this, campaignId);
        }
    }

    private Pool PoolOf(string campaignId)
    {
        if (!pools.TryGetValue(campaignId, out var pool))
        {
            pool = new Pool();
            pools[campaignId] = pool;
        }

        return pool;
    }

    private void Release(string campaignId)
    {
        lock (sync)
        {
            var pool = pools[campaignId];
            pool.Live--;
            HandOut(campaignId, pool);
            Forget(campaignId, pool);
        }
    }

    // Hands free slots to the waiters in order (a cancelled waiter is skipped: its slot goes to the next). Under the lock.
    private void HandOut(string campaignId, Pool pool)
    {
        while (pool.Live < pool.Limit && pool.Waiters.First is { } first)
        {
            pool.Waiters.RemoveFirst();
#pragma warning disable CA2000 // the waiter owns the slot; one it no longer waits for was never counted, so there is nothing to release
            if (first.Value.TrySetResult(new Slot(this, campaignId)))
#pragma warning restore CA2000
            {
                pool.Live++;
            }
        }
    }

    private void Forget(string campaignId, Pool pool)
    {
        if (pool.Live == 0 && pool.Waiters.Count == 0)
        {
            pools.Remove(campaignId);
        }
    }

    private sealed class Pool
    {
        public int Live { get; set; }

        public int Limit { get; set; } = int.MaxValue;

        public LinkedList<TaskCompletionSource<IDisposable>> Waiters { get; } = new();
    }

    private sealed class Slot(LiveCallSlots owner, string campaignId) : IDisposable
    {
        private int released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) == 0)
            {
                owner.Release(campaignId);
            }
        }
    }
}
