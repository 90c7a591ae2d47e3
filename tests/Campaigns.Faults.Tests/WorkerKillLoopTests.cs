using System.Diagnostics;
using Campaigns.Simulator;

namespace Campaigns.Faults.Tests;

/// <summary>The worker process SIGKILLed every few seconds while the campaign dials, restarted each time.</summary>
[Trait("Needs", "Temporal")]
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

    /// <summary>
    /// Issue 18 item 7: a crash loop with the fleet size automatic (no <c>Workers</c> pin). Each restarted worker
    /// finds the registry row of its SIGKILLed predecessor still live; it must keep dialing (reclaim that row,
    /// wait one budget window) instead of waiting for the row to expire, and never exceed the vendor's limit
    /// (lowered to 100/s in the simulator and the workers, no campaign cap: the fleet's share is what paces).
    /// </summary>
    /// <remarks>
    /// In the suite (about 3 minutes): 173 s on a quiet 2-core machine (52 kills, worst second 97 starts of 100), 249 s
    /// while another test run shared it; the wall time against the 240 s goal is printed, never asserted.
    /// </remarks>
    [Fact]
    [Trait("Runs", "Alone")] // its rate against the limit: tests/run.sh runs it after the rest, alone
    public async Task CrashLoop_AutomaticFleet_OnPostgres_KeepsDialingWithinTheBudget()
    {
        await using var run = await FaultRun.StartAsync([$"--Simulator:RateLimits:DefaultPerSecond={CrashLoopLimit}"]);
        await CrashLoopAsync(run, "PostgreSQL");
    }

    /// <summary><see cref="CrashLoop_AutomaticFleet_OnPostgres_KeepsDialingWithinTheBudget"/> on the embedded (SQLite) store.</summary>
    [Fact(Skip = "About 4 minutes: the same crash loop on the embedded store, run by hand with --filter CrashLoop (the PostgreSQL one runs in the suite). Issue 18 item 7: 217 s measured on a quiet 2-core machine (66 kills, worst second 97 starts of 100; goal 240 s). See docs/testing.md, Fault suite")]
    public async Task CrashLoop_AutomaticFleet_OnEmbeddedStore_KeepsDialingWithinTheBudget()
    {
        await using var run = await FaultRun.StartEmbeddedAsync([$"--Simulator:RateLimits:DefaultPerSecond={CrashLoopLimit}"]);
        await CrashLoopAsync(run, "embedded SQLite");
    }

    private const int CrashLoopLimit = 100;

    private static async Task CrashLoopAsync(FaultRun run, string store)
    {
        var size = FaultSuite.Targets(1500);
        foreach (var api in new[] { "StartCallsPerSecond", "CallInfoPerSecond", "EndCallPerSecond", "RecordsPerSecond" })
        {
            run.WorkerSettings[$"Campaigns:Budget:{api}"] = $"{CrashLoopLimit}";
        }

        var callees = FaultRun.Callees("c", size);
        var clock = Stopwatch.StartNew();
        var id = await run.StartCampaignAsync(callees);
        var worker = run.StartWorker();
        var kills = 0;
        var random = new Random(18);
        while (clock.Elapsed < TimeSpan.FromMinutes(12))
        {
            // Every ~3 s (±1.5 s), until dialing is over: what is left is settling, which the last worker finishes.
            await Task.Delay(TimeSpan.FromSeconds(1.5 + (random.NextDouble() * 3)));
            if ((await run.Simulator.SummaryAsync()).Rings >= size * 0.95)
            {
                break;
            }

            worker.Kill();
            kills++;
            worker = run.StartWorker();
        }

        var dialed = clock.Elapsed;
        var result = await run.ResultAsync(id, TimeSpan.FromMinutes(15));
        var wall = clock.Elapsed;

        var starts = (await run.Simulator.RequestsAsync()).Apis[ApiNames.StartCallByRobot];
        var reclaims = run.Workers.Sum(w => w.Output.Count(line => line.Contains("reclaimed the row of", StringComparison.Ordinal)));
        Console.WriteLine(
            $"crash loop ({store}, automatic fleet): {size} callees, {kills} kills, {reclaims} rows reclaimed, dialing {dialed.TotalSeconds:F0} s, " +
            $"completed in {wall.TotalSeconds:F0} s; starts: worst 1-s window received {starts.WorstWindowReceived} (limit {starts.Limit}), rate-limited {starts.RateLimited}");
        Assert.True(kills >= 3, $"only {kills} kills landed while the campaign dialed");
        var report = await CampaignInvariants.CheckAsync(run, $"crash loop ({store}), {kills} kills", id, callees, result, wall);
        Assert.Equal(1, report.MaxRingsPerCallee);
        Assert.Equal(0, starts.RateLimited);
        Assert.True(reclaims > 0, "no restarted worker reclaimed its predecessor's row");
        // The wall time against the 240 s goal is printed above, never asserted (a figure of a loaded machine).
    }
}
