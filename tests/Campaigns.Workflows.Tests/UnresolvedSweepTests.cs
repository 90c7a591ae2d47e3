using Campaigns.Simulator;
using Campaigns.Simulator.Pipeline;
using Campaigns.Storage.Model;
using Campaigns.Workflows.Contract;

namespace Campaigns.Workflows.Tests;

/// <summary>
/// Starts whose answers were lost, and whose records come later than the batch searches for them: the campaign
/// ends with them Unresolved, then the worker's sweep finds their records and settles them. It never dials.
/// </summary>
[Collection(TemporalTests.Name)]
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
}
