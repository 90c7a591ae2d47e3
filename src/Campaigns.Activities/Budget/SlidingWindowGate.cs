namespace Campaigns.Activities.Budget;

/// <summary>
/// Lets at most <c>limit</c> requests through in any 1-second window, however aligned, measured when the
/// caller is about to send (not when a token was granted): under CPU pressure the continuations of many
/// waiters that were granted tokens over a second and a half can all resume in one second, and a token
/// bucket would then let them through together. Requests are also spaced 1/limit s apart: a burst at start
/// (when new connections are still being opened) would reach the vendor late and land in the next second.
/// One waiter at a time passes the turnstile.
/// </summary>
public sealed class SlidingWindowGate(int limit, TimeProvider time) : IDisposable
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(1);
    private readonly Queue<DateTimeOffset> sent = new();
    private readonly SemaphoreSlim turnstile = new(1, 1);
    private DateTimeOffset last = DateTimeOffset.MinValue;

    /// <summary>The most requests let through in one second.</summary>
    public int Limit { get; } = limit >= 1 ? limit : throw new ArgumentOutOfRangeException(nameof(limit), "at least 1 request per second");

    /// <summary>Waits until one more request fits in the trailing second, and counts it as sent now.</summary>
    public async Task PassAsync(CancellationToken cancellationToken)
    {
        await turnstile.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while (true)
            {
                var now = time.GetUtcNow();
                while (sent.Count > 0 && now - sent.Peek() >= Window)
                {
                    sent.Dequeue();
                }

                var spacedUntil = last + (Window / Limit);
                if (sent.Count < Limit && now >= spacedUntil)
                {
                    sent.Enqueue(now);
                    last = now;
                    return;
                }

                var until = sent.Count < Limit ? spacedUntil : sent.Peek() + Window;
                await Task.Delay(until - now + TimeSpan.FromMilliseconds(1), time, cancellationToken).ConfigureAwait(false);
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
