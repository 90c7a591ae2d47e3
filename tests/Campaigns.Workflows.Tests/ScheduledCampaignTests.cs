using System.Diagnostics;
using System.Text.Json;
using Campaigns.Storage.Model;
using Campaigns.Workflows.Contract;
using Temporalio.Api.Enums.V1;
using Temporalio.Client;
using Temporalio.Exceptions;
using Temporalio.Testing;
using Temporalio.Worker;
using Xunit.Abstractions;

namespace Campaigns.Workflows.Tests;

/// <summary>
/// startAt, endBy and the runs of a recurring campaign on Temporal's time-skipping test server (weeks of workflow
/// timers in seconds), with the real worker, simulator and PostgreSQL. The test server knows no Schedules, so the
/// weekly runs are started here the way a schedule's action starts them (ScheduleTests runs real Schedules on the dev
/// server). Time is skipped only where the test says so (<see cref="WorkflowEnvironment.DelayAsync(TimeSpan, CancellationToken?)"/>),
/// never while batches run: the worker and the simulator keep the wall clock.
/// </summary>
[Trait("Needs", "Temporal")]
[Collection(TimeSkippingTests.Name)]
public sealed class ScheduledCampaignTests(ITestOutputHelper output)
{
    [Fact]
    public async Task StartAt_AWeekAhead_WaitsOnItsTimerWithNothingRegistered_ThenRingsEveryoneOnce_InSecondsOfRealTime()
    {
        await using var env = await TimeSkippingServer.StartAsync();
        await using var h = await CampaignHarness.StartAsync(TemporalServer.Of(env.Client));
        var id = CampaignHarness.NewId();
        var callees = Enumerable.Range(1, 8).Select(i => $"sa{i}").ToList();
        var startAt = new DateTimeOffset(await env.GetCurrentTimeAsync(), TimeSpan.Zero).AddDays(7);
        var handle = await h.Campaigns.StartAsync(Campaign(id, callees, $$""", "startAt": "{{startAt:yyyy-MM-dd'T'HH:mm:ss'Z'}}" """));

        var waiting = await QueryWhenAnsweredAsync(handle);
        Assert.Equal(CampaignStatuses.Scheduled, waiting.Status);
        Assert.Equal(callees.Count, waiting.Targets);
        Assert.Null(await h.Store.GetCampaignAsync(id)); // nothing registered before its start

        var clock = Stopwatch.StartNew();
        await env.DelayAsync(TimeSpan.FromDays(7));
        var result = await CompletedAsync(handle);
        output.WriteLine($"a week on the timer, then {callees.Count} callees: {clock.Elapsed.TotalSeconds:0.0} s of real time");

        Assert.Equal(CampaignStatuses.Completed, result.Status);
        Assert.Equal(callees.Count, result.Finished);
        await RingAssertions.EachRungOnceWithOneOutcomeAsync(h, id, callees);
        await AssertReplaysAsync(handle);
    }

    [Fact]
    public async Task StartAt_CancelledWhileWaiting_EndsCancelled_NothingRegistered_NobodyRung()
    {
        await using var env = await TimeSkippingServer.StartAsync();
        await using var h = await CampaignHarness.StartAsync(TemporalServer.Of(env.Client));
        var id = CampaignHarness.NewId();
        var startAt = new DateTimeOffset(await env.GetCurrentTimeAsync(), TimeSpan.Zero).AddDays(1);
        var handle = await h.Campaigns.StartAsync(Campaign(id, ["sc1", "sc2"], $$""", "startAt": "{{startAt:yyyy-MM-dd'T'HH:mm:ss'Z'}}" """));
        Assert.Equal(CampaignStatuses.Scheduled, (await QueryWhenAnsweredAsync(handle)).Status);

        await handle.CancelAsync();

        var failed = await Assert.ThrowsAsync<WorkflowFailedException>(() => CompletedAsync(handle));
        Assert.IsType<CanceledFailureException>(failed.InnerException);
        Assert.Null(await h.Store.GetCampaignAsync(id));
        Assert.Equal(0, (await h.Simulator.SummaryAsync()).Rings);
        await AssertReplaysAsync(handle);
    }

    [Fact]
    public async Task FourWeeklyRuns_EachItsOwnCampaignFromItsScheduledTime_OnTheImportedList_InSecondsOfRealTime()
    {
        await using var env = await TimeSkippingServer.StartAsync();
        await using var h = await CampaignHarness.StartAsync(TemporalServer.Of(env.Client));
        var scheduleId = "weekly-" + Guid.NewGuid().ToString("N")[..8];
        var callees = Enumerable.Range(1, 10).Select(i => $"wk{i}").ToList();

        // The schedule's list, imported once under its id (as `campaigns import ID --csv` does).
        await h.Store.RegisterCampaignAsync(scheduleId, CampaignSearch.WorkflowIdOf(scheduleId), JsonSerializer.Serialize(new { campaignId = scheduleId, targetsImported = true }));
        await h.Store.AddTargetsAsync(scheduleId, [.. callees.Select(c => (IReadOnlyList<string>)[c])]);
        var template = CampaignHarness.Json($$"""
            { "campaignId": "{{scheduleId}}", "robotAccount": "robot", "targetsImported": true, "recurring": true, "ringTimeoutMs": 10000 }
            """);

        var first = TruncateToSeconds(await env.GetCurrentTimeAsync());
        var clock = Stopwatch.StartNew();
        var results = new List<CampaignProgress>();
        for (var week = 0; week < 4; week++)
        {
            var scheduledAt = first.AddDays(7 * week);
            var now = new DateTimeOffset(await env.GetCurrentTimeAsync(), TimeSpan.Zero);
            if (scheduledAt > now)
            {
                await env.DelayAsync(scheduledAt - now);
            }

            // What a schedule's action does at its time: the template under campaign-<scheduleId>-<time, RFC 3339>.
            var handle = await env.Client.StartWorkflowAsync(
                (CampaignWorkflow wf) => wf.RunAsync(template, null),
                new WorkflowOptions(ScheduledCampaigns.RunWorkflowIdOf(scheduleId, scheduledAt), h.TaskQueue));
            var result = await CompletedAsync(handle);
            results.Add(result);

            Assert.Equal(ScheduledCampaigns.RunCampaignIdOf(scheduleId, scheduledAt), result.CampaignId);
            Assert.Equal(CampaignStatuses.Completed, result.Status);
            Assert.Equal(callees.Count, result.Targets);
            Assert.Equal(callees.Count, result.Finished);
            var stored = await h.Store.GetCampaignAsync(result.CampaignId);
            Assert.Equal(handle.Id, stored!.WorkflowId);
            var outcomes = await CampaignEndToEndTests.ReadOutcomesAsync(h, result.CampaignId);
            Assert.Equal(callees.Order(StringComparer.Ordinal), outcomes.Select(o => o.Callee).Order(StringComparer.Ordinal));
            await AssertReplaysAsync(handle);
        }

        output.WriteLine($"4 weekly runs ({results[0].CampaignId} … {results[^1].CampaignId}, 21 days of workflow time): {clock.Elapsed.TotalSeconds:0.0} s of real time");
        Assert.Equal(4, results.Select(r => r.CampaignId).Distinct().Count());
        var rings = await h.Simulator.RingsAsync();
        Assert.All(callees, c => Assert.Equal(4, rings.GetValueOrDefault(c))); // once a week, never twice in a run
    }

    [Fact]
    public async Task EndBy_MidDispatch_EndsCompleted_TheRestNotDialed_InFlightCallsSettled_NobodyRungTwice()
    {
        await using var env = await TimeSkippingServer.StartAsync();
        await using var h = await CampaignHarness.StartAsync(TemporalServer.Of(env.Client), timeScale: 30);
        var id = CampaignHarness.NewId();
        var callees = Enumerable.Range(1, 120).Select(i => $"eb{i:D3}").ToList();

        // Nothing skips time here: the test server's clock runs with the wall clock the worker and the simulator keep.
        var serverNow = new DateTimeOffset(await env.GetCurrentTimeAsync(), TimeSpan.Zero);
        var skew = (serverNow - DateTimeOffset.UtcNow).Duration();
        var endBy = serverNow.AddSeconds(8);
        var handle = await h.Campaigns.StartAsync(Campaign(id, callees, $$""", "endBy": "{{endBy:yyyy-MM-dd'T'HH:mm:ss.fff'Z'}}", "rate": { "maxCallsPerSecond": 5 } """));
        var result = await CompletedAsync(handle);

        var calls = await h.Simulator.CallsAsync();
        var notDialed = result.ByResult.GetValueOrDefault(Contract.Results.NotDialed);
        output.WriteLine($"endBy 8 s after the start at 5 calls/s: {calls.Count} calls placed, {notDialed} NotDialed, clock skew {skew.TotalMilliseconds:0} ms; "
            + string.Join(", ", result.ByResult.Select(r => $"{r.Key} {r.Value}")));
        Assert.Equal(CampaignStatuses.Completed, result.Status);
        Assert.True(notDialed > 0 && calls.Count > 0, $"endBy fell outside dispatch: {calls.Count} calls, {notDialed} NotDialed");
        Assert.Equal(callees.Count, calls.Count + notDialed);
        Assert.Equal(callees.Count, result.Finished);
        Assert.Equal(result.Attempts, result.ByResult.Values.Sum());

        // No start after endBy (a claim made before it may send within the request's round trip).
        Assert.All(calls, c => Assert.True(c.PlacedAt <= endBy + skew + TimeSpan.FromSeconds(1), $"{c.CallId} placed at {c.PlacedAt:O}, endBy {endBy:O}"));

        // Every call placed was watched to its end and settled; every target never dialed is stored so; nothing left open.
        var dialed = calls.SelectMany(c => c.Callees).ToList();
        await RingAssertions.EachRungOnceWithOneOutcomeAsync(h, id, dialed);
        var stored = await h.Store.GetProgressAsync(id);
        var inFlight = stored.AttemptsByState.GetValueOrDefault(AttemptState.Intended) + stored.AttemptsByState.GetValueOrDefault(AttemptState.Dialing)
            + stored.AttemptsByState.GetValueOrDefault(AttemptState.Dialed);
        Assert.Equal(0, inFlight);
        var failed = await h.Store.GetAttemptsAsync(id, AttemptState.Failed, 1000);
        Assert.Equal(notDialed, failed.Count);
        Assert.All(failed, a => Assert.Equal("not dialed: endBy reached", a.ErrorInfo));
        Assert.Empty(failed.Select(a => a.TargetSeq).Intersect(dialed.Select(c => callees.IndexOf(c) + 1)));
        Assert.Equal(CampaignStatus.Completed, (await h.Store.GetCampaignAsync(id))!.Status);
        await AssertReplaysAsync(handle);
    }

    private static JsonElement Campaign(string id, IReadOnlyList<string> callees, string extra) => CampaignHarness.Json(
        $$"""{ "campaignId": "{{id}}", "robotAccount": "robot", "callees": [{{string.Join(", ", callees.Select(c => $"\"{c}\""))}}], "ringTimeoutMs": 10000{{extra}} }""");

    // The new paths (the timer before the start, a run's id, the end at endBy) replay without nondeterminism.
    internal static async Task AssertReplaysAsync(WorkflowHandle handle)
    {
        var replayer = new WorkflowReplayer(new WorkflowReplayerOptions { DataConverter = CampaignJson.DataConverter }.AddWorkflow<CampaignWorkflow>());
        var result = await replayer.ReplayWorkflowAsync(await handle.FetchHistoryAsync(), throwOnReplayFailure: false);
        Assert.Null(result.ReplayFailure);
    }

    private static DateTimeOffset TruncateToSeconds(DateTime t) => new(t.Ticks - (t.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);

    // The first answer of the progress query (it fails until the workflow's first task has run).
    private static async Task<CampaignProgress> QueryWhenAnsweredAsync(WorkflowHandle<CampaignWorkflow, CampaignProgress> handle)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                return await handle.QueryAsync(wf => wf.Progress);
            }
            catch (Exception e) when (e is RpcException or WorkflowQueryFailedException && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    // Waits for the run to close without asking for its result meanwhile: on the test server, waiting on a result
    // skips time, which would fire the batches' heartbeat timeouts while they dial on the wall clock.
    private static async Task<CampaignProgress> CompletedAsync<TWorkflow>(WorkflowHandle<TWorkflow, CampaignProgress> handle)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while ((await handle.DescribeAsync()).Status == WorkflowExecutionStatus.Running)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{handle.Id} still running after 3 minutes");
            await Task.Delay(200);
        }

        return await handle.GetResultAsync();
    }
}

/// <summary>Tests on time-skipping test servers of their own, one at a time (each starts its own server process).</summary>
[CollectionDefinition(Name)]
public sealed class TimeSkippingTests
{
    public const string Name = "TimeSkipping";
}
