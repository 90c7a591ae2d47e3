using Campaigns.Simulator;
using Campaigns.Simulator.Pipeline;
using Campaigns.Storage.Model;
using Campaigns.Workflows.Contract;

namespace Campaigns.Workflows.Tests;

/// <summary>
/// Starts whose answers were lost, and whose records come later than the batch searches for them: the campaign
/// ends with them Unresolved, then the worker's sweep finds their records and settles them. It never dials.
/// </summary>
[Trait("Needs", "Temporal")]
[Collection(TemporalTestsSecondLane.Name)]
public sealed class UnresolvedSweepTests(TemporalServer temporal)
{
    [Fact]
    public async Task LostStarts_RecordsLaterThanTheReconcileWindow_SweepSettlesThem_NobodyRungTwice()
    {
        await using var h = await CampaignHarness.StartAsync(
            temporal,
            o =>
            {
                CampaignFaultTests.QuickCalls(o);
                // Every record comes 20 s after its call ended: after the batch's search window.
                o.Records.LateRate = 1;
                o.Records.LateMinMinutes = 1.0 / 3;
                o.Records.LateMaxMinutes = 1.0 / 3;
            },
            timeScale: 1,
            config: new Dictionary<string, string?>
            {
                ["TencentCall:RequestTimeout"] = "00:00:04",
                ["Campaigns:Watch:FirstPollSeconds"] = "1",
                ["Campaigns:Watch:RecordDelaySeconds"] = "1",
                ["Campaigns:Watch:RecordMaxWaitSeconds"] = "90",
                ["Campaigns:Watch:ReconcileWindowSeconds"] = "5",
                ["Campaigns:Sweep:IntervalSeconds"] = "2",
            });
        await h.Simulator.ScriptFaultAsync(ApiNames.StartCallByRobot, Fault.PlaceThenHang, 2);
        var id = CampaignHarness.NewId();
        var callees = new[] { "sw1", "sw2", "sw3", "sw4" };
        var handle = await h.Campaigns.StartAsync(new CampaignSpec { CampaignId = id, RobotAccount = "robot", Callees = callees, RingTimeoutMs = 10_000 });

        var result = await handle.GetResultAsync();
        Assert.Equal((CampaignStatuses.Completed, 2L), (result.Status, result.Unresolved)); // the batch's search came too early

        await Eventually.TrueAsync(
            async () => (await h.Store.GetProgressAsync(id)).AttemptsByState.GetValueOrDefault(AttemptState.Settled) == callees.Length,
            "every attempt settled by the sweep",
            120);
        await RingAssertions.EachRungOnceWithOneOutcomeAsync(h, id, callees);
        var outcomes = await CampaignEndToEndTests.ReadOutcomesAsync(h, id);
        Assert.All(outcomes, o => Assert.NotNull(o.CallId));
        Assert.DoesNotContain(outcomes, o => o.Result is "RecordMissing" or "Unresolved");
        var starts = (await h.Simulator.RequestsAsync()).Apis[ApiNames.StartCallByRobot].Total;
        Assert.Equal(callees.Length, starts); // the sweep never dials
        Assert.Empty(await h.Store.GetAttemptsAsync(id, AttemptState.Unknown));
        Console.WriteLine($"sweep test: unresolved at the end {result.Unresolved}, settled afterwards {callees.Length}, starts {starts}");
    }

    [Fact]
    public async Task AttemptsLeftDialingAndDialedByABatchThatIsGone_SweepSettlesBothFromTheRecords_InOneMoveEach()
    {
        await using var h = await CampaignHarness.StartAsync(
            temporal,
            CampaignFaultTests.QuickCalls,
            timeScale: 1,
            config: new Dictionary<string, string?>
            {
                ["Campaigns:Watch:MaxCallSeconds"] = "3",
                ["Campaigns:Watch:RecordMaxWaitSeconds"] = "3",
                ["Campaigns:Watch:ReconcileWindowSeconds"] = "3",
                ["Campaigns:Sweep:IntervalSeconds"] = "2",
            });
        // A batch that is gone left two placed calls: one stored Dialed, one still Dialing (its answer never stored).
        var id = CampaignHarness.NewId();
        var spec = new CampaignSpec { CampaignId = id, RobotAccount = "robot", Callees = ["gone1", "gone2"], RingTimeoutMs = 10_000 };
        await h.Store.RegisterCampaignAsync(id, "campaign-" + id, System.Text.Json.JsonSerializer.Serialize(spec, CampaignJson.Options));
        await h.Store.AddTargetsAsync(id, [["gone1"], ["gone2"]]);
        var intents = await h.Store.RecordIntentsAsync(id, [(1, 1), (2, 1)]);
        var client = h.Simulator.CreateClient();
        foreach (var intent in intents)
        {
            await h.Store.ClaimDialAsync(intent.AttemptKey, "a-batch-that-is-gone");
        }

        var calls = new List<string>();
        foreach (var (intent, callee) in intents.Zip(spec.Callees))
        {
            var started = await client.StartCallByRobotAsync(new TencentCall.Models.StartCallRequest
            {
                RobotAccount = "robot", Callees = [callee], TimeoutMs = 10_000, RoomId = Campaigns.Activities.Batches.BatchRunner.RoomIdOf(spec, intent), RoomIdType = 2,
            });
            calls.Add(started.CallId);
        }

        await h.Store.MarkDialedAsync(intents[0].AttemptKey, calls[0], new Dictionary<string, long> { ["gone1"] = 0 });

        await Eventually.TrueAsync(
            async () => (await h.Store.GetProgressAsync(id)).AttemptsByState.GetValueOrDefault(AttemptState.Settled) == 2,
            "both attempts settled by the sweep",
            120);
        var outcomes = await CampaignEndToEndTests.ReadOutcomesAsync(h, id);
        Assert.Equal(calls, outcomes.OrderBy(o => o.Callee, StringComparer.Ordinal).Select(o => o.CallId));
        Assert.DoesNotContain(outcomes, o => o.Result is "RecordMissing" or "Unresolved");
        Assert.Equal(2, (await h.Simulator.RequestsAsync()).Apis[ApiNames.StartCallByRobot].Total); // the sweep never dials
    }
}
