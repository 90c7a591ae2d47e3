namespace Campaigns.Activities.Budget;

/// <summary>
/// Lets at most <see cref="Limit"/> requests through in any 1-second window, however aligned, measured when the
/// caller is about to send (not when a token was granted): under CPU pressure the continuations of many
/// waiters that were granted tokens over a second and a half can all resume in one second, and a token
/// bucket would then let them through together. Requests are also spaced 1/limit s apart: a burst at start
/// (when new connections are still being opened) would reach the vendor late and land in the next second.
/// One waiter at a time passes the turnstile.
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
    private readonly Lock sync = new();
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
            lock (sync)
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
            lock (sync)
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
        lock (sync)
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
    public async Task PassAsync(CancellationToken cancellationToken)
    {
        await turnstile.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while (true)
            {
                var now = time.GetUtcNow();
                int perSecond;
                DateTimeOffset from, until;
                Task configured;
                lock (sync)
                {
                    (perSecond, from, until, configured) = (limit, openFrom, openUntil, changed.Task);
                }

                while (sent.Count > 0 && now - sent.Peek() >= Window)
                {
                    sent.Dequeue();
                }

                if (perSecond < 1 || now >= until)
                {
                    await configured.WaitAsync(cancellationToken).ConfigureAwait(false); // closed until reconfigured
                    continue;
                }

                var spacedUntil = last + (Window / perSecond);
                if (now >= from && sent.Count < perSecond && now >= spacedUntil)
                {
                    sent.Enqueue(now);
                    lock (sync)
                    {
                        last = now;
                    }

                    return;
                }

                var next = now < from ? from : sent.Count < perSecond ? spacedUntil : sent.Peek() + Window;
                await Task.WhenAny(Task.Delay(next - now + TimeSpan.FromMilliseconds(1), time, cancellationToken), configured).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
        finally
        {
            turnstile.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose() => turnstile.Dispose();
}
