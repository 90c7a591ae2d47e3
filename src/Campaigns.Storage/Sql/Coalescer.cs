namespace Campaigns.Storage.Sql;

/// <summary>
/// Group commit for one kind of single-row call (leader/follower). A call goes to the database at once, alone,
/// when no call of its kind is in flight; calls arriving meanwhile queue, and when the one in flight ends they
/// go together as the next batch (one statement or one transaction), at most <c>maxBatch</c> of them, their
/// results split back per caller. So nothing waits for a timer, and under load the round trips per call fall.
/// <list type="bullet">
/// <item>Two calls with the same key (one attempt) never share a batch: the later one waits for the next, so
/// each sees the other's effect as if they ran one after the other. Only calls <c>compatible</c> with the
/// batch's first (the same campaign, for intents) join it. Members are passed in key order (lock order).</item>
/// <item>A batch's result of null for a member (its row was refused, or found already moved) means: run that
/// member alone, whose answer is then its own, exactly as a call of its own would give it.</item>
/// <item>Error isolation: when the batch fails, every member runs alone and gets its own answer or error;
/// except when the database is unavailable (<see cref="OutcomeStoreUnavailableException"/>, the retry deadline
/// spent), which every member gets at once rather than waiting out a deadline of its own.</item>
/// <item>Cancellation: a queued caller that cancels leaves the queue (nothing written) and gets
/// <see cref="OperationCanceledException"/>. Once its batch is under way, the batch runs on (with no token,
/// so one caller cannot cancel the others' statement); the cancelled caller still gets
/// <see cref="OperationCanceledException"/> at once, and its row may have been written, as when a call of its
/// own is cancelled mid-statement: every write is idempotent, so a retry finds it done.</item>
/// </list>
/// </summary>
internal sealed class Coalescer<TItem, TResult>
    where TResult : class
{
    private readonly object sync = new();
    private readonly List<Waiter> queue = [];
    private readonly int maxBatch;
    private readonly Func<TItem, string> key;
    private readonly Func<TItem, TItem, bool> compatible;
    private readonly Func<TItem, CancellationToken, Task<TResult>> alone;
    private readonly Func<IReadOnlyList<TItem>, CancellationToken, Task<IReadOnlyList<TResult?>>> together;
    private readonly bool enabled;
    private bool inFlight;
    private int largestBatch;
    private int batches;

    public Coalescer(
        int maxBatch,
        Func<TItem, string> key,
        Func<TItem, TItem, bool> compatible,
        Func<TItem, CancellationToken, Task<TResult>> alone,
        Func<IReadOnlyList<TItem>, CancellationToken, Task<IReadOnlyList<TResult?>>> together,
        bool enabled = true)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        this.enabled = enabled;
        this.maxBatch = maxBatch;
        this.key = key;
        this.compatible = compatible;
        this.alone = alone;
        this.together = together;
    }

    /// <summary>Callers waiting for the next batch (tests wait for a number of them, then let the leader go).</summary>
    internal int Queued
    {
        get
        {
            lock (sync)
            {
                return queue.Count(w => !w.Task.IsCompleted);
            }
        }
    }

    /// <summary>The largest batch that went together so far.</summary>
    internal int LargestBatch => Volatile.Read(ref largestBatch);

    /// <summary>How many batches of two or more went together.</summary>
    internal int Batches => Volatile.Read(ref batches);

    /// <summary>Tests only: awaited by a call that goes alone as leader before it runs, holding the lane in flight.</summary>
    internal Func<Task>? BeforeLeader { get; set; }

    public Task<TResult> RunAsync(TItem item, CancellationToken cancellationToken)
    {
        if (!enabled)
        {
            // Group commit off (OutcomeStore:GroupCommit=false): every call alone and at once, none queued.
            return alone(item, cancellationToken);
        }

        lock (sync)
        {
            if (inFlight)
            {
                var waiter = new Waiter(item, cancellationToken);
                queue.Add(waiter);
                return waiter.Task;
            }

            inFlight = true;
        }

        return LeadAsync(item, cancellationToken);
    }

    private async Task<TResult> LeadAsync(TItem item, CancellationToken cancellationToken)
    {
        try
        {
            if (BeforeLeader is { } hold)
            {
                await hold().ConfigureAwait(false);
            }

            return await alone(item, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Next();
        }
    }

    // Starts the next batch from the queue, or marks the lane idle. The batch starts on this thread (no hop to
    // another: that only costs CPU), and the caller that just finished gets its answer once the next statement
    // is sent, not when it is answered.
    private void Next()
    {
        List<Waiter> batch;
        lock (sync)
        {
            batch = Take();
            if (batch.Count == 0)
            {
                inFlight = false;
                return;
            }
        }

        _ = RunBatchAsync(batch);
    }

    private List<Waiter> Take()
    {
        queue.RemoveAll(w => w.Task.IsCompleted);
        var batch = new List<Waiter>();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < queue.Count && batch.Count < maxBatch; i++)
        {
            var w = queue[i];
            if ((batch.Count == 0 || compatible(batch[0].Item, w.Item)) && keys.Add(key(w.Item)))
            {
                batch.Add(w);
            }
        }

        queue.RemoveAll(batch.Contains);
        return batch;
    }

    private async Task RunBatchAsync(List<Waiter> batch)
    {
        try
        {
            if (batch.Count == 1)
            {
                await AloneAsync(batch[0]).ConfigureAwait(false);
                return;
            }

            Interlocked.Increment(ref batches);
            var size = batch.Count;
            for (var seen = Volatile.Read(ref largestBatch); size > seen; seen = Volatile.Read(ref largestBatch))
            {
                if (Interlocked.CompareExchange(ref largestBatch, size, seen) == seen)
                {
                    break;
                }
            }

            batch.Sort((a, b) => string.CompareOrdinal(key(a.Item), key(b.Item)));
            IReadOnlyList<TResult?> results;
            try
            {
                results = await together([.. batch.Select(w => w.Item)], CancellationToken.None).ConfigureAwait(false);
            }
            catch (OutcomeStoreUnavailableException e)
            {
                foreach (var w in batch)
                {
                    w.Fail(e);
                }

                return;
            }
#pragma warning disable CA1031 // any batch error: each member is retried alone and gets its own answer or error
            catch (Exception)
#pragma warning restore CA1031
            {
                // Error isolation: each member alone, with its own answer or error.
                await Task.WhenAll(batch.Select(AloneAsync)).ConfigureAwait(false);
                return;
            }

            var again = new List<Waiter>();
            for (var i = 0; i < batch.Count; i++)
            {
                if (results[i] is { } result)
                {
                    batch[i].Complete(result);
                }
                else
                {
                    again.Add(batch[i]);
                }
            }

            await Task.WhenAll(again.Select(AloneAsync)).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // no waiter may be left waiting, whatever went wrong
        catch (Exception e)
#pragma warning restore CA1031
        {
            // Not expected (AloneAsync catches its own): no member is left waiting whatever happened.
            foreach (var w in batch)
            {
                w.Fail(e);
            }
        }
        finally
        {
            Next();
        }
    }

    private async Task AloneAsync(Waiter w)
    {
        if (w.Task.IsCompleted)
        {
            return;
        }

        try
        {
            w.Complete(await alone(w.Item, w.Token).ConfigureAwait(false));
        }
#pragma warning disable CA1031 // the member's own error, whatever it is, goes to its waiter
        catch (Exception e)
#pragma warning restore CA1031
        {
            w.Fail(e);
        }
    }

    private sealed class Waiter
    {
        private readonly TaskCompletionSource<TResult> done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly CancellationTokenRegistration registration;

        public Waiter(TItem item, CancellationToken token)
        {
            Item = item;
            Token = token;
            registration = token.Register(() => done.TrySetCanceled(token));
        }

        public TItem Item { get; }

        public CancellationToken Token { get; }

        public Task<TResult> Task => done.Task;

        public void Complete(TResult result)
        {
            done.TrySetResult(result);
            registration.Dispose();
        }

        public void Fail(Exception e)
        {
            if (e is OperationCanceledException && Token.IsCancellationRequested)
            {
                done.TrySetCanceled(Token);
            }
            else
            {
                done.TrySetException(e);
            }

            registration.Dispose();
        }
    }
}
