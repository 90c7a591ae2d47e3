using System.Diagnostics;
using Campaigns.Testing;

namespace Campaigns.Faults.Tests;

/// <summary>
/// The Temporal server stopped mid-campaign and started again on its database file: the worker and the batches
/// in flight ride it out, and the campaign completes with nobody rung twice. A dev server of the test's own.
/// </summary>
[Trait("Needs", "Temporal")]
[Collection(FaultSuite.Name)]
public sealed class TemporalRestartTests
{
    [Fact]
    public async Task TemporalStoppedAndRestarted_CampaignCompletes_NobodyRungTwice()
    {
        var size = FaultSuite.Targets(600);
        await using var server = await TemporalDevServer.StartAsync();
        await using var run = await FaultRun.StartAsync(temporalAddress: server.Address);
        var callees = FaultRun.Callees("t", size);
        var clock = Stopwatch.StartNew();
        var id = await run.StartCampaignAsync(callees, Math.Clamp(size / 15, 20, 200));
        run.StartWorker();
        await Eventually.TrueAsync(async () => (await run.Simulator.SummaryAsync()).Rings >= size / 3, "a third of the callees rung", 300);

        await server.StopAsync();
        var ringsWhileDown = (await run.Simulator.SummaryAsync()).Rings;
        await Task.Delay(TimeSpan.FromSeconds(5)); // down for a while: polls, heartbeats and completions fail
        await server.StartAgainAsync();

        var result = await run.ResultAsync(id, TimeSpan.FromMinutes(10));

        Assert.InRange(ringsWhileDown, size / 3, size - 1); // the stop came mid-campaign
        var report = await CampaignInvariants.CheckAsync(run, "Temporal server restarted", id, callees, result, clock.Elapsed);
        Assert.Equal(1, report.MaxRingsPerCallee);
    }
}
