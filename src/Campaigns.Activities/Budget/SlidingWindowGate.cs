namespace Campaigns.Activities.Budget;

/// <summary>
/// Lets requests through at <c>limit</c> a second on a running timeline, and never more than <c>limit</c> in
/// any 1-second window, however aligned, counted when the request is let through to be sent (not when it
/// started waiting): under CPU pressure the continuations of many waiters can all resume in one second, and a
/// token bucket would then let them through together.
/// <para>
/// The timeline: each pass takes the next slot, <c>slot = max(next, arrival)</c>, and moves <c>next</c> on by
/// exactly 1/limit s from that slot (not from the moment the request really passed, and with no padding):
/// requests are spaced 1/limit s apart when on time (a burst at start, when new connections are still being
/// opened, would reach the vendor late and land in the next second), and a waiter whose wake was late (timer
/// lateness, a thread-pool hop, a stall) does not push the later slots back: the requests that were already
/// waiting then pass at once until the timeline has caught up, so the average rate is the limit; at most
/// <see cref="MaxLag"/> is caught up (a longer stall loses its slots instead of bursting). That
/// catch-up is capped by the sliding window (the <c>sent</c> times): a second never holds more than the
/// limit. A request held by the window more than <see cref="Slack"/> past its slot moves the timeline to
/// where the window let it through (less the slack): otherwise the catch-up burst after a long stall would
/// come back every second, as the window replays the previous second. The slot of a request never lies
/// before it arrived, before the gate opened or before its limit last changed: an idle or closed gate owes
/// nothing.
/// </para>
/// <para>
/// The timeline is kept by one waiter at a time, first come first served (the turnstile): it waits for its
/// slot (re-checking a timer that fired early, waking at the next whole millisecond, never padding) and for
/// the window, and leaves. No timer otherwise: an idle gate costs nothing but its memory.
/// </para>
/// <para>
/// The limit may change at run time (<see cref="Configure"/>, the fleet's share): the window keeps what was
/// already sent, so a smaller limit lets nothing through until the trailing second holds fewer than the new
/// limit, and no second ever holds more than the larger of the two; the timeline restarts from the change
/// (no catch-up across it). The gate is open only from <c>openFrom</c> until <c>openUntil</c> (a fleet member
/// not yet admitted, or whose registration may have expired, sends nothing); a limit of 0 closes it.
/// </para>
/// </summary>
public sealed class SlidingWindowGate : IDisposable
{
    /// <summary>The window every limit is counted over.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How far behind the window may leave the timeline (see the class): a request held by the window longer
    /// than this past its slot restarts the timeline from there, less this.
    /// </summary>
    public static readonly TimeSpan Slack = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// How far behind now a slot may be when its waiter wakes: at most
    /// limit × this requests pass together to catch up (9 at 180/s).
    /// </summary>
    public static readonly TimeSpan MaxLag = TimeSpan.FromMilliseconds(50);

    // A stale pass older than this is assumed to have left the window already (see RecheckAsync).
    private static readonly TimeSpan StaleMargin = TimeSpan.FromMilliseconds(100);

    private readonly TimeProvider time;
    private readonly Queue<DateTimeOffset> sent = new();
    private readonly SemaphoreSlim turnstile = new(1, 1);
    private readonly Lock state = new();
    private TaskCompletionSource changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int limit;
    private DateTimeOffset openFrom = DateTimeOffset.MinValue;
    private DateTimeOffset openUntil = DateTimeOffset.MaxValue;
    private DateTimeOffset last = DateTimeOffset.MinValue;
    private DateTimeOffset lastSlot = DateTimeOffset.MinValue;
    private DateTimeOffset floor = DateTimeOffset.MinValue;
    private int pending;
    private bool wakeOnRelease;

    /// <summary>A gate open for good at <paramref name="limit"/> (1 or more) requests per second.</summary>
    public SlidingWindowGate(int limit, TimeProvider time)
        : this(time) =>
        Configure(limit >= 1 ? limit : throw new ArgumentOutOfRangeException(nameof(limit), "at least 1 request per second"), DateTimeOffset.MinValue, DateTimeOffset.MaxValue);

    /// <summary>A closed gate, opened by <see cref="Configure"/>.</summary>
    public SlidingWindowGate(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        this.time = time;
    }

    /// <summary>The most requests let through in one second right now (0 while closed).</summary>
    public int Limit
    {
        get
        {
            var now = time.GetUtcNow();
            lock (state)
            {
                return now >= openFrom && now < openUntil ? limit : 0;
            }
        }
    }

    /// <summary>When the last request passed (null: none yet).</summary>
    public DateTimeOffset? LastPassed
    {
        get
        {
            lock (state)
            {
                return last == DateTimeOffset.MinValue ? null : last;
            }
        }
    }

    /// <summary>Called (under the gate's lock: keep it short) with each time a request is counted as sent; for tests.</summary>
    internal Action<DateTimeOffset>? OnSent { get; set; }

    /// <summary>
    /// Lets <paramref name="perSecond"/> requests a second through from <paramref name="from"/> until
    /// <paramref name="until"/> (0: closed); waiters see the change at once. A new limit, or opening a gate
    /// that was closed, restarts the timeline now: no slot before the change is owed.
    /// </summary>
    public void Configure(int perSecond, DateTimeOffset from, DateTimeOffset until)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(perSecond);
        TaskCompletionSource wake;
        var now = time.GetUtcNow();
        lock (state)
        {
            if (perSecond != limit || !OpenAtLocked(now))
            {
                floor = now;
            }

            limit = perSecond;
            openFrom = from;
            openUntil = until;
            wake = changed;
            changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        wake.TrySetResult();
    }

    /// <summary>Closes the gate until the next <see cref="Configure"/>.</summary>
    public void Close() => Configure(0, DateTimeOffset.MinValue, DateTimeOffset.MinValue);

    /// <summary>Waits for the next slot of the timeline and for room in the trailing second, and counts the request as sent now.</summary>
    public Task PassAsync(CancellationToken cancellationToken) => PassAsync(null, null, cancellationToken);

    /// <summary>
    /// Waits for the next slot here, then for <paramref name="then"/> (the gates behind this one), and counts
    /// the request when <paramref name="then"/> lets it through: a gate in front of a shared one counts its
    /// requests when they are really sent, not when they joined the shared gate's queue (where several could
    /// wait and then leave together). Nobody else passes here while <paramref name="then"/> runs (one request
    /// of this gate at a time in the gates behind), and its room in the window is kept for it meanwhile.
    /// </summary>
    public Task PassAsync(Func<CancellationToken, Task>? then, CancellationToken cancellationToken) => PassAsync(null, then, cancellationToken);

    /// <summary>
    /// <see cref="PassAsync(Func{CancellationToken, Task}?, CancellationToken)"/> for a request that has been
    /// ready since <paramref name="ready"/> (null: now) while waiting elsewhere first (a weighted turn): its
    /// slot may be as early as that, so a late turn is caught up like a late wake here.
    /// </summary>
    internal async Task PassAsync(DateTimeOffset? ready, Func<CancellationToken, Task>? then, CancellationToken cancellationToken)
    {
        var arrived = ready ?? time.GetUtcNow();
        await turnstile.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var heldUntil = DateTimeOffset.MinValue; // when the window last said it would have room
            DateTimeOffset passedAt, previousSlot, previousLast;
            while (true)
            {
                Task configured;
                TimeSpan? wait;
                lock (state)
                {
                    configured = changed.Task;
                    var now = time.GetUtcNow();
                    wait = WaitAtLocked(now, arrived, out var slot, out var windowFrom);
                    if (wait == TimeSpan.Zero)
                    {
                        previousSlot = lastSlot;
                        previousLast = last;
                        lastSlot = heldUntil > slot + Slack ? heldUntil - Slack : slot;
                        last = now;
                        passedAt = now;
                        if (then is null)
                        {
                            SentLocked(now);
                        }
                        else
                        {
                            pending++; // its room in the window, until then lets it through
                        }

                        break;
                    }

                    if (wait is not null && windowFrom > slot)
                    {
                        heldUntil = windowFrom;
                    }
                }

                if (wait is null)
                {
                    await configured.WaitAsync(cancellationToken).ConfigureAwait(false); // closed, or full of requests not sent yet
                    continue;
                }

                // A timer may fire a little early: the loop looks again and waits the rest.
                await Task.WhenAny(Task.Delay(WholeMilliseconds(wait.Value), time, cancellationToken), configured).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
            }

            if (then is not null)
            {
                await ThenAsync(then, passedAt, previousSlot, previousLast, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            turnstile.Release();
        }
    }

    /// <summary>
    /// Re-counts a request that passed here at <paramref name="stalePass"/> but was not sent then: waits until
    /// the gate is open and the trailing second has room (no slot of the timeline is taken, nobody's turn is
    /// waited for), then for <paramref name="then"/> (the gates behind), and counts it as sent now. The stale
    /// pass is taken out of the window first, as nothing was sent at it, when it is surely still in it (less
    /// than the window, less a margin, ago; null: unknown, it stays counted: the window then holds one request
    /// more than was sent, never fewer).
    /// </summary>
    internal async Task RecheckAsync(DateTimeOffset? stalePass, Func<CancellationToken, Task>? then, CancellationToken cancellationToken)
    {
        lock (state)
        {
            var now = time.GetUtcNow();
            Prune(now);

            // Any counted time at or before the stale one leaves the trailing window no later than it would: taking
            // out the oldest instead of the very one never counts fewer than were sent.
            if (stalePass is { } stale && now - stale < Window - StaleMargin && sent.Count > 0 && sent.Peek() <= stale)
            {
                sent.Dequeue();
            }
        }

        while (true)
        {
            Task configured;
            TimeSpan? wait;
            lock (state)
            {
                configured = changed.Task;
                var now = time.GetUtcNow();
                wait = WindowWaitLocked(now, out _);
                if (wait == TimeSpan.Zero)
                {
                    if (then is null)
                    {
                        SentLocked(now);
                        return;
                    }

                    pending++;
                    break;
                }
            }

            if (wait is null)
            {
                await configured.WaitAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }

            await Task.WhenAny(Task.Delay(WholeMilliseconds(wait.Value), time, cancellationToken), configured).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }

        await ThenAsync(then, null, default, default, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// How long from now until one more request would fit (zero: it fits now), ignoring waiters: the next slot
    /// of the timeline and room in the trailing second; a closed gate answers one window (ask again then).
    /// </summary>
    public TimeSpan WaitNow()
    {
        lock (state)
        {
            var now = time.GetUtcNow();
            return WaitAtLocked(now, now, out _, out _) ?? Window;
        }
    }

    /// <inheritdoc />
    public void Dispose() => turnstile.Dispose();

    // Timers count whole milliseconds (a fraction would be dropped, and a wait under 1 ms would spin): round up.
    // Not a padding: the timeline counts from the slot, not from the wake.
    private static TimeSpan WholeMilliseconds(TimeSpan wait) => TimeSpan.FromMilliseconds(Math.Ceiling(wait.TotalMilliseconds));

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    // Runs the gates behind with this request's room in the window kept, and counts it when they let it
    // through; if they throw (cancelled), nothing was sent: the room, and the slot of a pass, are given back.
    private async Task ThenAsync(Func<CancellationToken, Task> then, DateTimeOffset? passedAt, DateTimeOffset previousSlot, DateTimeOffset previousLast, CancellationToken cancellationToken)
    {
        TaskCompletionSource? wake = null;
        try
        {
            await then(cancellationToken).ConfigureAwait(false);
            lock (state)
            {
                pending--;
                SentLocked(time.GetUtcNow());
                wake = WakeOnReleaseLocked();
            }
        }
        catch
        {
            lock (state)
            {
                pending--;
                if (passedAt is { } at && last == at)
                {
                    // Still under the turnstile: nobody else moved the timeline meanwhile.
                    lastSlot = previousSlot;
                    last = previousLast;
                }

                wake = WakeOnReleaseLocked();
            }

            throw;
        }
        finally
        {
            wake?.TrySetResult();
        }
    }

    private void SentLocked(DateTimeOffset now)
    {
        sent.Enqueue(now);
        OnSent?.Invoke(now);
    }

    private TaskCompletionSource? WakeOnReleaseLocked()
    {
        if (!wakeOnRelease)
        {
            return null;
        }

        wakeOnRelease = false;
        var wake = changed;
        changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        return wake;
    }

    private bool OpenAtLocked(DateTimeOffset now) => limit >= 1 && now >= openFrom && now < openUntil;

    private void Prune(DateTimeOffset now)
    {
        while (sent.Count > 0 && now - sent.Peek() >= Window)
        {
            sent.Dequeue();
        }
    }

    // Null: closed (until reconfigured) or the window is full of requests let through but not sent yet (until
    // one is). Otherwise the wait until the gate opens, the slot of a request that arrived at arrived comes
    // and the trailing second has room; slot and windowFrom tell which of the two it waits for.
    private TimeSpan? WaitAtLocked(DateTimeOffset now, DateTimeOffset arrived, out DateTimeOffset slot, out DateTimeOffset windowFrom)
    {
        slot = now;
        var window = WindowWaitLocked(now, out windowFrom);
        if (window is null || now < openFrom)
        {
            return window;
        }

        slot = Max(Max(arrived, openFrom), floor);
        if (lastSlot != DateTimeOffset.MinValue)
        {
            slot = Max(slot, lastSlot + (Window / limit));
        }

        // Catch up at most MaxLag: timer lateness and thread-pool hops are made good, but after a stall (a GC
        // pause, a frozen process) the slots it skipped are lost rather than sent at once. Requests let through
        // just before such a stall may reach the vendor only after it; a burst on top of them landed 215 starts
        // in one of the vendor's seconds at 180/s (the 20k benchmark), and the vendor refused 15.
        slot = Max(slot, now - MaxLag);

        var until = Max(slot, windowFrom);
        return until > now ? until - now : TimeSpan.Zero;
    }

    // The window alone (and the gate open): null when closed or when only a request not sent yet can make room.
    private TimeSpan? WindowWaitLocked(DateTimeOffset now, out DateTimeOffset windowFrom)
    {
        windowFrom = now;
        Prune(now);
        if (limit < 1 || now >= openUntil)
        {
            return null;
        }

        if (now < openFrom)
        {
            return openFrom - now;
        }

        // After a shrink the window may hold more than the new limit: wait for enough of it to leave.
        var mustLeave = sent.Count + pending - limit + 1;
        if (mustLeave > sent.Count)
        {
            wakeOnRelease = true;
            return null;
        }

        if (mustLeave > 0)
        {
            windowFrom = sent.ElementAt(mustLeave - 1) + Window;
        }

        return windowFrom > now ? windowFrom - now : TimeSpan.Zero;
    }
}
