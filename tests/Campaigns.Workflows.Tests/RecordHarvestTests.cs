using Campaigns.Simulator;
using Campaigns.Simulator.Calls;
using Campaigns.Workflows.Contract;

namespace Campaigns.Workflows.Tests;

/// <summary>
/// In real time the worker fetches records with the by-filter query, many calls per request; records that
/// come late are still found, and a record that never comes yields RecordMissing without holding the campaign.
/// </summary>
[Trait("Needs", "Temporal")]
[Collection(TemporalTestsSecondLane.Name)]
public sealed class RecordHarvestTests(TemporalServer temporal)
{
    private static readonly Dictionary<string, string?> QuickWorker = new()
    {
        ["Campaigns:Watch:FirstPollSeconds"] = "1",
        ["Campaigns:Watch:RecordDelaySeconds"] = "1",
        ["Campaigns:Watch:RecordMaxWaitSeconds"] = "30",
        ["Campaigns:Watch:RecordsFirst"] = "false", // the harvest of calls whose end a poll saw (RecordsFirstTests: from the start)
    };

    [Fact]
    public async Task RealTime_RecordsComeByFilter_LateOnesFound_MissingOnesMarked()
    {
        await using var h = await CampaignHarness.StartAsync(
            temporal,
            o =>
            {
                CampaignFaultTests.QuickCalls(o);
                o.Records.LateRate = 0.1; // 3-12 s late: inside the worker's 30 s wait
                o.Records.LateMinMinutes = 0.05;
                o.Records.LateMaxMinutes = 0.2;
                o.Records.MissingRate = 0.05;
                o.Scenario.NoCallResultRate = 0; // a start answer that does not say who rang is another test's subject
            },
            timeScale: 1,
            config: QuickWorker);
        var id = CampaignHarness.NewId();
        var callees = Enumerable.Range(1, 300).Select(i => $"h{i:D3}").ToList();

        var handle = await h.Campaigns.StartAsync(new CampaignSpec { CampaignId = id, RobotAccount = "robot", Callees = callees, RingTimeoutMs = 10_000 });
        var result = await handle.GetResultAsync();

        Assert.Equal(CampaignStatuses.Completed, result.Status);
        Assert.Equal(300, result.Finished);
        var rows = await RingAssertions.EachRungOnceWithOneOutcomeAsync(h, id, callees);

        // Each outcome agrees with the record's fate: missing only where the simulator never wrote one.
        var late = RingAssertions.OutcomesAgreeWithRecordFates(h, rows, TimeSpan.FromSeconds(3));
        var calls = h.Simulator.Service<CallBook>().All().Count;

        Assert.True(late > 0, "no late record: the test proves nothing about late records");
        var requests = await h.Simulator.RequestsAsync();
        var pages = requests.Apis.GetValueOrDefault(ApiNames.V4RecordsByFilter)?.Total ?? 0;
        var byCallId = requests.Apis.GetValueOrDefault(ApiNames.V4RecordByCallId)?.Total ?? 0;
        var perCall = (pages + byCallId) / (double)calls;
        Console.WriteLine($"record harvest: {calls} calls, {late} late records, {rows.Count(r => r.Result == Results.RecordMissing)} missing; " +
            $"{pages} by-filter pages + {byCallId} by-CallId requests = {perCall:F2} record requests per call (by CallId alone: at least 1)");
        Assert.True(pages > 0, "no by-filter request");
        Assert.True(perCall < 1, $"{perCall:F2} record requests per call: no better than one by CallId each");
    }
}
