using Campaigns.Simulator;
using Campaigns.Simulator.Calls;
using Campaigns.Workflows.Contract;

namespace Campaigns.Workflows.Tests;

/// <summary>
/// A campaign's own <c>budgets</c> and <c>records</c> fields on the real dev server and the simulator: its
/// get_call_info polls stay within its cap (the simulator's worst 1-second window), its records are read
/// from the v1 API it chose while the worker defaults to v4, and every outcome matches the simulator's call.
/// </summary>
[Trait("Needs", "Temporal")]
[Collection(TemporalTests.Name)]
public sealed class CampaignBudgetsTests(TemporalServer temporal)
{
    [Fact]
    public async Task Campaign_LowGetCallInfoCapAndV1Records_CompletesWithinItsCapFromV1()
    {
        const int PollCap = 4;
        await using var h = await CampaignHarness.StartAsync(temporal, o =>
        {
            CampaignFaultTests.QuickCalls(o);
            o.Scenario.NoCallResultRate = 0; // who was rung is known from the start answer
        });
        var id = CampaignHarness.NewId();
        var callees = Enumerable.Range(1, 40).Select(i => $"b{i:D3}").ToList();
        var input = CampaignHarness.Json($$"""
            { "campaignId": "{{id}}", "robotAccount": "robot", "callees": [{{string.Join(",", callees.Select(c => $"\"{c}\""))}}],
              "ringTimeoutMs": 10000, "budgets": { "getCallInfo": {{PollCap}} }, "records": { "api": "v1" } }
            """);

        var handle = await h.Campaigns.StartAsync(input);
        var result = await handle.GetResultAsync();

        Assert.Equal(CampaignStatuses.Completed, result.Status);
        Assert.Equal(40, result.Finished);
        var rows = await RingAssertions.EachRungOnceWithOneOutcomeAsync(h, id, callees);
        var calls = h.Simulator.Service<CallBook>().All().ToDictionary(c => c.CallId);
        foreach (var row in rows.Where(r => r.CallId is not null && r.Result != "NotRung"))
        {
            Assert.Equal(calls[row.CallId!].Result(), row.Result);
        }

        var requests = await h.Simulator.RequestsAsync();
        var polls = requests.Apis[ApiNames.GetCallInfo];
        var v1 = requests.Apis.GetValueOrDefault(ApiNames.V1RecordByCallId);
        var v4 = (requests.Apis.GetValueOrDefault(ApiNames.V4RecordByCallId)?.Total ?? 0) + (requests.Apis.GetValueOrDefault(ApiNames.V4RecordsByFilter)?.Total ?? 0);
        Console.WriteLine($"campaign budgets: {rows.Count} outcomes; get_call_info {polls.Total} requests, worst 1-s window {polls.WorstWindowReceived} (cap {PollCap}); " +
            $"v1 records by CallId {v1?.Total ?? 0} (worst window {v1?.WorstWindowReceived ?? 0}, app limit 20), v4 record requests {v4}");
        // Received, in any 1 s window: the gate sends at most the cap in any second (SlidingWindowGateTests), and the
        // simulator stamps a request when it gets to it, so a millisecond of jitter can put one more in a window.
        Assert.True(polls.WorstWindowReceived <= PollCap + 1, $"{polls.WorstWindowReceived} get_call_info requests in one second, cap {PollCap}");
        Assert.NotNull(v1);
        Assert.True(v1.Total >= rows.Count(r => r.CallId is not null && r.Result != "NotRung"), "not every call's record came from v1");
        Assert.True(v1.WorstWindowReceived <= 20, $"{v1.WorstWindowReceived} v1 by-CallId requests in one second, the app's limit is 20");
        Assert.Equal(0, v1.RateLimited);
        Assert.Equal(0, v4);
        Assert.DoesNotContain(rows, r => r.Result == Results.RecordMissing);
    }
}
