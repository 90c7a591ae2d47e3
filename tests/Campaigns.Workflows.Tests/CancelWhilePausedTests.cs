using Campaigns.Storage.Model;
using Campaigns.Workflows.Contract;
using Temporalio.Exceptions;

namespace Campaigns.Workflows.Tests;

/// <summary>
/// Temporal's own cancel (the Web UI, <c>temporal workflow cancel</c>) of a paused campaign with no batch running:
/// nothing else wakes the workflow then, and it used to stay Running.
/// </summary>
[Trait("Needs", "Temporal")]
[Collection(TemporalTests.Name)]
public sealed class CancelWhilePausedTests(TemporalServer temporal)
{
    [Fact]
    public async Task TemporalCancel_PausedWithNoBatchRunning_EndsCancelled_TheRestClosed()
    {
        await using var h = await CampaignHarness.StartAsync(temporal);
        var id = CampaignHarness.NewId();
        var handle = await h.Campaigns.StartAsync(new CampaignSpec
        {
            CampaignId = id, RobotAccount = "robot", Callees = [.. Enumerable.Range(1, 40).Select(i => $"cp{i:D2}")], RingTimeoutMs = 10_000,
            Rate = new RateSpec { MaxCallsPerSecond = 1 },
        });
        await handle.ExecuteUpdateAsync(wf => wf.PauseAsync());
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (((await handle.QueryAsync(wf => wf.Progress)) is var p && p.Finished < p.Dispatched) || (await h.Store.GetProgressAsync(id)).AttemptsByState.GetValueOrDefault(AttemptState.Dialed) > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the first batch did not end within 60 s");
            await Task.Delay(200);
        }

        await handle.CancelAsync();

        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(60)); // it used to stay Running for ever
        var failed = await Assert.ThrowsAsync<WorkflowFailedException>(() => handle.GetResultAsync(rpcOptions: new() { CancellationToken = bound.Token }));
        Assert.IsType<CanceledFailureException>(failed.InnerException);
        Assert.Equal(CampaignStatus.Cancelled, (await h.Store.GetCampaignAsync(id))!.Status);
        Assert.Empty(await h.Simulator.RingsAsync(min: 2));
    }
}
