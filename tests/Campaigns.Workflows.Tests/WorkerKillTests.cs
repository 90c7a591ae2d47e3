using Campaigns.Workflows.Contract;

namespace Campaigns.Workflows.Tests;

/// <summary>
/// The worker process is SIGKILLed while start requests are in flight, then started again: the simulator's
/// log must show every callee rung at most once, every rung callee's outcome stored, and the campaign done.
/// </summary>
[Trait("Needs", "Temporal")]
[Collection(TemporalTestsSecondLane.Name)]
public sealed class WorkerKillTests(TemporalServer temporal)
{
    [Fact]
    public async Task WorkerKilledMidDial_Restarted_NobodyRungTwice_EveryRungOutcomeStored()
    {
        await using var h = await CampaignHarness.StartAsync(temporal, CampaignFaultTests.QuickCalls, timeScale: 1, config: new Dictionary<string, string?>
        {
            ["Campaigns:Watch:FirstPollSeconds"] = "1",
            ["Campaigns:Watch:RecordDelaySeconds"] = "1",
            ["Campaigns:Watch:ReconcileWindowSeconds"] = "60",
        });
        await h.StopWorkerAsync(); // the in-process worker steps aside for a real process
        var config = h.WorkerConfig();
        config["Campaigns:Watch:FirstPollSeconds"] = "1";
        config["Campaigns:Watch:RecordDelaySeconds"] = "1";
        config["Campaigns:Watch:ReconcileWindowSeconds"] = "60";
        // Every start answers slowly, so that the kill lands while requests are in flight.
        await h.Simulator.SetFaultsAsync(new Simulator.FaultRates { LatencyMs = 300, Apis = [Simulator.ApiNames.StartCallByRobot] });
        var id = CampaignHarness.NewId();
        var callees = Enumerable.Range(1, 200).Select(i => $"k{i:D3}").ToList();
        var handle = await h.Campaigns.StartAsync(new CampaignSpec
        {
            CampaignId = id, RobotAccount = "robot", Callees = callees, RingTimeoutMs = 10_000, Rate = new() { MaxCallsPerSecond = 40 },
        });

        int placedAtKill;
        using (var first = WorkerProcess.Start(config))
        {
            await Eventually.TrueAsync(async () => (await h.Simulator.CallsAsync()).Count >= 60, "60 calls placed", 120);
            first.Kill();
            placedAtKill = (await h.Simulator.CallsAsync()).Count;
        }

        using var second = WorkerProcess.Start(config);
        var result = await handle.GetResultAsync();

        Assert.Equal(CampaignStatuses.Completed, result.Status);
        Assert.Equal(200, result.Finished);
        Assert.InRange(placedAtKill, 60, 199); // the kill came mid-campaign
        var outcomes = await CampaignEndToEndTests.ReadOutcomesAsync(h, id);
        var rings = await h.Simulator.RingsAsync();
        var withOutcome = outcomes.Select(o => o.Callee).ToHashSet();
        Assert.Equal(outcomes.Count, withOutcome.Count); // one outcome per callee
        foreach (var callee in callees)
        {
            var rung = rings.GetValueOrDefault(callee);
            Assert.True(rung <= 1, $"{callee} rung {rung} times");
            if (rung == 1)
            {
                Assert.Contains(callee, withOutcome); // rung → its outcome is stored
            }
        }

        // Callees without an outcome are exactly the unresolved attempts (claimed, never sent).
        var unresolved = callees.Where(c => !withOutcome.Contains(c)).ToList();
        Assert.Equal(result.Unresolved, unresolved.Count);
        Assert.All(unresolved, c => Assert.Equal(0, rings.GetValueOrDefault(c)));
        // Each outcome matches the simulator's rings: NotRung never rung, RingUnknown (the start answer named nobody,
        // the record cannot tell) rung or not, any other result rung once.
        foreach (var o in outcomes)
        {
            var rung = rings.GetValueOrDefault(o.Callee);
            Assert.True(o.Result switch { "NotRung" => rung == 0, "RingUnknown" => rung <= 1, _ => rung == 1 }, $"{o.Callee}: outcome {o.Result}, rung {rung} times");
        }

        Console.WriteLine($"kill test: placed at kill {placedAtKill}, rings {rings.Values.Sum()}, outcomes {outcomes.Count}, unresolved {unresolved.Count}, max rings per callee {rings.Values.DefaultIfEmpty().Max()}");
    }
}
