using Campaigns.Workflows.Contract;
using Temporalio.Api.Enums.V1;
using Temporalio.Testing;

namespace Campaigns.Workflows.Tests;

/// <summary>
/// A dev server of its own that suggests continue-as-new after 20 events (batches of up to 500 keep runs short): a campaign runs as several runs,
/// carrying its cursor and counters, and still dials every target once.
/// </summary>
[Trait("Needs", "Temporal")] // dev servers of its own
public sealed class ContinueAsNewTests
{
    private static Task<WorkflowEnvironment> SmallHistoryServerAsync()
    {
        var cli = Environment.GetEnvironmentVariable("TEMPORAL_CLI_PATH");
        return WorkflowEnvironment.StartLocalAsync(new WorkflowEnvironmentStartLocalOptions
        {
            DataConverter = CampaignJson.DataConverter,
            DevServerOptions = new() { ExistingPath = string.IsNullOrEmpty(cli) ? null : cli, ExtraArgs = ["--dynamic-config-value", "limit.historyCount.suggestContinueAsNew=20"] },
            SearchAttributes = [CampaignSearch.CampaignId, CampaignSearch.CampaignStatus],
        });
    }

    [Fact]
    public async Task SmallHistoryLimit_CampaignContinuesAsNew_EveryTargetOnce()
    {
        await using var env = await SmallHistoryServerAsync();
        var server = TemporalServer.Of(env.Client);
        await using var h = await CampaignHarness.StartAsync(server);
        var id = CampaignHarness.NewId();
        var callees = Enumerable.Range(1, 1000).Select(i => $"n{i:D4}").ToList();

        var handle = await h.Campaigns.StartAsync(new CampaignSpec { CampaignId = id, RobotAccount = "robot", Callees = callees, RingTimeoutMs = 10_000 });
        var result = await h.Campaigns.Get(id).GetResultAsync();

        Assert.True(result.Runs > 1, $"ran as {result.Runs} run(s)");
        Assert.Equal(1000, result.Targets);
        Assert.Equal(1000, result.Dispatched);
        Assert.Equal(1000, result.Finished);
        await RingAssertions.EachRungOnceWithOneOutcomeAsync(h, id, callees);
        var events = new List<int>();
        await foreach (var run in env.Client.ListWorkflowsAsync($"WorkflowId = '{handle.Id}'"))
        {
            events.Add((await env.Client.GetWorkflowHandle(run.Id, run.RunId).FetchHistoryAsync()).Events.Count);
        }

        Console.WriteLine($"continue-as-new: {result.Runs} runs for 1000 targets, events per run {string.Join(", ", events)}, {(double)events.Sum() / 1000:F3} events per target");
    }

    /// <summary>
    /// Issue 18 item 5: with redials on and calls that outlive a run (time ×10, the simulator's own mix), each run
    /// continues as new while its batches still run (the next run adopts them by token), redials wait in the store,
    /// and still every attempt rings once, every target finishes once, and nothing is left pending.
    /// </summary>
    [Fact]
    public async Task SmallHistoryLimit_WithRedials_ContinuesAsNewWithoutWaitingForBatches_EveryAttemptOnce()
    {
        await using var env = await SmallHistoryServerAsync();
        var server = TemporalServer.Of(env.Client);
        await using var h = await CampaignHarness.StartAsync(server, o => (o.Records.LateRate, o.Records.MissingRate) = (0, 0), timeScale: 10);
        var id = CampaignHarness.NewId();
        var callees = Enumerable.Range(1, 800).Select(i => $"m{i:D4}").ToList();

        var handle = await h.Campaigns.StartAsync(new CampaignSpec
        {
            CampaignId = id, RobotAccount = "robot", Callees = callees, RingTimeoutMs = 30_000,
            Redial = new() { MaxAttempts = 3, Rules = [new RedialRule { Result = "NotAnswer", DelaySeconds = 5 }, new RedialRule { Result = "CallBusy", DelaySeconds = 5 }] },
        });
        var result = await h.Campaigns.Get(id).GetResultAsync();

        Assert.True(result.Runs > 1, $"ran as {result.Runs} run(s)");
        Assert.Equal(800, result.Finished);
        var outcomes = await RingAssertions.EachRungOnceWithOneOutcomeAsync(h, id, callees);
        var redialed = outcomes.Where(o => o.AttemptNo > 1).Select(o => o.Callee).Distinct().Count();
        Assert.True(redialed > 0, "no callee was redialed");
        Assert.True(outcomes.All(o => o.AttemptNo <= 3));
        Assert.Equal(result.Attempts, outcomes.Select(o => (o.Callee, o.AttemptNo)).Distinct().Count());
        Assert.Equal(0, (await h.Store.TakePendingAsync(id, "check", [], [], 0)).Left);

        // Continue-as-new without draining: a run that continued as new had batches still running (scheduled, never
        // closed in that run), adopted by the next one.
        var left = new List<int>();
        var events = new List<int>();
        long largestInput = 0;
        await foreach (var run in env.Client.ListWorkflowsAsync($"WorkflowId = '{handle.Id}'"))
        {
            var history = await env.Client.GetWorkflowHandle(run.Id, run.RunId).FetchHistoryAsync();
            events.Add(history.Events.Count);
            var started = history.Events.First().WorkflowExecutionStartedEventAttributes;
            largestInput = Math.Max(largestInput, started.Input.Payloads_.Sum(p => (long)p.Data.Length));
            if (history.Events.Last().EventType == EventType.WorkflowExecutionContinuedAsNew)
            {
                var scheduled = history.Events.Where(e => e.EventType == EventType.ActivityTaskScheduled && e.ActivityTaskScheduledEventAttributes.ActivityType.Name == "RunBatchRuns").Select(e => e.EventId).ToHashSet();
                var closed = history.Events.Select(e => e.ActivityTaskCompletedEventAttributes?.ScheduledEventId ?? e.ActivityTaskFailedEventAttributes?.ScheduledEventId ?? e.ActivityTaskTimedOutEventAttributes?.ScheduledEventId ?? e.ActivityTaskCanceledEventAttributes?.ScheduledEventId ?? 0);
                left.Add(scheduled.Except(closed).Count());
            }
        }

        Console.WriteLine($"continue-as-new with redials: {result.Runs} runs, events per run {string.Join(", ", events)}, batches running at each switch {string.Join(", ", left)}, "
            + $"largest run input {largestInput} bytes, {redialed} callees redialed, {result.Attempts} attempts");
        Assert.Contains(left, n => n > 0);
        Assert.True(largestInput < 256 * 1024, $"largest run input {largestInput} bytes");
    }
}
