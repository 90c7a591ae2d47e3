using System.Diagnostics;

namespace Campaigns.Faults.Tests;

/// <summary>The worker process SIGKILLed every few seconds while the campaign dials, restarted each time.</summary>
[Collection(FaultSuite.Name)]
public sealed class WorkerKillLoopTests
{
    [Fact]
    public async Task WorkerKilledEveryFewSeconds_NobodyRungTwice_EveryRungOutcomeStoredOrUnresolved()
    {
        var size = FaultSuite.Targets(1000);
        await using var run = await FaultRun.StartAsync();
        // Dialing lasts about 20 s at this rate (at least 20/s), so the kills land throughout it.
        var rate = Math.Clamp(size / 20, 20, 200);
        var callees = FaultRun.Callees("k", size);
        var clock = Stopwatch.StartNew();
        var id = await run.StartCampaignAsync(callees, rate);
        // One worker alive at a time, so a fixed fleet size of 1 is exact. Automatic, each replacement would wait
        // for its SIGKILLed predecessor's registration to expire (README "Scaling out") and the kills would
        // land while nothing dials.
        run.WorkerSettings["Campaigns:Budget:Workers"] = "1";
        var worker = run.StartWorker();
        var kills = 0;
        var random = new Random(12);
        var maxKills = Math.Max(5, size / 300);
        while (kills < maxKills)
        {
            await Task.Delay(TimeSpan.FromSeconds(3 + (random.NextDouble() * 3)));
            var placed = (await run.Simulator.SummaryAsync()).Rings;
            if (placed >= size * 0.95)
            {
                break; // dialing is over: what is left is settling, which the last worker finishes
            }

            worker.Kill();
            kills++;
            worker = run.StartWorker();
        }

        var result = await run.ResultAsync(id, TimeSpan.FromMinutes(15));

        Assert.True(kills >= 3, $"only {kills} kills landed while the campaign dialed");
        var report = await CampaignInvariants.CheckAsync(run, $"worker SIGKILLed {kills}×", id, callees, result, clock.Elapsed);
        Assert.Equal(1, report.MaxRingsPerCallee);
    }
}
