using Campaigns.Workflows.Contract;
using Xunit.Abstractions;

namespace Campaigns.Workflows.Tests.Mocked;

/// <summary>Pause and resume with the activities mocked: nothing is dispatched while paused, however long, and everything finishes after.</summary>
[Trait("Needs", "Temporal")]
[Collection(TimeSkippingTests.Name)]
public sealed class PauseResumeMockedTests(TimeSkippingFixture server, ITestOutputHelper output) : IClassFixture<TimeSkippingFixture>
{
    [Fact]
    public async Task Paused_TwoHours_NothingDispatched_ThenResumed_EveryTargetFinishedOnce()
    {
        // 40 targets at 2 calls/s: batches of 10, one every 5 s of workflow time (the first two at once).
        var fake = new FakeCampaignActivities();
        var id = MockedCampaign.NewId("pause");
        await using var c = await MockedCampaign.StartAsync(server.Env, fake, output, id, MockedCampaign.Json(id, 40, """, "rate": { "maxCallsPerSecond": 2 }"""));

        // Paused after the first batch ran (no time is skipped meanwhile: the next batch is due 5 s of real time later).
        await MockedCampaign.UntilAsync(() => !fake.Batches.IsEmpty, "the first batch");
        var paused = await c.Handle.ExecuteUpdateAsync(wf => wf.PauseAsync());
        var pausedAt = await c.NowAsync();
        Assert.Equal(CampaignStatuses.Paused, paused.Status);

        await c.Env.DelayAsync(TimeSpan.FromHours(2));
        var whilePaused = await c.Handle.QueryAsync(wf => wf.Progress);
        var batchesWhilePaused = fake.Batches.Count;
        var resumedAt = await c.NowAsync();
        Assert.True(resumedAt - pausedAt >= TimeSpan.FromHours(2));
        Assert.Equal(CampaignStatuses.Paused, whilePaused.Status);
        Assert.True(whilePaused.Dispatched < 40, $"{whilePaused.Dispatched} dispatched before the pause");
        Assert.Equal(whilePaused.Dispatched, fake.Dials.Count);

        var resumed = await c.Handle.ExecuteUpdateAsync(wf => wf.ResumeAsync());
        Assert.Equal(CampaignStatuses.Running, resumed.Status);
        var result = await c.ResultAsync();

        c.Print($"{whilePaused.Dispatched} dispatched before the pause in {batchesWhilePaused} batches, "
            + $"batches scheduled at +{string.Join(", +", fake.Batches.Select(b => (b.ScheduledAt - c.StartedAt).TotalSeconds.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)))} s");
        Assert.Equal(CampaignStatuses.Completed, result.Status);
        Assert.Equal(40, result.Finished);
        Assert.Equal(40, result.Dispatched);
        Assert.True(fake.Batches.Count > batchesWhilePaused);
        // No batch was scheduled while paused: each before the pause, or after the resume.
        Assert.All(fake.Batches, b => Assert.True(b.ScheduledAt <= pausedAt || b.ScheduledAt >= resumedAt, $"batch {b.No} scheduled at {b.ScheduledAt:O}, paused {pausedAt:O}-{resumedAt:O}"));
        Assert.Equal(40, fake.Dials.Select(d => d.Seq).Distinct().Count());
        Assert.Equal(40, fake.Dials.Count);
        await c.AssertReplaysAsync();
    }
}
