namespace Campaigns.Testing;

/// <summary>Waits for a condition with a generous bound: a wait, never a timing assertion.</summary>
public static class Eventually
{
    /// <summary>Polls <paramref name="condition"/> every 100 ms; throws <see cref="TimeoutException"/> naming <paramref name="what"/> after <paramref name="seconds"/>.</summary>
    public static async Task TrueAsync(Func<Task<bool>> condition, string what, int seconds = 60)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition().ConfigureAwait(false))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Still not true after {seconds} s: {what}");
            }

            await Task.Delay(100).ConfigureAwait(false);
        }
    }
}
