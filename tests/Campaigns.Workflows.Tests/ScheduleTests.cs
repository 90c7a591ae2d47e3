using Campaigns.Workflows.Contract;
using Temporalio.Client;
using Temporalio.Client.Schedules;
using Temporalio.Common;
using Temporalio.Exceptions;
using Xunit.Abstractions;

namespace Campaigns.Workflows.Tests;

/// <summary>
/// Recurring campaigns as real Temporal Schedules on the dev server (the time-skipping test server has none): each run
/// the schedule starts is a campaign of its own, named from its scheduled time, and rings everyone once.
/// </summary>
[Trait("Needs", "Temporal")]
[Collection(TemporalTests.Name)]
public sealed class ScheduleTests(TemporalServer temporal, ITestOutputHelper output)
{
    private static readonly SearchAttributeKey<string> ScheduledById = SearchAttributeKey.CreateKeyword("TemporalScheduledById");

    [Fact]
    public async Task Schedule_TwoRuns_EachItsOwnCampaignFromItsScheduledTime_EveryoneRungOncePerRun()
    {
        await using var h = await CampaignHarness.StartAsync(temporal);
        var scheduleId = "sched-" + Guid.NewGuid().ToString("N")[..8];
        var callees = Enumerable.Range(1, 6).Select(i => $"sr{i}").ToList();
        var template = CampaignHarness.Json($$"""
            { "campaignId": "{{scheduleId}}", "robotAccount": "robot", "recurring": true, "ringTimeoutMs": 10000,
              "callees": [{{string.Join(", ", callees.Select(c => $"\"{c}\""))}}] }
            """);

        // Once a year (1 January, 00:00 UTC): the runs here are the two triggered now, a second apart.
        var schedule = await h.Campaigns.CreateScheduleAsync(template, "0 0 1 1 *");
        try
        {
            var results = new List<(ScheduleActionResult Action, CampaignProgress Result)>();
            for (var run = 1; run <= 2; run++)
            {
                await Task.Delay(TimeSpan.FromSeconds(1.1)); // a run per second at most: its id has the scheduled second
                await schedule.TriggerAsync();
                var action = await RecentActionAsync(schedule, run);
                var workflowId = ((ScheduleActionExecutionStartWorkflow)action.Action).WorkflowId;
                var handle = h.Temporal.Client.GetWorkflowHandle<CampaignWorkflow, CampaignProgress>(workflowId);
                results.Add((action, await handle.GetResultAsync()));
                var description = await handle.DescribeAsync();
                output.WriteLine($"run {run}: workflow {workflowId}, scheduled at {action.ScheduledAt:O}, campaign {results[^1].Result.CampaignId}, "
                    + $"TemporalScheduledById {(description.TypedSearchAttributes.TryGetValue(ScheduledById, out var by) ? by : "(not set)")}");
                Assert.Equal(results[^1].Result.CampaignId, description.TypedSearchAttributes.Get(CampaignSearch.CampaignId));
                await ScheduledCampaignTests.AssertReplaysAsync(handle);
            }

            foreach (var (action, result) in results)
            {
                var workflowId = ((ScheduleActionExecutionStartWorkflow)action.Action).WorkflowId;
                Assert.True(ScheduledCampaigns.TryParseRun(scheduleId, workflowId, out var campaignId, out var scheduledAt), workflowId);
                Assert.Equal(ScheduledCampaigns.RunWorkflowIdOf(scheduleId, new DateTimeOffset(action.ScheduledAt, TimeSpan.Zero)), workflowId);
                Assert.Equal(campaignId, result.CampaignId);
                Assert.Equal(scheduledAt, new DateTimeOffset(action.ScheduledAt.Ticks - (action.ScheduledAt.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero));
                Assert.Equal(CampaignStatuses.Completed, result.Status);
                Assert.Equal(callees.Count, result.Finished);
                var outcomes = await CampaignEndToEndTests.ReadOutcomesAsync(h, result.CampaignId);
                Assert.Equal(callees.Order(StringComparer.Ordinal), outcomes.Select(o => o.Callee).Order(StringComparer.Ordinal));
            }

            Assert.NotEqual(results[0].Result.CampaignId, results[1].Result.CampaignId);
            var rings = await h.Simulator.RingsAsync();
            Assert.All(callees, c => Assert.Equal(2, rings.GetValueOrDefault(c)));
        }
        finally
        {
            await schedule.DeleteAsync();
        }
    }

    [Fact]
    public async Task RecurringTemplate_StartedOutsideItsSchedule_IsRefused_NobodyRung()
    {
        await using var h = await CampaignHarness.StartAsync(temporal);
        var id = CampaignHarness.NewId();
        var json = $$"""{ "campaignId": "{{id}}", "robotAccount": "robot", "recurring": true, "callees": ["rt1"] }""";

        // CampaignClient says so before starting anything.
        var rejected = await Assert.ThrowsAsync<CampaignRejectedException>(() => h.Campaigns.StartAsync(CampaignHarness.Json(json)));
        Assert.Contains("runs from a schedule", rejected.Message, StringComparison.Ordinal);

        // Any other client: the workflow refuses its own id (and the action's id without the scheduled time).
        var handle = await h.Temporal.Client.StartWorkflowAsync(
            (CampaignWorkflow wf) => wf.RunAsync(CampaignHarness.Json(json), null), new WorkflowOptions(CampaignSearch.WorkflowIdOf(id), h.TaskQueue));
        var failed = await Assert.ThrowsAsync<WorkflowFailedException>(() => handle.GetResultAsync());
        var failure = Assert.IsType<ApplicationFailureException>(failed.InnerException);
        Assert.Equal(CampaignErrors.WrongWorkflowId, failure.ErrorType);
        Assert.Contains("campaigns schedule create", failure.Message, StringComparison.Ordinal);
        Assert.Null(await h.Store.GetCampaignAsync(id));
        Assert.Equal(0, (await h.Simulator.SummaryAsync()).Rings);
    }

    // The schedule's n-th action once its workflow has started (a trigger is taken asynchronously).
    private static async Task<ScheduleActionResult> RecentActionAsync(ScheduleHandle schedule, int n)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var actions = (await schedule.DescribeAsync()).Info.RecentActions;
            if (actions.Count >= n)
            {
                return actions.ElementAt(n - 1);
            }

            Assert.True(DateTime.UtcNow < deadline, $"schedule {schedule.Id} took {actions.Count} actions, not {n}, within 30 s");
            await Task.Delay(100);
        }
    }
}
