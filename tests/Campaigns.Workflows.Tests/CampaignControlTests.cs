using Campaigns.Simulator;
using Campaigns.Storage.Model;
using Campaigns.Workflows.Contract;
using Temporalio.Exceptions;

namespace Campaigns.Workflows.Tests;

/// <summary>Pause, resume, cancel, rate: operators steering a running campaign.</summary>
[Trait("Needs", "Temporal")]
[Collection(TemporalTests.Name)]
public sealed class CampaignControlTests(TemporalServer temporal)
{
    [Fact]
    public async Task Pause_StopsDispatch_ResumeFinishesEveryTarget()
    {
        await using var h = await CampaignHarness.StartAsync(temporal);
        var callees = Enumerable.Range(1, 30).Select(i => $"p{i}").ToList();
        // 2 calls/s: a batch holds 10 targets, so the campaign needs several batches.
        var handle = await h.Campaigns.StartAsync(new CampaignSpec
        {
            CampaignId = CampaignHarness.NewId(), RobotAccount = "robot", Callees = callees, RingTimeoutMs = 10_000, Rate = new() { MaxCallsPerSecond = 2 },
        });

        var paused = await handle.ExecuteUpdateAsync(wf => wf.PauseAsync());
        var again = await Assert.ThrowsAsync<WorkflowUpdateFailedException>(() => handle.ExecuteUpdateAsync(wf => wf.PauseAsync()));
        var dispatchedAtPause = (await handle.QueryAsync(wf => wf.Progress)).Dispatched;
        await Eventually.TrueAsync(async () => (await handle.QueryAsync(wf => wf.Progress)).Finished == dispatchedAtPause, "the batch in flight finished");
        var ringsWhilePaused = (await h.Simulator.RingsAsync()).Values.Sum();
        await Task.Delay(TimeSpan.FromSeconds(2)); // paused: nothing more may be dialed meanwhile
        var stillPaused = await handle.QueryAsync(wf => wf.Progress);

        Assert.Equal(CampaignStatuses.Paused, paused.Status);
        Assert.Contains("already paused", again.InnerException!.Message, StringComparison.Ordinal);
        Assert.True(dispatchedAtPause <= 10, $"dispatched {dispatchedAtPause} before the pause took effect");
        Assert.Equal(dispatchedAtPause, stillPaused.Dispatched);
        Assert.Equal(ringsWhilePaused, (await h.Simulator.RingsAsync()).Values.Sum());

        await handle.ExecuteUpdateAsync(wf => wf.ResumeAsync());
        var result = await handle.GetResultAsync();

        Assert.Equal(CampaignStatuses.Completed, result.Status);
        Assert.Equal(30, result.Finished);
        await RingAssertions.EachRungOnceWithOneOutcomeAsync(h, handle.Id["campaign-".Length..], callees);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Cancel_HangsUpRingingCalls_KeepsTheirOutcomes_DialsNoMore(bool viaWorkflowCancel)
    {
        // Nobody answers and rings last 10 minutes: every placed call is still ringing when the cancel comes.
        await using var h = await CampaignHarness.StartAsync(
            temporal,
            o =>
            {
                o.Scenario.AnswerRate = 0;
                o.Scenario.RejectRate = 0;
                o.Scenario.BusyRate = 0;
                o.Scenario.OfflineRate = 0;
                o.Scenario.NotAnswerRate = 1;
                o.Scenario.NotRungRate = 0;
                o.Scenario.NoCallResultRate = 0;
            },
            timeScale: 10);
        var callees = Enumerable.Range(1, 40).Select(i => $"k{i}").ToList();
        var id = CampaignHarness.NewId();
        var handle = await h.Campaigns.StartAsync(new CampaignSpec
        {
            CampaignId = id, RobotAccount = "robot", Callees = callees, RingTimeoutMs = 600_000, Rate = new() { MaxCallsPerSecond = 2 },
        });
        await Eventually.TrueAsync(async () => (await h.Simulator.CallsAsync()).Count >= 3, "three calls placed");

        CampaignProgress result;
        if (viaWorkflowCancel)
        {
            // `temporal workflow cancel`: the same clean-up, and the run ends as Canceled in Temporal.
            await handle.CancelAsync();
            var failure = await Assert.ThrowsAsync<Temporalio.Exceptions.WorkflowFailedException>(() => handle.GetResultAsync());
            Assert.IsType<Temporalio.Exceptions.CanceledFailureException>(failure.InnerException);
            result = await handle.QueryAsync(wf => wf.Progress);
        }
        else
        {
            await handle.ExecuteUpdateAsync(wf => wf.CancelAsync());
            result = await handle.GetResultAsync();
        }

        var calls = await h.Simulator.CallsAsync();
        Assert.Equal(CampaignStatuses.Cancelled, result.Status);
        Assert.InRange(calls.Count, 3, 12); // the batches in flight at most: nothing dispatched after the cancel
        Assert.All(calls, c => Assert.True(c.Ended, $"call {c.CallId} still rings"));
        var outcomes = await CampaignEndToEndTests.ReadOutcomesAsync(h, id);
        Assert.Equal(calls.Select(c => c.Callees[0]).Order(StringComparer.Ordinal), outcomes.Select(o => o.Callee).Order(StringComparer.Ordinal));
        Assert.Equal(CampaignStatus.Cancelled, (await h.Store.GetCampaignAsync(id))!.Status);
        Assert.Equal(calls.Count, result.Attempts - result.ByResult.GetValueOrDefault("Cancelled"));
    }

    [Fact]
    public async Task Redial_NotAnswerThenRule_DialsAgainOnceAfterTheDelay()
    {
        await using var h = await CampaignHarness.StartAsync(temporal, o => o.Scenario.Forced["r1"] = CalleeBehaviour.NotAnswer);
        var id = CampaignHarness.NewId();
        var handle = await h.Campaigns.StartAsync(new CampaignSpec
        {
            CampaignId = id, RobotAccount = "robot", Callees = ["r1"], RingTimeoutMs = 10_000,
            Redial = new() { MaxAttempts = 3, Rules = [new RedialRule { Result = "NotAnswer", DelaySeconds = 1 }] },
        });

        var result = await handle.GetResultAsync();

        // Forced to never answer: three attempts, each rung once, then final.
        Assert.Equal(3, (await h.Simulator.RingsAsync())["r1"]);
        Assert.Equal(3, result.Attempts);
        Assert.Equal(1, result.Finished);
        Assert.Equal(3, result.ByResult["NotAnswer"]);
        var outcomes = await CampaignEndToEndTests.ReadOutcomesAsync(h, id);
        Assert.Equal([1, 2, 3], outcomes.Select(o => o.AttemptNo).Order());
    }

    [Fact]
    public async Task DoNotCall_CalleeOnTheList_IsSkippedAndNeverRung()
    {
        await using var h = await CampaignHarness.StartAsync(temporal);
        await h.Store.AddDoNotCallAsync(["dnc1"], "asked not to be called");
        var handle = await h.Campaigns.StartAsync(new CampaignSpec
        {
            CampaignId = CampaignHarness.NewId(), RobotAccount = "robot", Callees = ["d1", "dnc1", "d2"], RingTimeoutMs = 10_000,
        });

        var result = await handle.GetResultAsync();

        var rings = await h.Simulator.RingsAsync();
        Assert.False(rings.ContainsKey("dnc1"));
        Assert.Equal(1, result.ByResult[Contract.Results.Skipped]);
        Assert.Equal(3, result.Finished);
    }

    [Fact]
    public async Task SetRate_OutsideTheBudgetIsRefused_AFasterRateFinishesTheCampaign()
    {
        await using var h = await CampaignHarness.StartAsync(temporal);
        var id = CampaignHarness.NewId();
        var callees = Enumerable.Range(1, 40).Select(i => $"t{i}").ToList();
        // One call a second would take 40 s; the operator raises it.
        var handle = await h.Campaigns.StartAsync(new CampaignSpec
        {
            CampaignId = id, RobotAccount = "robot", Callees = callees, RingTimeoutMs = 10_000, Rate = new() { MaxCallsPerSecond = 1 },
        });

        var refused = await Assert.ThrowsAsync<WorkflowUpdateFailedException>(() => handle.ExecuteUpdateAsync(wf => wf.SetRateAsync(new RateChange(500))));
        await handle.ExecuteUpdateAsync(wf => wf.SetRateAsync(new RateChange(100)));
        var result = await handle.GetResultAsync();

        Assert.Contains("maxCallsPerSecond must be 1-200", refused.InnerException!.Message, StringComparison.Ordinal);
        Assert.Equal(40, result.Finished);
        await RingAssertions.EachRungOnceWithOneOutcomeAsync(h, id, callees);
        var calls = await h.Simulator.CallsAsync();
        var span = calls.Max(c => c.PlacedAt) - calls.Min(c => c.PlacedAt);
        Assert.True(span < TimeSpan.FromSeconds(35 * 60), $"40 calls took {span} (simulated) after the rate was raised");
    }
}
