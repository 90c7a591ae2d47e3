using Campaigns.Simulator;
using Campaigns.Simulator.Pipeline;
using Campaigns.Storage.Model;
using Campaigns.Workflows.Contract;

namespace Campaigns.Workflows.Tests;

/// <summary>The vendor misbehaving as its documentation allows: nothing lost, nobody rung twice.</summary>
[Trait("Needs", "Temporal")]
[Collection(TemporalTests.Name)]
public sealed class CampaignFaultTests(TemporalServer temporal)
{
    // Real time (scale 1) with short calls: the by-filter records are searched in the attempt's real time window.
    private static readonly Dictionary<string, string?> QuickWorker = new()
    {
        ["TencentCall:RequestTimeout"] = "00:00:04",
        ["Campaigns:Watch:FirstPollSeconds"] = "1",
        ["Campaigns:Watch:RecordDelaySeconds"] = "1",
        ["Campaigns:Watch:RecordMaxWaitSeconds"] = "30",
        ["Campaigns:Watch:ReconcileWindowSeconds"] = "60",
    };

    [Theory]
    [InlineData(Fault.PlaceThenHang)]
    [InlineData(Fault.PlaceThen502)]
    public async Task StartAnswerLost_CallFoundByRoomId_OutcomeStoredAndRungOnce(Fault fault)
    {
        await using var h = await CampaignHarness.StartAsync(temporal, QuickCalls, timeScale: 1, config: QuickWorker);
        await h.Simulator.ScriptFaultAsync(ApiNames.StartCallByRobot, fault, 2);
        var id = CampaignHarness.NewId();
        var callees = new[] { "lost1", "lost2", "lost3", "lost4" };
        var handle = await h.Campaigns.StartAsync(new CampaignSpec { CampaignId = id, RobotAccount = "robot", Callees = callees, RingTimeoutMs = 10_000 });

        var result = await handle.GetResultAsync();

        Assert.Equal(CampaignStatuses.Completed, result.Status);
        Assert.Equal(0, result.Unresolved);
        await RingAssertions.EachRungOnceWithOneOutcomeAsync(h, id, callees);
        var calls = await h.Simulator.CallsAsync();
        Assert.Equal(4, calls.Count);
        foreach (var call in calls)
        {
            var attempt = await h.Store.GetAttemptByCallIdAsync(call.CallId);
            Assert.Equal(AttemptState.Settled, attempt!.State);
        }
    }

    [Fact]
    public async Task Error101001Storm_EveryCalleeRungOnce()
    {
        await using var h = await CampaignHarness.StartAsync(temporal, o => o.Faults = new FaultRates
        {
            Error101001Rate = 0.3, Error60018Rate = 0.05, Apis = [ApiNames.StartCallByRobot, ApiNames.GetCallInfo, ApiNames.V4RecordByCallId],
        });
        var id = CampaignHarness.NewId();
        var callees = Enumerable.Range(1, 60).Select(i => $"s{i}").ToList();
        var handle = await h.Campaigns.StartAsync(new CampaignSpec { CampaignId = id, RobotAccount = "robot", Callees = callees, RingTimeoutMs = 10_000 });

        var result = await handle.GetResultAsync();

        Console.WriteLine("101001 storm: " + string.Join(", ", result.ByResult.Select(kv => $"{kv.Key} {kv.Value}")));
        Assert.Equal(60, result.Finished);
        Assert.Equal(0, result.Unresolved);
        // A start refused 8 times in a row (35 % of requests fail here) is stored NotPlaced: never rung, no
        // outcome, by design. Every other callee is rung once with one outcome.
        var notPlaced = (int)result.ByResult.GetValueOrDefault("NotPlaced");
        var rung = (await h.Simulator.RingsAsync()).Keys.ToHashSet();
        var withOutcome = (await CampaignEndToEndTests.ReadOutcomesAsync(h, id)).Select(o => o.Callee).ToHashSet();
        var neither = callees.Where(c => !rung.Contains(c) && !withOutcome.Contains(c)).ToList();
        Assert.True(neither.Count <= notPlaced, $"{neither.Count} callees neither rung nor with an outcome, {notPlaced} NotPlaced");
        await RingAssertions.EachRungOnceWithOneOutcomeAsync(h, id, [.. callees.Except(neither)]);
        var requests = await h.Simulator.RequestsAsync();
        Assert.True(requests.Apis[ApiNames.StartCallByRobot].Total > 60, "the storm refused some starts");
    }

    [Fact]
    public async Task MissingRecords_OutcomeMarkedRecordMissing_CampaignCompletes()
    {
        await using var h = await CampaignHarness.StartAsync(
            temporal,
            o =>
            {
                o.Records.MissingRate = 0.4;
                o.Records.LateRate = 0;
            },
            config: new Dictionary<string, string?> { ["Campaigns:Watch:RecordMaxWaitSeconds"] = "120" });
        var id = CampaignHarness.NewId();
        var callees = Enumerable.Range(1, 30).Select(i => $"m{i}").ToList();
        var handle = await h.Campaigns.StartAsync(new CampaignSpec { CampaignId = id, RobotAccount = "robot", Callees = callees, RingTimeoutMs = 10_000 });

        var result = await handle.GetResultAsync();

        Assert.Equal(30, result.Finished);
        Assert.InRange(result.ByResult.GetValueOrDefault("RecordMissing"), 1, 29);
        var outcomes = await RingAssertions.EachRungOnceWithOneOutcomeAsync(h, id, callees);
        Assert.All(outcomes.Where(o => o.Result == "RecordMissing"), o => Assert.NotNull(o.CallId));
    }

    internal static void QuickCalls(SimulatorOptions o)
    {
        o.RecordDelaySeconds = 1;
        o.Records.LateRate = 0;
        o.Records.MissingRate = 0;
        o.Scenario.RingMinSeconds = 0.5;
        o.Scenario.RingMaxSeconds = 1.5;
        o.Scenario.TalkMinSeconds = 0.5;
        o.Scenario.TalkMaxSeconds = 1.5;
    }
}
