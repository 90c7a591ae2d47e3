using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Campaigns.Simulator.Callbacks;
using Campaigns.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Campaigns.Simulator.Tests;

/// <summary>The vendor's call callbacks, POSTed to a URL: in order when told to behave, late, twice, reordered or lost when not.</summary>
public sealed class CallbackTests : IAsyncLifetime
{
    private readonly ConcurrentQueue<(string Query, JsonObject Body)> received = new();
    private WebApplication receiver = null!;
    private Uri url = null!;

    public async Task InitializeAsync()
    {
        receiver = WebApplication.CreateSlimBuilder(["--urls", "http://127.0.0.1:0"]).Build();
        receiver.MapPost("/callback", async (HttpRequest request) =>
        {
            received.Enqueue((request.QueryString.Value ?? string.Empty, (await request.ReadFromJsonAsync<JsonObject>())!));
            return Results.Json(new { ActionStatus = "OK", ErrorInfo = string.Empty, ErrorCode = 0 });
        });
        await receiver.StartAsync();
        url = new Uri(receiver.Urls.First() + "/callback");
    }

    public async Task DisposeAsync() => await receiver.DisposeAsync();

    [Fact]
    public void Planner_LosesDuplicatesAndHoldsBack_AtTheConfiguredRates()
    {
        var options = new SimulatorOptions();
        options.Callbacks.LossRate = options.Callbacks.DuplicateRate = options.Callbacks.ReorderRate = 0.1;
        var planner = new CallbackPlanner(options);

        var plans = Enumerable.Range(0, 10_000).Select(_ => planner.Plan()).ToList();
        var copies = plans.SelectMany(p => p).ToList();

        Assert.InRange(plans.Count(p => p.Count == 0) / 10_000.0, 0.09, 0.11);
        Assert.InRange(plans.Count(p => p.Count == 2) / 10_000.0, 0.08, 0.10); // 10 % of the 90 % not lost
        Assert.InRange(copies.Count(d => d >= TimeSpan.FromSeconds(10)) / (double)copies.Count, 0.09, 0.11);

        // Held back by 10 s while the others leave within 1 s: every later event in those 9 s overtakes it.
        Assert.All(copies, d => Assert.True(d < TimeSpan.FromSeconds(1) || d >= TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task AnsweredCall_SendsStartAcceptHangUpAndEnd_WithTheRecordListingTheRobot()
    {
        await using var sim = await StartAsync(o => { });

        var callId = await PlaceAsync(sim, "answer-1");
        await UntilAsync(() => received.Count == 4); // posted concurrently: the last two may arrive in either order

        // Delivered concurrently: put them in event order (the last hang-up and the end share one instant).
        var events = received.Select(r => r.Body)
            .OrderBy(b => (long)b["EventTime"]!)
            .ThenBy(b => (string?)b["CallbackCommand"] == CallbackCommands.AfterEndCall)
            .ToList();
        Assert.Equal(
            [CallbackCommands.AfterStartCall + ":", CallbackCommands.AfterMemberChanged + ":Accept", CallbackCommands.AfterMemberChanged + ":HangUp", CallbackCommands.AfterEndCall + ":"],
            events.Select(b => (string?)b["CallbackCommand"] + ":" + (string?)b["ChangedUserList"]?[0]?["ActionType"]));
        Assert.All(events, b => Assert.Equal(callId, (string?)b["CallId"]));
        var record = events[^1]["CallRecord"]!;
        Assert.Equal(("NormalEnd", "robot"), ((string?)record["CallResult"], (string?)record["CalleeList_Account"]![0]));
        Assert.All(received, r => Assert.Contains("SdkAppid=" + sim.Options.SdkAppId + "&CallbackCommand=Call.Callback", r.Query, StringComparison.Ordinal));
    }

    [Fact]
    public async Task EveryCallbackDuplicated_ArrivesTwice()
    {
        await using var sim = await StartAsync(o => o.Callbacks.DuplicateRate = 1);

        await PlaceAsync(sim, "busy-1"); // start, LineBusy, end
        await UntilAsync(async () => (await sim.Admin.GetFromJsonAsync<CallbackStats>("admin/callbacks"))!.Delivered == 6);

        var stats = await sim.Admin.GetFromJsonAsync<CallbackStats>("admin/callbacks");
        Assert.Equal((3L, 3L, 0L, 6, 0L), (stats!.Events, stats.Duplicated, stats.Lost, received.Count, stats.Failed));
        Assert.All(received.GroupBy(r => r.Body.ToJsonString()), g => Assert.Equal(2, g.Count()));
    }

    [Fact]
    public async Task EveryCallbackLost_NothingArrives()
    {
        await using var sim = await StartAsync(o => o.Callbacks.LossRate = 1);

        var callId = await PlaceAsync(sim, "busy-2");
        await UntilAsync(async () => RawApi.Code(await RawApi.PostAsync(sim, "v4/call_engine_http_srv/get_call_info", $$"""{"CallId":"{{callId}}"}""")) == 101004);

        var stats = await sim.Admin.GetFromJsonAsync<CallbackStats>("admin/callbacks");
        Assert.Equal((3L, 3L, 0L, 0L), (stats!.Events, stats.Lost, stats.Pending, stats.Delivered));
        Assert.Empty(received);
    }

    private Task<SimulatorHost> StartAsync(Action<SimulatorOptions> configure) => SimulatorHost.StartAsync(o =>
    {
        o.TimeScale = 10;
        o.Scenario.NotRungRate = o.Scenario.NoCallResultRate = 0;
        o.Scenario.RingMinSeconds = o.Scenario.RingMaxSeconds = 2;
        o.Scenario.TalkMinSeconds = o.Scenario.TalkMaxSeconds = 3;
        o.Scenario.Forced["answer-"] = CalleeBehaviour.Answer;
        o.Scenario.Forced["busy-"] = CalleeBehaviour.Busy;
        o.Callbacks.Url = url;
        o.Callbacks.DelayMaxSeconds = 0;
        o.Callbacks.DuplicateRate = o.Callbacks.LossRate = o.Callbacks.ReorderRate = 0;
        configure(o);
    });

    private static async Task<string> PlaceAsync(SimulatorHost sim, string callee)
    {
        var answer = await RawApi.PostAsync(sim, "v4/call_engine_http_srv/start_call_by_robot", $$$"""{"Robot_Account":"robot","CalleeList_Account":["{{{callee}}}"],"Timeout":30000,"CallInfo":{"MediaType":"Audio"}}""");
        return (string)answer["Response"]!["CallId"]!;
    }

    private static Task UntilAsync(Func<bool> condition) => UntilAsync(() => Task.FromResult(condition()));

    private static async Task UntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met in time");
            await Task.Delay(20);
        }
    }
}
