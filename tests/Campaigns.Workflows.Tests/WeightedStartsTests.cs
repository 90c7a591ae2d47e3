using Campaigns.Workflows.Contract;

namespace Campaigns.Workflows.Tests;

/// <summary>
/// Two campaigns at once share the start limit by their weights when the start limit is what limits them (a
/// low start limit here makes sure it is, whatever the machine's load); a lone campaign gets all of it.
/// </summary>
[Trait("Needs", "Temporal")]
[Trait("Runs", "Alone")] // measures a rate against a limit: tests/run.sh runs it after the rest, alone
[Collection(TemporalTests.Name)]
public sealed class WeightedStartsTests(TemporalServer temporal)
{
    [Fact]
    public async Task TwoCampaigns_Weights3And1_ShareTheStartsThreeToOne()
    {
        await using var h = await CampaignHarness.StartAsync(temporal, config: new Dictionary<string, string?>
        {
            ["Campaigns:Budget:StartCallsPerSecond"] = "40", // 36/s with the headroom: the gate is the bottleneck
        });
        var heavy = Enumerable.Range(1, 240).Select(i => $"w3-{i:D3}").ToList();
        var light = Enumerable.Range(1, 240).Select(i => $"w1-{i:D3}").ToList();

        var first = await h.Campaigns.StartAsync(new CampaignSpec { CampaignId = CampaignHarness.NewId(), RobotAccount = "heavy", Callees = heavy, Rate = new RateSpec { Weight = 3 } });
        var second = await h.Campaigns.StartAsync(new CampaignSpec { CampaignId = CampaignHarness.NewId(), RobotAccount = "light", Callees = light });
        var results = await Task.WhenAll(first.GetResultAsync(), second.GetResultAsync());

        Assert.All(results, r => Assert.Equal(CampaignStatuses.Completed, r.Status));
        var calls = (await h.Simulator.CallsAsync()).OrderBy(c => c.PlacedAt).ToList();
        var from = calls.First(c => c.Robot == "light").PlacedAt;
        var until = calls.Last(c => c.Robot == "heavy").PlacedAt;
        var both = calls.Where(c => c.PlacedAt >= from && c.PlacedAt <= until).ToList();
        var share = both.Count(c => c.Robot == "heavy") / (double)both.Count;
        Console.WriteLine($"weighted starts: {both.Count} starts while both dialed, weight-3 share {share:F2} (ideal 0.75, unweighted 0.50)");
        Assert.InRange(share, 0.65, 0.85);

        // Once the heavy one is done, the light one has the whole budget to itself.
        var after = calls.Where(c => c.PlacedAt > until).ToList();
        Assert.All(after, c => Assert.Equal("light", c.Robot));
    }
}
