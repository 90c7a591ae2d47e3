namespace Campaigns.Activities.Budget;

/// <summary>
/// Lets at most <c>limit</c> requests through in any 1-second window, however aligned, measured when the
/// caller is about to send (not when a token was granted): under CPU pressure the continuations of many
/// waiters that were granted tokens over a second and a half can all resume in one second, and a token
/// bucket would then let them through together. Requests are also spaced 1/limit s apart: a burst at start
/// (when new connections are still being opened) would reach the vendor late and land in the next second.
/// One waiter at a time passes the turnstile. No timer: an idle gate costs nothing but its memory.
/// <para>
/// The limit may change at run time (<see cref="Configure"/>, the fleet's share): the window keeps what was
/// already sent, so a smaller limit lets nothing through until the trailing second holds fewer than the new
/// limit, and no second ever holds more than the larger of the two. The gate is open only from
/// <c>openFrom</c> until <c>openUntil</c> (a fleet member not yet admitted, or whose registration may have
/// expired, sends nothing); a limit of 0 closes it.
/// </para>
/// </summary>
public sealed class SlidingWindowGate : IDisposable
{
    /// <summary>The window every limit is counted over.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(1);

    private readonly TimeProvider time;
    private readonly Queue<DateTimeOffset> sent = new();
    private readonly SemaphoreSlim turnstile = new(1, 1);
    private readonly Lock state = new();
    private TaskCompletionSource changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int limit;
    private DateTimeOffset openFrom = DateTimeOffset.MinValue;
    private DateTimeOffset openUntil = DateTimeOffset.MaxValue;
    private DateTimeOffset last = DateTimeOffset.MinValue;

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

    /// <summary>
    /// Lets <paramref name="perSecond"/> requests a second through from <paramref name="from"/> until
    /// <paramref name="until"/> (0: closed); waiters see the change at once.
    /// </summary>
    public void Configure(int perSecond, DateTimeOffset from, DateTimeOffset until)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(perSecond);
        TaskCompletionSource wake;
        lock (state)
        {
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

    /// <summary>Waits until the gate is open and one more request fits in the trailing second, and counts it as sent now.</summary>
    public Task PassAsync(CancellationToken cancellationToken) => PassAsync(null, cancellationToken);

    /// <summary>
    /// Waits until one more request fits here, then for <paramref name="then"/> (the gates behind this one),
    /// and counts the request when <paramref name="then"/> lets it through: a gate in front of a shared one
    /// counts its requests when they are really sent, not when they joined the shared gate's queue (where
    /// several could wait and then leave together).
    /// </summary>
    public async Task PassAsync(Func<CancellationToken, Task>? then, CancellationToken cancellationToken)
    {
        await turnstile.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while (true)
            {
                Task configured;
                TimeSpan? wait;
                lock (state)
                {
                    configured = changed.Task;
                    wait = WaitAtLocked(time.GetUtcNow());
                }

                if (wait is null)
                {
                    await configured.WaitAsync(cancellationToken).ConfigureAwait(false); // closed until reconfigured
                    continue;
                }

                if (wait <= TimeSpan.Zero)
                {
                    break;
                }

                await Task.WhenAny(Task.Delay(wait.Value + TimeSpan.FromMilliseconds(1), time, cancellationToken), configured).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
            }

            // The spacing counts from here (when this gate let the request on), the window from the send: a
            // request that then waits in a shared gate behind other campaigns' does not also delay the next
            // one by its whole wait, and no window of this gate ever holds more than the limit of sends.
            lock (state)
            {
                last = time.GetUtcNow();
            }

            if (then is not null)
            {
                // Time only moves on while this waits, and nobody else passes here meanwhile: it still fits.
                await then(cancellationToken).ConfigureAwait(false);
            }

            lock (state)
            {
                sent.Enqueue(time.GetUtcNow());
            }
        }
        finally
        {
            turnstile.Release();
        }
    }

    /// <summary>
    /// How long from now until one more request would fit (zero: it fits now), ignoring waiters; a closed
    /// gate answers one window (ask again then).
    /// </summary>
    public TimeSpan WaitNow()
    {
        lock (state)
        {
            return WaitAtLocked(time.GetUtcNow()) ?? Window;
        }
    }

    /// <inheritdoc />
    public void Dispose() => turnstile.Dispose();

    // Null: closed (until reconfigured). Otherwise the wait until the gate opens, the spacing has passed and
    // the trailing second holds fewer requests than the limit (after a shrink it may hold more: wait for the
    // oldest to leave, then look again).
    private TimeSpan? WaitAtLocked(DateTimeOffset now)
    {
        while (sent.Count > 0 && now - sent.Peek() >= Window)
        {
            sent.Dequeue();
        }

        if (limit < 1 || now >= openUntil)
        {
            return null;
        }

        if (now < openFrom)
        {
            return openFrom - now;
        }

        var spacedUntil = last == DateTimeOffset.MinValue ? now : last + (Window / limit);
        var windowUntil = sent.Count < limit ? now : sent.Peek() + Window;
        var until = windowUntil > spacedUntil ? windowUntil : spacedUntil;
        return until > now ? until - now : TimeSpan.Zero;
    }
}
