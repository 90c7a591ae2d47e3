namespace Campaigns.Activities.Budget;

/// <summary>
/// Lets at most <c>limit</c> requests through in any 1-second window, however aligned, measured when the
/// caller is about to send (not when a token was granted): under CPU pressure the continuations of many
/// waiters that were granted tokens over a second and a half can all resume in one second, and a token
/// bucket would then let them through together. Requests are also spaced 1/limit s apart: a burst at start
/// (when new connections are still being opened) would reach the vendor late and land in the next second.
/// One waiter at a time passes the turnstile. No timer: an idle gate costs nothing but its memory.
/// </summary>
public sealed class SlidingWindowGate(int limit, TimeProvider time) : IDisposable
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(1);
    private readonly Queue<DateTimeOffset> sent = new();
    private readonly SemaphoreSlim turnstile = new(1, 1);
    private readonly Lock state = new();
    private DateTimeOffset last = DateTimeOffset.MinValue;

    /// <summary>The most requests let through in one second.</summary>
    public int Limit { get; } = limit >= 1 ? limit : throw new ArgumentOutOfRangeException(nameof(limit), "at least 1 request per second");

    /// <summary>Waits until one more request fits in the trailing second, and counts it as sent now.</summary>
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
            while (WaitAt(time.GetUtcNow()) is var wait && wait > TimeSpan.Zero)
            {
                await Task.Delay(wait + TimeSpan.FromMilliseconds(1), time, cancellationToken).ConfigureAwait(false);
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

    /// <summary>How long from now until one more request would fit (zero: it fits now), ignoring waiters.</summary>
    public TimeSpan WaitNow() => WaitAt(time.GetUtcNow());

    /// <inheritdoc />
    public void Dispose() => turnstile.Dispose();

    private TimeSpan WaitAt(DateTimeOffset now)
    {
        lock (state)
        {
            while (sent.Count > 0 && now - sent.Peek() >= Window)
            {
                sent.Dequeue();
            }

            var spacedUntil = last == DateTimeOffset.MinValue ? now : last + (Window / Limit);
            var windowUntil = sent.Count < Limit ? now : sent.Peek() + Window;
            var until = windowUntil > spacedUntil ? windowUntil : spacedUntil;
            return until > now ? until - now : TimeSpan.Zero;
        }
    }
}
