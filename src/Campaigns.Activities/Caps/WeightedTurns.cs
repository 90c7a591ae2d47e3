namespace Campaigns.Activities.Caps;

/// <summary>
/// Decides whose request goes next when several campaigns wait for the same budget: stride scheduling, so
/// over any stretch where campaigns A and B both have requests waiting, A gets weight(A) ÷ (weight(A) +
/// weight(B)) of the turns. A campaign alone gets every turn (nothing is reserved for campaigns that are
/// not asking), and a campaign that was idle re-enters at the current virtual time instead of cashing in
/// the turns it did not use. One turn is held at a time; the holder passes the budget's gate, then
/// disposes the turn and the next waiter is chosen.
/// </summary>
public sealed class WeightedTurns
{
    private readonly Lock sync = new();
    private readonly Dictionary<string, Flow> flows = new(StringComparer.Ordinal);
    private bool held;
    private double virtualTime;

    /// <summary>Campaigns currently known (waiting, or holding credit); for tests.</summary>
    public int FlowCount
    {
        get
        {
            lock (sync)
            {
                return flows.Count;
            }
        }
    }

    /// <summary>Waits for a turn of <paramref name="key"/> with <paramref name="weight"/> (1 or more); dispose the turn after sending.</summary>
    public async ValueTask<IDisposable> WaitAsync(string key, int weight, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        Waiter waiter;
        lock (sync)
        {
            var flow = FlowOf(key, weight);
            if (!held)
            {
                held = true;
                Charge(flow);
                return new Turn(this);
            }

            waiter = new Waiter();
            flow.Waiters.Enqueue(waiter);
        }

        await using var registration = cancellationToken.Register(() => waiter.Result.TrySetCanceled(cancellationToken)).ConfigureAwait(false);
        return await waiter.Result.Task.ConfigureAwait(false);
    }

    private Flow FlowOf(string key, int weight)
    {
        if (!flows.TryGetValue(key, out var flow))
        {
            flow = new Flow { Pass = virtualTime };
            flows[key] = flow;
        }

        flow.Weight = Math.Max(1, weight);
        return flow;
    }

    private void Charge(Flow flow)
    {
        // An idle campaign does not keep the credit of the turns it did not ask for.
        var start = Math.Max(flow.Pass, virtualTime);
        virtualTime = start;
        flow.Pass = start + (1.0 / flow.Weight);
    }

    private void Release()
    {
        lock (sync)
        {
            while (true)
            {
                Flow? next = null;
                foreach (var flow in flows.Values)
                {
                    while (flow.Waiters.Count > 0 && flow.Waiters.Peek().Result.Task.IsCompleted)
                    {
                        flow.Waiters.Dequeue(); // cancelled while waiting
                    }

                    if (flow.Waiters.Count > 0 && (next is null || flow.Pass < next.Pass))
                    {
                        next = flow;
                    }
                }

                if (next is null)
                {
                    // Nobody waits: sharing starts afresh with the next arrival.
                    held = false;
                    flows.Clear();
                    return;
                }

                Prune();

                var waiter = next.Waiters.Dequeue();
#pragma warning disable CA2000 // the waiter owns the turn; one it no longer waits for was never charged, so there is nothing to release
                if (waiter.Result.TrySetResult(new Turn(this)))
#pragma warning restore CA2000
                {
                    Charge(next);
                    return;
                }
            }
        }
    }

    private void Prune()
    {
        // Forget campaigns with nothing waiting and no turns ahead of the clock: the table stays as small as
        // the set of campaigns asking right now.
        foreach (var (key, flow) in flows.ToList())
        {
            if (flow.Waiters.Count == 0 && flow.Pass <= virtualTime)
            {
                flows.Remove(key);
            }
        }
    }

    private sealed class Flow
    {
        public double Pass { get; set; }

        public int Weight { get; set; } = 1;

        public Queue<Waiter> Waiters { get; } = new();
    }

    private sealed class Waiter
    {
        // Continuations run outside the lock: the next holder must not run inside Release.
        public TaskCompletionSource<IDisposable> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class Turn(WeightedTurns owner) : IDisposable
    {
        private int disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0)
            {
                owner.Release();
            }
        }
    }
}
