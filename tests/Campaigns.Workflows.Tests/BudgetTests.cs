using Campaigns.Simulator;
using Campaigns.Storage;
using Campaigns.Workflows.Contract;

namespace Campaigns.Workflows.Tests;

/// <summary>
/// The vendor's per-app limit holds across two worker processes and two campaigns running at once,
/// measured by the simulator (a process of its own) as the worst 1-second window of requests received.
/// </summary>
[Trait("Needs", "Temporal")]
[Trait("Runs", "Alone")] // measures a rate against a limit: tests/run.sh runs it after the rest, alone
[Collection(TemporalTests.Name)]
public sealed class BudgetTests(TemporalServer temporal)
{
    [Fact]
    public async Task TwoWorkersTwoCampaigns_NoApiOverItsBudgetInAnySecond()
    {
        using var simulator = await ExternalSimulator.StartAsync("--Simulator:TimeScale=60");
        var database = await PostgresServer.CreateDatabaseAsync() + ";Maximum Pool Size=30";
        var taskQueue = "tq-" + Guid.NewGuid().ToString("N");
        var config = new Dictionary<string, string?>
        {
            ["Temporal:Address"] = temporal.Address,
            ["Temporal:TaskQueue"] = taskQueue,
            ["TencentCall:SdkAppId"] = "1400000001",
            ["TencentCall:SecretKey"] = "simulator-secret-key",
            ["TencentCall:BaseUrl"] = simulator.BaseUrl.ToString(),
            ["ConnectionStrings:Outcomes"] = database,
            ["Campaigns:Watch:TimeScale"] = "60",
            ["Campaigns:Budget:Workers"] = "2",
            // With the exact start timeline the workers really send their whole share (180/s together, not the
            // ~130/s the old padded gate made), so receipt jitter on this loaded 2-core machine (every process,
            // the simulator included, shares it) pushed 3 requests past 200 once: 0.8 leaves 40 of margin.
            ["Campaigns:Budget:Headroom"] = "0.8",
        };
        using var one = WorkerProcess.Start(config);
        using var two = WorkerProcess.Start(config);
        var campaigns = new CampaignClient(temporal.Client, taskQueue);
        var a = Enumerable.Range(1, 600).Select(i => $"a{i:D4}").ToList();
        var b = Enumerable.Range(1, 600).Select(i => $"b{i:D4}").ToList();

        // Weights 3 and 1: while both wait for the start gate, the first gets three starts for each of the other's.
        var first = await campaigns.StartAsync(new CampaignSpec { CampaignId = CampaignHarness.NewId(), RobotAccount = "robot", Callees = a, RingTimeoutMs = 10_000, Rate = new RateSpec { Weight = 3 } });
        var other = await campaigns.StartAsync(new CampaignSpec { CampaignId = CampaignHarness.NewId(), RobotAccount = "robot2", Callees = b, RingTimeoutMs = 10_000 });
        var results = await Task.WhenAll(first.GetResultAsync(), other.GetResultAsync());

        Assert.All(results, r => Assert.Equal(CampaignStatuses.Completed, r.Status));
        Assert.All(results, r => Assert.Equal(600, r.Finished));
        var rings = await simulator.RingsAsync();
        Assert.All(rings, r => Assert.Equal(1, r.Value));
        var requests = await simulator.RequestsAsync();
        foreach (var (api, stats) in requests.Apis.Where(p => p.Value.Total > 0))
        {
            Console.WriteLine($"two-worker budget: {api} total {stats.Total}, worst 1-s window received {stats.WorstWindowReceived} (limit {stats.Limit}), rate-limited {stats.RateLimited}");
            Assert.Equal(0, stats.RateLimited);
            Assert.True(stats.WorstWindowReceived <= stats.Limit, $"{api}: {stats.WorstWindowReceived} requests in one second, limit {stats.Limit}");
        }

        // The share of starts while both campaigns were dialing (until the heavier one placed its last call).
        var calls = (await simulator.CallsAsync()).OrderBy(c => c.PlacedAt).ToList();
        var heavyDone = calls.Last(c => c.Robot == "robot").PlacedAt;
        var lightStart = calls.First(c => c.Robot == "robot2").PlacedAt;
        var overlap = calls.Where(c => c.PlacedAt >= lightStart && c.PlacedAt <= heavyDone).ToList();
        var heavyShare = overlap.Count(c => c.Robot == "robot") / (double)overlap.Count;
        Console.WriteLine($"two-worker budget: weights 3:1, starts while both dialed {overlap.Count}, heavy share {heavyShare:F2} (weighted ideal 0.75, unweighted 0.50)");
        // Printed only: the weights decide only where the start gate is the bottleneck (WeightedStartsTests),
        // and on 2 busy cores this test's bottleneck may be the CPU.

        // The test must have pushed the start API near its budget, or it proves nothing.
        Assert.True(requests.Apis[ApiNames.StartCallByRobot].WorstWindowReceived >= 120, "the start limit was not approached");
        var store = OutcomeStores.Create(database);
        Assert.Equal("Completed", CampaignStatus(await store.GetCampaignAsync(first.Id["campaign-".Length..])));
        await ((IAsyncDisposable)store).DisposeAsync();
        await PostgresServer.DropDatabaseAsync(database);
    }

    private static string CampaignStatus(Storage.Model.CampaignRow? row) => row?.Status.ToString() ?? "missing";
}
