using Campaigns.Workflows.Contract;
using Campaigns.Workflows.Forecast;

namespace Campaigns.Workflows.Tests;

/// <summary>The <c>forecast</c> query of a running campaign (issue 20 part 4): the CLI's model over what is left.</summary>
[Trait("Needs", "Temporal")]
[Collection(TemporalTestsSecondLane.Name)]
public sealed class ForecastQueryTests(TemporalServer temporal)
{
    [Fact]
    public async Task Forecast_OfARunningCampaign_CoversWhatIsLeft_AtItsPace_AndFollowsSetRate()
    {
        await using var h = await CampaignHarness.StartAsync(temporal);
        var callees = Enumerable.Range(1, 400).Select(i => $"f{i:D3}").ToList();
        // 4 calls/s: 100 s of dialing, so most of it is left when asked.
        var handle = await h.Campaigns.StartAsync(new CampaignSpec
        {
            CampaignId = CampaignHarness.NewId(), RobotAccount = "robot", Callees = callees, RingTimeoutMs = 10_000, Rate = new() { MaxCallsPerSecond = 4 },
        });
        await Eventually.TrueAsync(async () => (await handle.QueryAsync(wf => wf.Progress)).Dispatched > 0, "dispatching");

        var first = await handle.QueryAsync(wf => wf.ForecastLeft());
        var progress = await handle.QueryAsync(wf => wf.Progress);
        Console.WriteLine($"forecast query: {first.Targets} left of 400 at {first.StartsPerSecond:F1}/s, last call in {first.LastCallSeconds:F0} s, ends {first.EndsAt:u} (dispatched {progress.Dispatched})");
        Assert.InRange(first.Targets, 400 - progress.Dispatched - 40, 400 - progress.Dispatched + 40); // batches move while asking
        Assert.Equal(4, first.StartsPerSecond, 3);
        // Dialing what is left at 4/s: targets ÷ 4, within the model's start-up and wake seconds.
        Assert.InRange(first.LastCallSeconds, (first.Targets / 4.0) - 5, (first.Targets / 4.0) + 10);
        Assert.True(first.EndsAt > DateTimeOffset.UtcNow.AddSeconds((first.Targets / 4.0) - 10), $"ends {first.EndsAt:u}");
        Assert.Contains(first.Notes, n => n.Contains("not dispatched yet", StringComparison.Ordinal));
        Assert.Equal(ResultMix.Default.Source, first.MixSource); // fewer than 50 finished: the default mix

        // A setRate changes the pace the forecast uses.
        await handle.ExecuteUpdateAsync(wf => wf.SetRateAsync(new RateChange(20)));
        var faster = await handle.QueryAsync(wf => wf.ForecastLeft());
        Assert.Equal(20, faster.StartsPerSecond, 3);
        Assert.True(faster.LastCallSeconds < first.LastCallSeconds / 2, $"{faster.LastCallSeconds} s at 20/s vs {first.LastCallSeconds} s at 4/s");

        // Once enough results are in, the campaign's own mix replaces the default.
        await Eventually.TrueAsync(async () => (await handle.QueryAsync(wf => wf.Progress)).Finished >= CampaignWorkflow.OwnMixAfter, "50 finished", 120);
        var own = await handle.QueryAsync(wf => wf.ForecastLeft());
        Assert.StartsWith("this campaign's", own.MixSource, StringComparison.Ordinal);

        var result = await handle.GetResultAsync();
        Assert.Equal(CampaignStatuses.Completed, result.Status);
        var done = await handle.QueryAsync(wf => wf.ForecastLeft());
        Assert.Equal(0, done.Targets);
    }
}
