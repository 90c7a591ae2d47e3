using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Campaigns.Simulator.Callbacks;
using Campaigns.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Campaigns.Simulator.Tests;

/// <summary>v4 call_config: set_callback, get_callback and delete_callback steer where (and which) callbacks go.</summary>
public sealed class CallbackConfigTests : IAsyncLifetime
{
    private readonly ConcurrentQueue<string> received = new();
    private WebApplication receiver = null!;
    private string url = null!;

    public async Task InitializeAsync()
    {
        receiver = WebApplication.CreateSlimBuilder(["--urls", "http://127.0.0.1:0"]).Build();
        receiver.MapPost("/cb", async (HttpRequest request) =>
        {
            received.Enqueue((string)(await request.ReadFromJsonAsync<JsonObject>())!["CallbackCommand"]!);
            return Results.Json(new { ActionStatus = "OK", ErrorInfo = string.Empty, ErrorCode = 0 });
        });
        await receiver.StartAsync();
        url = receiver.Urls.First() + "/cb";
    }

    public async Task DisposeAsync() => await receiver.DisposeAsync();

    [Fact]
    public async Task SetGetDelete_OnlyTheChosenCommandsGo_ToTheUrlSet_AndNoneAfterDelete()
    {
        await using var sim = await SimulatorHost.StartAsync(o =>
        {
            o.TimeScale = 10;
            o.Scenario.NotRungRate = 0;
            o.Scenario.RingMinSeconds = o.Scenario.RingMaxSeconds = 2;
            o.Callbacks.DelayMaxSeconds = 0;
            o.Callbacks.DuplicateRate = o.Callbacks.LossRate = o.Callbacks.ReorderRate = 0;
        });
        var empty = await RawApi.PostAsync(sim, "v4/call_config/get_callback", "{}");
        Assert.Equal(string.Empty, (string?)empty["Response"]!["Url"]);

        Assert.Equal(101002, RawApi.Code(await RawApi.PostAsync(sim, "v4/call_config/set_callback", """{"Url":"ftp://x/y","CallbackCommandList":["Call.CallbackAfterEndCall"]}""")));
        Assert.Equal(101002, RawApi.Code(await RawApi.PostAsync(sim, "v4/call_config/set_callback", $$"""{"Url":"{{url}}","CallbackCommandList":["Call.Nope"]}""")));
        Assert.Equal(101002, RawApi.Code(await RawApi.PostAsync(sim, "v4/call_config/set_callback", $$"""{"Url":"{{url}}"}""")));
        Assert.Equal(0, RawApi.Code(await RawApi.PostAsync(sim, "v4/call_config/set_callback", $$"""{"Url":"{{url}}","CallbackCommandList":["Call.CallbackAfterEndCall"]}""")));

        var got = await RawApi.PostAsync(sim, "v4/call_config/get_callback", "{}");
        Assert.Equal((url, "Call.CallbackAfterEndCall"), ((string?)got["Response"]!["Url"], (string?)got["Response"]!["CallbackCommandList"]![0]));

        await PlaceAsync(sim, "a-1");
        await PlaceAsync(sim, "a-2");
        await Eventually.TrueAsync(() => Task.FromResult(received.Count >= 2), "both end callbacks", 20);
        await Task.Delay(300);
        Assert.Equal([CallbackCommands.AfterEndCall, CallbackCommands.AfterEndCall], received);

        Assert.Equal(0, RawApi.Code(await RawApi.PostAsync(sim, "v4/call_config/delete_callback", "{}")));
        Assert.Null(sim.Options.Callbacks.Url);
        var before = sim.Service<CallbackSender>().Stats.Events;
        await PlaceAsync(sim, "a-3");
        await Task.Delay(500);
        Assert.Equal(before, sim.Service<CallbackSender>().Stats.Events);
        Assert.Equal(2, received.Count);
    }

    private static async Task PlaceAsync(SimulatorHost sim, string callee) =>
        Assert.Equal(0, RawApi.Code(await RawApi.PostAsync(
            sim,
            "v4/call_engine_http_srv/start_call_by_robot",
            $$$"""{"Robot_Account":"robot","CalleeList_Account":["{{{callee}}}"],"Timeout":10000,"CallInfo":{"MediaType":"Audio"}}""")));
}
