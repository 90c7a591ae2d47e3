using System.Text;
using Campaigns.Testing;

namespace Campaigns.Simulator.Tests;

/// <summary>Bounded memory: bodies are size-checked before reading, ended calls are forgotten, ring counts are not.</summary>
public sealed class MemoryTests
{
    private const string Start = "v4/call_engine_http_srv/start_call_by_robot";

    [Theory]
    [InlineData(Start, 60003)]
    [InlineData("v1/records/get_records_by_filter", 70009)]
    public async Task BodyOverTheLimit_Is413WithTheGatewaysCode_AndNothingIsDone(string path, long code)
    {
        await using var sim = await SimulatorHost.StartAsync(o => o.Limits.MaxBodyBytes = 1024);
        var huge = $$"""{"Robot_Account":"robot","CalleeList_Account":["jack"],"Timeout":30000,"CallInfo":{"MediaType":"Audio"},"UserData":"{{new string('x', 2000)}}"}""";

        using var content = new StringContent(huge, Encoding.UTF8, "application/json");
        var (status, envelope) = await RawApi.SendAsync(sim, path, content);

        Assert.Equal((413, code), (status, RawApi.Code(envelope!)));
        Assert.Empty(await sim.CallsAsync());
    }

    [Fact]
    public async Task EndedCalls_AreEvictedBeyondTheCap_ButEveryRingIsStillCounted()
    {
        await using var sim = await SimulatorHost.StartAsync(o =>
        {
            o.TimeScale = 100; // the ringing calls last 6 real seconds: live through the checks however loaded the machine
            o.Limits.MaxCalls = 5;
            o.Scenario.NotRungRate = o.Scenario.NoCallResultRate = 0;
            o.Scenario.Forced["busy-"] = CalleeBehaviour.Busy;
            o.Scenario.Forced["ring-"] = CalleeBehaviour.NotAnswer;
        });

        var busy = await PlaceAsync(sim, Enumerable.Range(0, 10).Select(i => "busy-" + i));
        await WaitEndedAsync(sim, busy[^1]); // a busy call ends after half a simulated second
        await PlaceAsync(sim, Enumerable.Range(0, 10).Select(i => "ring-" + i)); // ring for 10 simulated minutes
        await PlaceAsync(sim, ["busy-0"]); // rung a second time

        var summary = await sim.SummaryAsync();
        Assert.Equal((11, 10L, 21L, 20), (summary.CallsRetained, summary.CallsEvicted, summary.Rings, summary.CalleesRung));
        Assert.Equal(new Dictionary<string, int> { ["busy-0"] = 2 }, await sim.RingsAsync(min: 2));
        Assert.Equal(20, (await sim.RingsAsync()).Count);
        Assert.Equal("{\"busy-7\":1}", await sim.Admin.GetStringAsync("admin/rings?callee=busy-7"));
        Assert.Single(await sim.CallsAsync("busy-0")); // the evicted first call is gone from the listing
    }

    private static async Task<List<string>> PlaceAsync(SimulatorHost sim, IEnumerable<string> callees)
    {
        var ids = new List<string>();
        foreach (var callee in callees)
        {
            var answer = await RawApi.PostAsync(sim, Start, $$$"""{"Robot_Account":"robot","CalleeList_Account":["{{{callee}}}"],"Timeout":600000,"CallInfo":{"MediaType":"Audio"}}""");
            ids.Add((string)answer["Response"]!["CallId"]!);
        }

        return ids;
    }

    private static async Task WaitEndedAsync(SimulatorHost sim, string callId)
    {
        for (var i = 0; i < 500 && RawApi.Code(await RawApi.PostAsync(sim, "v4/call_engine_http_srv/get_call_info", $$"""{"CallId":"{{callId}}"}""")) != 101004; i++)
        {
            await Task.Delay(10);
        }
    }
}
