using System.Diagnostics;
using System.Globalization;
using Campaigns.Storage;
using Campaigns.Storage.Model;

namespace Campaigns.Bench;

/// <summary>
/// The store's share of one call, one call at a time: intent, claim, dialed, outcome, settled — five
/// transactions, the path a dial activity takes per attempt. The bar: 5 x the vendor's 200 calls/s.
/// </summary>
internal static class PerCallBench
{
    public static async Task RunAsync(IOutcomeStore store, int concurrency, int calls)
    {
        var campaign = $"per-call-{concurrency}";
        await store.RegisterCampaignAsync(campaign, "campaign-" + campaign, "{}");
        await store.AddTargetsAsync(campaign, [.. Enumerable.Range(0, calls + 100).Select(i => (IReadOnlyList<string>)[$"p{concurrency}-{i}"])]);

        // Warm-up (JIT, pool), then the measured calls.
        var next = 0;
        await CallsAsync(store, campaign, concurrency, () => Interlocked.Increment(ref next) is var seq && seq <= 100 ? seq : 0);
        var watch = Stopwatch.StartNew();
        await CallsAsync(store, campaign, concurrency, () => Interlocked.Increment(ref next) is var seq && seq <= calls + 100 ? seq : 0);
        var rate = calls / watch.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  per-call path (intent, claim, dialed, outcome, settled), concurrency {concurrency}: {calls} calls in {watch.Elapsed.TotalSeconds:F2} s = {rate:F0} calls/s = {rate / 200:F1} x the vendor's 200/s"));
    }

    private static Task CallsAsync(IOutcomeStore store, string campaign, int concurrency, Func<int> take) =>
        Task.WhenAll(Enumerable.Range(0, concurrency).Select(worker => Task.Run(async () =>
        {
            for (var seq = take(); seq > 0; seq = take())
            {
                var intent = await store.RecordIntentAsync(campaign, seq, 1);
                var claim = await store.ClaimDialAsync(intent.AttemptKey, "bench-" + worker);
                var callee = $"p{concurrency}-{seq - 1}";
                var dialed = await store.MarkDialedAsync(claim.Attempt.AttemptKey, $"call-{campaign}-{seq}", new Dictionary<string, long> { [callee] = 0 });
                await store.UpsertOutcomesAsync(
                [
                    new Outcome
                    {
                        AttemptKey = dialed.AttemptKey, Callee = callee, CampaignId = campaign, CallId = dialed.CallId, Result = "NormalEnd",
                        RawResult = "NormalEnd", StartTime = DateTimeOffset.UtcNow, EndTime = DateTimeOffset.UtcNow, RawRecord = """{"CallResult":"NormalEnd"}""",
                    },
                ]);
                await store.MarkSettledAsync(dialed.AttemptKey);
            }
        })));
}
