using Campaigns.Simulator.Calls;
using Campaigns.Testing;

namespace Campaigns.Simulator.Tests;

/// <summary>Records as the vendor keeps them: after a random delay (5 s median), some minutes late, some never, gone after 7 days.</summary>
public sealed class RecordFateTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeSeconds(1700000000);

    [Fact]
    public void RecordDelay_IsRandomAroundTheMedian_WithLateAndMissingShares()
    {
        var planner = new CalleePlanner(new SimulatorOptions());

        var fates = Enumerable.Range(0, 20_000)
            .Select(i => planner.PlanRecord(planner.Plan("c" + i, T0, TimeSpan.FromMinutes(1))))
            .ToList();
        var onTime = fates.Where(f => !f.Never && f.Delay < TimeSpan.FromMinutes(1)).Select(f => f.Delay.TotalSeconds).Order().ToList();

        // Defaults: median 5 s, log-normal spread 0.5; 2 % late by 1–10 minutes; 1 % never.
        Assert.InRange(onTime[onTime.Count / 2], 4.8, 5.2);
        Assert.InRange(onTime[0], 0.5, 2.5);
        Assert.InRange(onTime[^1], 10, 60);
        Assert.InRange(fates.Count(f => !f.Never && f.Delay >= TimeSpan.FromMinutes(1)) / 20_000.0, 0.017, 0.023);
        Assert.InRange(fates.Count(f => f.Never) / 20_000.0, 0.008, 0.012);
        Assert.All(fates.Where(f => f.Delay >= TimeSpan.FromMinutes(1)), f => Assert.InRange(f.Delay.TotalMinutes, 1, 10.5));
    }

    [Fact]
    public void RecordFate_IsAFunctionOfSeedCalleeAndNth_NotOfOrder()
    {
        var a = new CalleePlanner(new SimulatorOptions());
        var b = new CalleePlanner(new SimulatorOptions());

        var forward = Enumerable.Range(0, 50).Select(i => a.PlanRecord(a.Plan("c" + i, T0, TimeSpan.FromMinutes(1)))).ToList();
        var backward = Enumerable.Range(0, 50).Reverse().Select(i => b.PlanRecord(b.Plan("c" + i, T0, TimeSpan.FromMinutes(1)))).Reverse().ToList();

        Assert.Equal(forward, backward);
    }

    [Fact]
    public void OfflineCallee_RingsUntilTheTimeout_AndItsResultIsNotAnswer()
    {
        var options = new SimulatorOptions();
        options.Scenario.Forced["off"] = CalleeBehaviour.Offline;

        var plan = new CalleePlanner(options).Plan("off-1", T0, TimeSpan.FromSeconds(45));

        Assert.Equal((CalleeBehaviour.Offline, "NotAnswer", T0.AddSeconds(45), (DateTimeOffset?)null), (plan.Behaviour, plan.Result, plan.LeaveAt, plan.AcceptAt));
    }

    [Fact]
    public async Task Record_AppearsThenExpiresAfterTheRetention()
    {
        await using var sim = await SimulatorHost.StartAsync(o =>
        {
            o.TimeScale = 100;
            o.RecordDelaySeconds = 0;
            o.Records.MissingRate = 0;
            o.Records.RetentionDays = 200.0 / 86_400; // 200 simulated seconds, 2 s real: room to see it under load
            o.Scenario.NotRungRate = o.Scenario.NoCallResultRate = 0;
            o.Scenario.Forced["busy-"] = CalleeBehaviour.Busy;
        });
        var start = await RawApi.PostAsync(sim, "v4/call_engine_http_srv/start_call_by_robot", """{"Robot_Account":"robot","CalleeList_Account":["busy-1"],"Timeout":30000,"CallInfo":{"MediaType":"Audio"}}""");
        var body = $$"""{"CallId":"{{(string)start["Response"]!["CallId"]!}}"}""";

        var seen = await UntilCodeAsync(sim, body, 0);
        var gone = await UntilCodeAsync(sim, body, 101050);

        Assert.Equal((0L, 101050L), (seen, gone));
        Assert.Equal(0L, (long)(await RawApi.PostAsync(sim, "v4/call_record_http_srv/get_record_by_filter", "{}"))["Response"]!["TotalNum"]!);
    }

    [Fact]
    public async Task MissingRecord_NeverAppears_ThoughTheCallEnded()
    {
        await using var sim = await SimulatorHost.StartAsync(o =>
        {
            o.TimeScale = 100;
            o.RecordDelaySeconds = 0;
            o.Records.MissingRate = 1;
            o.Scenario.Forced["busy-"] = CalleeBehaviour.Busy;
        });
        var start = await RawApi.PostAsync(sim, "v4/call_engine_http_srv/start_call_by_robot", """{"Robot_Account":"robot","CalleeList_Account":["busy-2"],"Timeout":30000,"CallInfo":{"MediaType":"Audio"}}""");
        var callId = (string)start["Response"]!["CallId"]!;
        await UntilCodeAsync(sim, $$"""{"CallId":"{{callId}}"}""", 101004, "v4/call_engine_http_srv/get_call_info");
        await Task.Delay(100); // ten more simulated seconds: twice the median record delay

        Assert.Equal(101050L, RawApi.Code(await RawApi.PostAsync(sim, "v4/call_record_http_srv/get_record_by_callid", $$"""{"CallId":"{{callId}}"}""")));
    }

    private static async Task<long> UntilCodeAsync(SimulatorHost sim, string body, long code, string path = "v4/call_record_http_srv/get_record_by_callid")
    {
        long last = -1;
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (last != code && DateTime.UtcNow < deadline)
        {
            last = RawApi.Code(await RawApi.PostAsync(sim, path, body));
            await Task.Delay(last == code ? 0 : 10);
        }

        return last;
    }
}
