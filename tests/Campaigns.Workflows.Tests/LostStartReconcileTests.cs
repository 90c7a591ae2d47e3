using Campaigns.Simulator;
using Campaigns.Simulator.Pipeline;
using Campaigns.Workflows.Contract;

namespace Campaigns.Workflows.Tests;

/// <summary>
/// Reconciling a lost start costs a page, not the app's whole record stream: 500 starts whose answers are
/// lost (placed, then the request hangs past the client's timeout) are each found by RoomId in a narrow
/// start-time window, from pages shared with the record harvester, while another campaign's records keep
/// coming (no RecordMissing there).
/// </summary>
[Trait("Needs", "Temporal")]
[Collection(TemporalTestsSecondLane.Name)]
public sealed class LostStartReconcileTests(TemporalServer temporal)
{
    private const int LostStarts = 500;
    private const int OtherCallees = 1000;

    // Most record requests (by filter and by CallId, both campaigns together) per lost start.
    private const double MaxRequestsPerLostStart = 5;

    // Real time (scale 1): the by-filter query runs on the vendor's clock.
    private static readonly Dictionary<string, string?> QuickWorker = new()
    {
        ["TencentCall:RequestTimeout"] = "00:00:04",
        ["Campaigns:Watch:FirstPollSeconds"] = "1",
        ["Campaigns:Watch:RecordDelaySeconds"] = "1",
        ["Campaigns:Watch:RecordMaxWaitSeconds"] = "30",
        ["Campaigns:Watch:ReconcileWindowSeconds"] = "60",
    };

    [Fact]
    public async Task FiveHundredLostStarts_FoundFromFewPages_OtherCampaignMissesNoRecord()
    {
        await using var h = await CampaignHarness.StartAsync(
            temporal,
            o =>
            {
                CampaignFaultTests.QuickCalls(o);
                o.Scenario.NoCallResultRate = 0;
                o.Scenario.Forced["slow-"] = CalleeBehaviour.NotAnswer; // rings the whole ring timeout
            },
            timeScale: 1,
            config: QuickWorker);

        // The other campaign dials first: the app's record stream is full of its calls when the lost starts
        // happen, and half of its calls ring 30 s, so their records are fetched while the lost starts are
        // reconciled.
        var otherId = CampaignHarness.NewId();
        var others = Enumerable.Range(1, OtherCallees).Select(i => i % 2 == 0 ? $"slow-o{i:D4}" : $"o{i:D4}").ToList();
        var other = await h.Campaigns.StartAsync(new CampaignSpec { CampaignId = otherId, RobotAccount = "robot-o", Callees = others, RingTimeoutMs = 30_000 });
        await Eventually.TrueAsync(
            async () => ((await h.Simulator.RequestsAsync()).Apis.GetValueOrDefault(ApiNames.StartCallByRobot)?.Total ?? 0) >= OtherCallees,
            "the other campaign's starts all sent");

        // Every start of the lost campaign is placed, then its answer never comes (the client times out).
        await h.Simulator.ScriptFaultAsync(ApiNames.StartCallByRobot, Fault.PlaceThenHang, LostStarts);
        var lostId = CampaignHarness.NewId();
        var lost = Enumerable.Range(1, LostStarts).Select(i => $"l{i:D4}").ToList();
        var lostRun = await h.Campaigns.StartAsync(new CampaignSpec { CampaignId = lostId, RobotAccount = "robot-l", Callees = lost, RingTimeoutMs = 10_000 });

        var lostResult = await lostRun.GetResultAsync();
        var otherResult = await other.GetResultAsync();

        var requests = await h.Simulator.RequestsAsync();
        var pages = requests.Apis.GetValueOrDefault(ApiNames.V4RecordsByFilter)?.Total ?? 0;
        var byCallId = requests.Apis.GetValueOrDefault(ApiNames.V4RecordByCallId)?.Total ?? 0;
        var perLostStart = (pages + byCallId) / (double)LostStarts;
        var otherMissing = otherResult.ByResult.GetValueOrDefault(Results.RecordMissing);
        Console.WriteLine(
            $"lost starts: {LostStarts} (found {LostStarts - lostResult.Unresolved}, unresolved {lostResult.Unresolved}), other campaign {OtherCallees} calls; " +
            $"record requests {pages} by filter + {byCallId} by CallId = {perLostStart:F2} per lost start (both campaigns' records counted); " +
            $"other campaign RecordMissing {otherMissing}; lost campaign: {string.Join(", ", lostResult.ByResult.Select(kv => $"{kv.Key} {kv.Value}"))}");

        Assert.Equal(CampaignStatuses.Completed, otherResult.Status);
        Assert.Equal(0, otherMissing);
        Assert.Equal(CampaignStatuses.Completed, lostResult.Status);
        Assert.Equal(0, lostResult.Unresolved); // every lost start was placed, and found by its RoomId
        Assert.True(perLostStart <= MaxRequestsPerLostStart, $"{perLostStart:F2} record requests per lost start (at most {MaxRequestsPerLostStart})");
        await RingAssertions.EachRungOnceWithOneOutcomeAsync(h, lostId, lost);
        await RingAssertions.EachRungOnceWithOneOutcomeAsync(h, otherId, others);
    }
}
