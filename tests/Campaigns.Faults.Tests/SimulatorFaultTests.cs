using System.Diagnostics;
using Campaigns.Simulator;

namespace Campaigns.Faults.Tests;

/// <summary>
/// The vendor at its worst at once, on every API: 20% 101001, 5% hung requests, 2% starts placed and then never
/// answered, 502s (before and after the work), late and missing records. Callbacks have no consumer in the
/// product yet, so their duplication and reordering cannot matter (the simulator's own tests cover them).
/// </summary>
[Trait("Needs", "Temporal")]
[Collection(FaultSuite.Name)]
public sealed class SimulatorFaultTests
{
    [Fact]
    public async Task HostileVendor_CampaignCompletes_NobodyRungTwice_EveryRungOutcomeStoredOrUnresolved()
    {
        var size = FaultSuite.Targets(600);
        await using var run = await FaultRun.StartAsync(
        [
            "--Simulator:Faults:Error101001Rate=0.2",
            "--Simulator:Faults:HangRate=0.05",
            "--Simulator:Faults:HangSeconds=20",
            "--Simulator:Faults:PlaceThenHangRate=0.02",
            "--Simulator:Faults:Http502Rate=0.03",
            "--Simulator:Faults:PlaceThen502Rate=0.01",
            "--Simulator:Records:LateRate=0.05",
            "--Simulator:Records:LateMinMinutes=0.2",
            "--Simulator:Records:LateMaxMinutes=0.5",
            "--Simulator:Records:MissingRate=0.03",
        ]);
        var callees = FaultRun.Callees("v", size);
        var clock = Stopwatch.StartNew();
        var id = await run.StartCampaignAsync(callees, Math.Clamp(size / 15, 20, 200));
        run.StartWorker();

        var result = await run.ResultAsync(id, TimeSpan.FromMinutes(15));

        var report = await CampaignInvariants.CheckAsync(run, "hostile vendor", id, callees, result, clock.Elapsed);
        Assert.Equal(1, report.MaxRingsPerCallee);
        var requests = await run.Simulator.RequestsAsync();
        Assert.True(requests.Apis[ApiNames.StartCallByRobot].Total > size, "the faults refused some starts");
        Assert.True(result.ByResult.GetValueOrDefault("RecordMissing") > 0, "some records never came");
    }
}
