namespace Campaigns.Activities.Tests;

/// <summary>A clock that moves only when told (<see cref="Advance"/>); timers fire when their time is passed.</summary>
internal sealed class ManualTime : TimeProvider
{
    private DateTimeOffset now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private readonly List<(DateTimeOffset Due, TaskCompletionSource Done)> waits = [];

    public override DateTimeOffset GetUtcNow()
    {
        lock (waits)
        {
            return now;
        }
    }

    /// <summary>When the earliest timer is due (null: none waits).</summary>
    public DateTimeOffset? NextDue
    {
        get
        {
            lock (waits)
            {
                return waits.Count == 0 ? null : waits.Min(w => w.Due);
            }
        }
    }

    public void Advance(TimeSpan by)
    {
        List<(DateTimeOffset Due, TaskCompletionSource Done)> due;
        lock (waits)
        {
            now += by;
            due = waits.Where(w => w.Due <= now).ToList();
            waits.RemoveAll(due.Contains);
        }

        foreach (var w in due)
        {
            w.Done.TrySetResult();
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    private sealed class ManualTimer(ManualTime owner, TimerCallback callback, object? state) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            if (dueTime == Timeout.InfiniteTimeSpan)
            {
                return true;
            }

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (owner.waits)
            {
                owner.waits.Add((owner.now + dueTime, done));
            }

            _ = done.Task.ContinueWith(_ => callback(state), TaskScheduler.Default);
            return true;
        }

        public void Dispose()
        {
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
