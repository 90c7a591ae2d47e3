using System.Diagnostics;
using System.Globalization;
using Campaigns.Storage;
using Campaigns.Storage.Model;

namespace Campaigns.Bench;

/// <summary>
/// The store's share of one call: intent, claim, dialed, outcomes with the settle (SettleAsync). Two shapes:
/// the single-attempt path (every step for one attempt at a time, the intent included) and the dialer's
/// path (what BatchRunner does: the intents of a batch of 100 in one call, then per attempt claim, dialed,
/// settle). Concurrency N is N such workers (N batches) at once. The bar: 5 x the
/// vendor's 200 calls/s. Besides calls/s it prints round trips and CPU per call, which a shared machine
/// disturbs less than wall time.
/// </summary>
internal static class PerCallBench
{
    private const int DialerBatch = 100;

    public static async Task RunAsync(IOutcomeStore store, string shape, int concurrency, int calls)
    {
        var batch = shape == "dialer" ? DialerBatch : 1;
        var campaign = $"per-call-{shape}-{concurrency}";
        const int warmUp = 200;
        await store.RegisterCampaignAsync(campaign, "campaign-" + campaign, "{}");
        await store.AddTargetsAsync(campaign, [.. Enumerable.Range(0, calls + warmUp).Select(i => (IReadOnlyList<string>)[$"{campaign}-{i}"])]);

        // Warm-up (JIT, pool, prepared statements), counting round trips; then the measured calls.
        var next = 0;
        double trips;
        using (var counting = new CostMeter(countRoundTrips: true))
        {
            await CallsAsync(store, campaign, concurrency, batch, () => Take(ref next, batch, warmUp));
            trips = counting.RoundTrips / (double)warmUp;
        }

        using var cost = new CostMeter(countRoundTrips: false, postgres: store.GetType().Name.StartsWith("Postgres", StringComparison.Ordinal));
        var watch = Stopwatch.StartNew();
        await CallsAsync(store, campaign, concurrency, batch, () => Take(ref next, batch, warmUp + calls));
        var rate = calls / watch.Elapsed.TotalSeconds;
        var what = batch == 1 ? "single-attempt path" : $"dialer path (intents by {DialerBatch})";
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"  per-call, {what}, concurrency {concurrency}: {calls} calls in {watch.Elapsed.TotalSeconds:F2} s = {rate:F0} calls/s = {rate / 200:F1} x the vendor's 200/s"));
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"      {(trips > 0 ? $"{trips:F2} round trips per call; " : string.Empty)}{cost.CpuPerCall(calls)}"));
    }

    // The next batch of target numbers (1-based), up to `end`; empty when done.
    private static int[] Take(ref int next, int batch, int end)
    {
        var last = Interlocked.Add(ref next, batch);
        var first = last - batch + 1;
        return first > end ? [] : [.. Enumerable.Range(first, Math.Min(last, end) - first + 1)];
    }

    private static Task CallsAsync(IOutcomeStore store, string campaign, int concurrency, int batch, Func<int[]> take) =>
        Task.WhenAll(Enumerable.Range(0, concurrency).Select(worker => Task.Run(async () =>
        {
            var token = "bench-" + worker;
            for (var seqs = take(); seqs.Length > 0; seqs = take())
            {
                var intents = batch == 1
                    ? [await store.RecordIntentAsync(campaign, seqs[0], 1)]
                    : await store.RecordIntentsAsync(campaign, [.. seqs.Select(s => (s, 1))]);
                foreach (var intent in intents)
                {
                    var claim = await store.ClaimDialAsync(intent.AttemptKey, token);
                    var callee = $"{campaign}-{intent.TargetSeq - 1}";
                    var dialed = await store.MarkDialedAsync(claim.Attempt.AttemptKey, $"call-{campaign}-{intent.TargetSeq}", new Dictionary<string, long> { [callee] = 0 });
                    Outcome[] outcomes =
                    [
                        new Outcome
                        {
                            AttemptKey = dialed.AttemptKey, Callee = callee, CampaignId = campaign, CallId = dialed.CallId, Result = "NormalEnd",
                            RawResult = "NormalEnd", StartTime = DateTimeOffset.UtcNow, EndTime = DateTimeOffset.UtcNow, RawRecord = """{"CallResult":"NormalEnd"}""",
                        },
                    ];
                    await store.SettleAsync(dialed.AttemptKey, outcomes);
                }
            }
        })));
}
