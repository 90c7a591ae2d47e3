using Campaigns.Simulator;
using Campaigns.Simulator.Calls;
using Campaigns.Workflows.Contract;

namespace Campaigns.Workflows.Tests;

/// <summary>
/// Records first (<c>Campaigns:Watch:RecordsFirst</c>, the default in real time): a call's record is looked for from
/// its start on by-filter pages shared by the calls begun in the same seconds, and the record ends the call's watch.
/// Most calls are never polled, and the records cost a fraction of a request each. Late records are still found, a
/// record that never comes still yields RecordMissing (once the call's end is seen), and nobody is rung twice.
/// </summary>
[Trait("Needs", "Temporal")]
[Collection(TemporalTestsSecondLane.Name)]
public sealed class RecordsFirstTests(TemporalServer temporal)
{
    private const int Callees = 600;

    [Fact]
    public async Task RealTime_RecordsEndTheWatch_FewPolls_LateFound_MissingMarked()
    {
        await using var h = await CampaignHarness.StartAsync(
            temporal,
            o =>
            {
                CampaignFaultTests.QuickCalls(o);
                o.Records.LateRate = 0.05; // 3-9 s late
                o.Records.LateMinMinutes = 0.05;
                o.Records.LateMaxMinutes = 0.15;
                o.Records.MissingRate = 0.03;
                o.Scenario.NoCallResultRate = 0;
            },
            timeScale: 1,
            config: new Dictionary<string, string?>
            {
                ["Campaigns:Watch:FirstPollSeconds"] = "1",
                ["Campaigns:Watch:MaxPollIntervalSeconds"] = "4",
                ["Campaigns:Watch:RecordDelaySeconds"] = "1",
                ["Campaigns:Watch:RecordMaxWaitSeconds"] = "20",
                ["Campaigns:Watch:RecordsFirstPollSeconds"] = "10",
            });
        var id = CampaignHarness.NewId();
        var callees = Enumerable.Range(1, Callees).Select(i => $"f{i:D3}").ToList();

        var handle = await h.Campaigns.StartAsync(new CampaignSpec { CampaignId = id, RobotAccount = "robot", Callees = callees, RingTimeoutMs = 10_000 });
        var result = await handle.GetResultAsync();

        Assert.Equal(CampaignStatuses.Completed, result.Status);
        Assert.Equal(Callees, result.Finished);
        var rows = await RingAssertions.EachRungOnceWithOneOutcomeAsync(h, id, callees);

        // Each outcome agrees with the record's fate: missing only where the simulator never wrote one.
        var late = RingAssertions.OutcomesAgreeWithRecordFates(h, rows, TimeSpan.FromSeconds(3));
        var calls = h.Simulator.Service<CallBook>().All().Count;

        Assert.True(late > 0, "no late record: the test proves nothing about late records");
        Assert.Contains(rows, r => r.Result == Results.RecordMissing);

        var requests = await h.Simulator.RequestsAsync();
        long Count(string api) => requests.Apis.GetValueOrDefault(api)?.Total ?? 0;
        var polls = Count(ApiNames.GetCallInfo) / (double)calls;
        var records = (Count(ApiNames.V4RecordsByFilter) + Count(ApiNames.V4RecordByCallId)) / (double)calls;
        Console.WriteLine($"records first: {calls} calls, {late} late records, {rows.Count(r => r.Result == Results.RecordMissing)} missing; " +
            $"get_call_info {polls:F3} and records {records:F3} requests per call ({Count(ApiNames.V4RecordsByFilter)} pages, {Count(ApiNames.V4RecordByCallId)} by CallId)");

        // Polling every call would cost at least one get_call_info each; here only calls with no record by the
        // first poll (the late and missing ones, mostly) are polled.
        Assert.True(polls < 0.3, $"{polls:F3} get_call_info per call: calls were polled although their records had come");
        Assert.True(records < 0.5, $"{records:F3} record requests per call");
    }
}
