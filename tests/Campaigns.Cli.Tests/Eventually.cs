namespace Campaigns.Cli.Tests;

/// <summary>Waits for a condition with a generous bound: a wait, never a timing assertion.</summary>
internal static class Eventually
{
    public static async Task TrueAsync(Func<Task<bool>> condition, string what, int seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Still not true after {seconds} s: {what}");
            }

            await Task.Delay(200);
        }
    }
}
