using Campaigns.Simulator;
using Campaigns.Storage.Model;
using Campaigns.Workflows.Contract;

namespace Campaigns.Workflows.Tests;

/// <summary>
/// A worker stopped gracefully while its starts are refused with 101001 (nothing placed, the claims held in
/// the backoff): the claims go back, and the next worker rings every callee once.
/// </summary>
[Trait("Needs", "Temporal")]
[Collection(TemporalTests.Name)]
public sealed class WorkerStopTests(TemporalServer temporal)
{
    private static readonly Dictionary<string, string?> QuickWorker = new()
    {
        ["Campaigns:Watch:FirstPollSeconds"] = "1",
        ["Campaigns:Watch:RecordDelaySeconds"] = "1",
        ["Campaigns:Watch:RecordMaxWaitSeconds"] = "30",
        ["Campaigns:Watch:ReconcileWindowSeconds"] = "60",
    };

    [Fact]
    public async Task WorkerStoppedDuring101001Backoff_ClaimsGivenBack_NextWorkerRingsEveryCalleeOnce()
    {
        await using var h = await CampaignHarness.StartAsync(temporal, CampaignFaultTests.QuickCalls, timeScale: 1, config: QuickWorker);
        // Every start is refused with 101001 (the vendor placed nothing) until the faults are cleared.
        await h.Simulator.SetFaultsAsync(new FaultRates { Error101001Rate = 1, Apis = [ApiNames.StartCallByRobot] });
        var id = CampaignHarness.NewId();
        var callees = Enumerable.Range(1, 6).Select(i => $"stop{i}").ToList();
        var handle = await h.Campaigns.StartAsync(new CampaignSpec { CampaignId = id, RobotAccount = "robot", Callees = callees, RingTimeoutMs = 10_000 });

        // Each attempt claimed (Dialing) and refused at least twice: the batch is backing off with its claims.
        await Eventually.TrueAsync(
            async () => (await h.Store.GetAttemptsAsync(id, AttemptState.Dialing)).Count == callees.Count
                && await StartsAsync(h) >= 2 * callees.Count,
            "every attempt claimed and refused twice",
            60);
        await h.StopWorkerAsync(); // graceful: the worker's shutdown reaches the batch during its backoff

        var refused = await StartsAsync(h);
        Assert.Empty(await h.Store.GetAttemptsAsync(id, AttemptState.Failed));
        Assert.Empty(await h.Store.GetAttemptsAsync(id, AttemptState.Dialing));
        Assert.Equal(callees.Count, (await h.Store.GetAttemptsAsync(id, AttemptState.Intended)).Count);
        Assert.Empty(await h.Simulator.CallsAsync());

        await h.Simulator.SetFaultsAsync(new FaultRates());
        await h.StartWorkerAsync(); // the second worker runs the batch's retry
        var result = await handle.GetResultAsync();

        Assert.Equal((CampaignStatuses.Completed, callees.Count, 0L), (result.Status, (int)result.Finished, result.Unresolved));
        Assert.False(result.ByResult.ContainsKey(Results.NotPlaced), "a callee was recorded as not placed");
        var outcomes = await RingAssertions.EachRungOnceWithOneOutcomeAsync(h, id, callees);
        var rings = await h.Simulator.RingsAsync();
        Assert.All(callees, c => Assert.Equal(1, rings.GetValueOrDefault(c)));
        Assert.Equal(callees.Count, outcomes.Count);
        Console.WriteLine($"worker stop test: starts refused before the stop {refused}, rings {rings.Values.Sum()}, outcomes {outcomes.Count}");
    }

    private static async Task<long> StartsAsync(CampaignHarness h) =>
        (await h.Simulator.RequestsAsync()).Apis.TryGetValue(ApiNames.StartCallByRobot, out var starts) ? starts.Total : 0;
}
