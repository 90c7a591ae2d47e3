using Campaigns.Simulator.Callbacks;
using Campaigns.TencentCall;
using Campaigns.TencentCall.Models;
using Campaigns.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Campaigns.Callbacks.Tests;

/// <summary>The simulator's own callbacks, late, twice and reordered, into the receiver configured through set_callback.</summary>
[Trait("Needs", "Temporal")]
[Collection(ReceiverTests.Name)]
public sealed class SimulatorCallbackTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task DuplicatedAndReorderedCallbacks_EveryCallEndsInTheLedger_OneRowPerEvent(bool postgres)
    {
        await using var sim = await SimulatorHost.StartAsync(o =>
        {
            o.TimeScale = 10;
            o.Scenario.NotRungRate = o.Scenario.NoCallResultRate = 0;
            o.Scenario.RingMinSeconds = o.Scenario.RingMaxSeconds = 2;
            o.Scenario.TalkMinSeconds = o.Scenario.TalkMaxSeconds = 3;
            o.Callbacks.DelayMinSeconds = 0;
            o.Callbacks.DelayMaxSeconds = 2;
            o.Callbacks.DuplicateRate = 0.5;
            o.Callbacks.ReorderRate = 0.5;
            o.Callbacks.ReorderDelaySeconds = 5;
            o.Callbacks.LossRate = 0;
        });
        await using var host = await ReceiverHost.StartAsync(sim.Options.SdkAppId, postgres: postgres);
        using var metrics = new MetricsProbe();
        var services = new ServiceCollection().AddLogging().AddTencentCall(o =>
        {
            o.SdkAppId = sim.Options.SdkAppId;
            o.SecretKey = sim.Options.SecretKey;
            o.BaseUrl = sim.BaseUrl;
        });
        await using var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<ICallbackConfigClient>().SetCallbackAsync(host.CallbackUrl);
        var client = provider.GetRequiredService<ITencentCallClient>();

        var calls = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            var started = await client.StartCallByRobotAsync(new StartCallRequest { RobotAccount = "robot", Callees = [$"cb-{i}"] });
            calls.Add(started.CallId);
        }

        var sender = sim.Service<CallbackSender>();
        await Eventually.TrueAsync(
            async () => sender.Stats.Pending == 0 && (await host.Store.GetCallEndsAsync(calls)).Values.Count(s => s.Ended) == calls.Count,
            "every callback delivered and every call ended in the ledger");

        var stats = sender.Stats;
        Assert.Equal(0, stats.Failed); // the receiver accepted every callback the simulator sent
        Assert.True(stats.Duplicated > 0);
        var ledger = await host.Store.GetCallEndsAsync(calls);
        Assert.All(calls, id => Assert.Contains($"\"CallId\":\"{id}\"", ledger[id].CallRecordJson, StringComparison.Ordinal));
        Assert.All(calls, id => Assert.True(ledger[id].Started));
        Assert.All(calls, id => Assert.NotEmpty(ledger[id].Members));

        // Every copy the simulator delivered was either new to the ledger or counted as a duplicate; one row per event.
        Assert.Equal(stats.Delivered, metrics["campaigns.callbacks.events"] + metrics["campaigns.callbacks.duplicates"]);
        Assert.Equal(await host.RowsAsync(), metrics["campaigns.callbacks.events"]);
        Assert.True(metrics["campaigns.callbacks.duplicates"] > 0);
        Assert.True(metrics["campaigns.callbacks.out_of_order"] > 0);
        Assert.Equal(0, metrics["campaigns.callbacks.rejected"]);
    }
}
