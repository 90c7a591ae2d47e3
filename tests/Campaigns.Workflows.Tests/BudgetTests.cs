using Campaigns.Simulator;
using Campaigns.Workflows.Contract;

namespace Campaigns.Workflows.Tests;

/// <summary>The vendor's per-app budget holds across two workers and two campaigns running at once.</summary>
[Collection(TemporalTests.Name)]
public sealed class BudgetTests(TemporalServer temporal)
{
    [Fact]
    public async Task TwoWorkersTwoCampaigns_NoApiOverItsBudgetInAnySecond()
    {
        await using var h = await CampaignHarness.StartAsync(temporal, config: new Dictionary<string, string?>
        {
            ["Campaigns:Budget:Workers"] = "2",
        });
        using var second = await h.StartExtraWorkerAsync();
        var a = Enumerable.Range(1, 600).Select(i => $"a{i:D4}").ToList();
        var b = Enumerable.Range(1, 600).Select(i => $"b{i:D4}").ToList();
        var idA = CampaignHarness.NewId();
        var idB = CampaignHarness.NewId();

        var first = await h.Campaigns.StartAsync(new CampaignSpec { CampaignId = idA, RobotAccount = "robot", Callees = a, RingTimeoutMs = 10_000 });
        var other = await h.Campaigns.StartAsync(new CampaignSpec { CampaignId = idB, RobotAccount = "robot2", Callees = b, RingTimeoutMs = 10_000 });
        var results = await Task.WhenAll(first.GetResultAsync(), other.GetResultAsync());
        await second.StopAsync();

        Assert.All(results, r => Assert.Equal(CampaignStatuses.Completed, r.Status));
        await RingAssertions.EachRungOnceWithOneOutcomeAsync(h, idA, a);
        await RingAssertions.EachRungOnceWithOneOutcomeAsync(h, idB, b);
        var requests = await h.Simulator.RequestsAsync();
        foreach (var (api, stats) in requests.Apis.Where(p => p.Value.Total > 0))
        {
            Console.WriteLine($"two-worker budget: {api} total {stats.Total}, worst 1-s window received {stats.WorstWindowReceived} (limit {stats.Limit}), rate-limited {stats.RateLimited}; per second {string.Join(" ", stats.PerSecond.OrderBy(p => p.Key).Select(p => p.Value))}");
            Assert.Equal(0, stats.RateLimited);
            Assert.True(stats.WorstWindowReceived <= stats.Limit, $"{api}: {stats.WorstWindowReceived} requests in one second, limit {stats.Limit}");
        }

        // The test must have pushed the start API near its budget, or it proves nothing.
        Assert.True(requests.Apis[ApiNames.StartCallByRobot].WorstWindowReceived >= 120, "the start budget was not approached");
    }
}
