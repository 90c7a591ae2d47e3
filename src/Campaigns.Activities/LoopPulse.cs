namespace Campaigns.Activities;

/// <summary>
/// When one of the worker's long-lived loops (the call watcher's pump, the record harvester) last went round. A
/// batch heartbeats only while the loops it waits on are going round (<see cref="Batches.BatchRunner"/>): a loop
/// that hangs then shows as a batch heartbeat timeout in Temporal, and the batch is retried, instead of the batch
/// looking healthy for its whole six-hour start-to-close timeout.
/// </summary>
public sealed class LoopPulse(TimeProvider time)
{
    private long lastTurn = -1;

    /// <summary>The loop went round once.</summary>
    public void Turn() => Interlocked.Exchange(ref lastTurn, time.GetTimestamp());

    /// <summary>True when the loop has started and has not gone round for longer than <paramref name="bound"/>.</summary>
    public bool IsStalled(TimeSpan bound)
    {
        var last = Interlocked.Read(ref lastTurn);
        return last >= 0 && time.GetElapsedTime(last) > bound;
    }
}
