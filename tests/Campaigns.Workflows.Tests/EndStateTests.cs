using System.Diagnostics;
using Campaigns.Activities.Batches;
using Campaigns.Simulator;
using Campaigns.Storage.Model;
using Campaigns.Workflows.Contract;
using Microsoft.Extensions.Configuration;

namespace Campaigns.Workflows.Tests;

/// <summary>
/// Issue 18's end states with a real worker process: a cancel while the worker is SIGKILLed leaves nothing open,
/// a worker frozen (SIGSTOP) past the heartbeat timeout never sends a stale start when it wakes, and a redial
/// never follows a call that may have been answered.
/// </summary>
[Trait("Needs", "Temporal")]
[Collection(TemporalTests.Name)]
public sealed class EndStateTests(TemporalServer temporal)
{
    private static readonly Dictionary<string, string?> FastWatch = new()
    {
        ["Campaigns:Watch:FirstPollSeconds"] = "1",
        ["Campaigns:Watch:RecordDelaySeconds"] = "1",
        ["Campaigns:Watch:ReconcileWindowSeconds"] = "60",
    };

    // Calls of a few seconds, some answered, so that a kill or a freeze finds calls ringing, talking and ended.
    private static void FewSecondCalls(SimulatorOptions o)
    {
        CampaignFaultTests.QuickCalls(o);
        o.Scenario.RingMinSeconds = 1;
        o.Scenario.RingMaxSeconds = 4;
        o.Scenario.TalkMinSeconds = 2;
        o.Scenario.TalkMaxSeconds = 6;
    }

    [Fact]
    public async Task CancelWhileTheWorkerIsKilled_Restarted10sLater_EndsCancelled_NothingLeftOpen()
    {
        await using var h = await CampaignHarness.StartAsync(temporal, FewSecondCalls, timeScale: 1, config: FastWatch);
        await h.StopWorkerAsync(); // the in-process worker steps aside for a real process
        var config = WithFastWatch(h.WorkerConfig());
        await h.Simulator.SetFaultsAsync(new FaultRates { LatencyMs = 300, Apis = [ApiNames.StartCallByRobot] });
        var id = CampaignHarness.NewId();
        var callees = Enumerable.Range(1, 300).Select(i => $"c{i:D3}").ToList();
        var handle = await h.Campaigns.StartAsync(new CampaignSpec
        {
            CampaignId = id, RobotAccount = "robot", Callees = callees, RingTimeoutMs = 10_000, Rate = new() { MaxCallsPerSecond = 30 },
        });

        int placedAtKill;
        using (var first = WorkerProcess.Start(config))
        {
            await Eventually.TrueAsync(async () => (await h.Simulator.CallsAsync()).Count >= 60, "60 calls placed", 120);
            // The cancel and the kill at the same moment: the cancel reaches no worker, batches time out.
            await handle.CancelAsync();
            first.Kill();
            placedAtKill = (await h.Simulator.CallsAsync()).Count;
        }

        await Task.Delay(TimeSpan.FromSeconds(10));
        using var second = WorkerProcess.Start(config);
        var failure = await Assert.ThrowsAsync<Temporalio.Exceptions.WorkflowFailedException>(() => handle.GetResultAsync());
        Assert.IsType<Temporalio.Exceptions.CanceledFailureException>(failure.InnerException);
        var result = await handle.QueryAsync(wf => wf.Progress);

        Assert.Equal(CampaignStatuses.Cancelled, result.Status);
        Assert.Equal(CampaignStatus.Cancelled, (await h.Store.GetCampaignAsync(id))!.Status);
        var states = (await h.Store.GetProgressAsync(id)).AttemptsByState;
        Assert.All(
            new[] { AttemptState.Intended, AttemptState.Dialing, AttemptState.Dialed },
            s => Assert.True(states.GetValueOrDefault(s) == 0, $"{states.GetValueOrDefault(s)} attempts left {s}"));

        var rings = await h.Simulator.RingsAsync();
        var outcomes = await CampaignEndToEndTests.ReadOutcomesAsync(h, id);
        var withOutcome = outcomes.Select(o => o.Callee).ToHashSet();
        var unknown = states.GetValueOrDefault(AttemptState.Unknown);
        Assert.All(rings, r => Assert.True(r.Value <= 1, $"{r.Key} rung {r.Value} times"));
        var rungWithout = rings.Keys.Where(c => !withOutcome.Contains(c)).ToList();
        Assert.True(rungWithout.Count <= unknown, $"{rungWithout.Count} rung callees have no outcome, only {unknown} attempts are Unknown");
        Assert.Equal(unknown, result.Unresolved);
        Assert.True(result.Finished <= result.Dispatched);
        Console.WriteLine(
            $"cancel + SIGKILL: placed at kill {placedAtKill}, rings {rings.Values.Sum()}, outcomes {outcomes.Count}, unresolved {result.Unresolved}, "
            + $"states {string.Join(", ", states.Select(s => $"{s.Key} {s.Value}"))}, results {string.Join(", ", result.ByResult.Select(r => $"{r.Key} {r.Value}"))}");
    }

    [Fact]
    public async Task WorkerFrozenPastTheHeartbeatTimeout_SecondWorkerTakesOver_NoStaleStartSent_NobodyRungTwice()
    {
        await using var h = await CampaignHarness.StartAsync(temporal, FewSecondCalls, timeScale: 1, config: FastWatch);
        await h.StopWorkerAsync();
        var config = WithFastWatch(h.WorkerConfig());
        // Starts answer slowly, so the freeze lands between claims and sends.
        await h.Simulator.SetFaultsAsync(new FaultRates { LatencyMs = 400, Apis = [ApiNames.StartCallByRobot] });
        var skew = await h.Simulator.NowAsync() - DateTimeOffset.UtcNow;
        var id = CampaignHarness.NewId();
        var callees = Enumerable.Range(1, 240).Select(i => $"s{i:D3}").ToList();
        var handle = await h.Campaigns.StartAsync(new CampaignSpec
        {
            CampaignId = id, RobotAccount = "robot", Callees = callees, RingTimeoutMs = 10_000, Rate = new() { MaxCallsPerSecond = 30 },
        });

        using var first = WorkerProcess.Start(config);
        await Eventually.TrueAsync(async () => (await h.Simulator.CallsAsync()).Count >= 40, "40 calls placed", 120);
        Signal(first.Id, "STOP");
        var frozen = Stopwatch.StartNew();
        using var second = WorkerProcess.Start(config);
        await Task.Delay(TimeSpan.FromSeconds(35)); // past the batches' heartbeat timeout (20 s): the second one takes over
        Signal(first.Id, "CONT");
        var frozenFor = frozen.Elapsed;
        var result = await handle.GetResultAsync();

        Assert.Equal(CampaignStatuses.Completed, result.Status);
        var rings = await h.Simulator.RingsAsync();
        Assert.All(rings, r => Assert.True(r.Value <= 1, $"{r.Key} rung {r.Value} times"));
        // Every start left within the fence of the claim that sent it (plus the request's way there).
        Assert.Empty(await StartsPlacedPastTheFenceAsync(h, skew));
        Console.WriteLine($"SIGSTOP {frozenFor.TotalSeconds:0} s: rings {rings.Values.Sum()}, finished {result.Finished}, unresolved {result.Unresolved}, max rings per callee {rings.Values.DefaultIfEmpty().Max()}");
    }

    [Fact]
    public async Task ClaimsAnsweredPastTheFence_NeverSent_DialedAfreshLater_NobodyRungTwice()
    {
        // The SIGSTOP test above freezes the whole worker, which rarely lands between a claim and its send. Here
        // ten claims are answered 15 s late (a stall right after the claim committed), deterministically: none of
        // them may be sent on that old claim; each is given back and dialed afresh.
        await using var h = await CampaignHarness.StartAsync(temporal, FewSecondCalls, timeScale: 1, config: FastWatch);
        await h.StopWorkerAsync();
        var builder = Worker.WorkerHost.CreateBuilder([], c => c.AddInMemoryCollection(WithFastWatch(h.WorkerConfig())));
        StallingStore.Install(builder, n => n is > 20 and <= 30, TimeSpan.FromSeconds(15));
        using var worker = builder.Build();
        await worker.StartAsync();
        var skew = await h.Simulator.NowAsync() - DateTimeOffset.UtcNow;
        var id = CampaignHarness.NewId();
        var callees = Enumerable.Range(1, 80).Select(i => $"f{i:D2}").ToList();
        var handle = await h.Campaigns.StartAsync(new CampaignSpec
        {
            CampaignId = id, RobotAccount = "robot", Callees = callees, RingTimeoutMs = 10_000, Rate = new() { MaxCallsPerSecond = 20 },
        });

        var result = await handle.GetResultAsync();
        await worker.StopAsync();

        Assert.Equal(CampaignStatuses.Completed, result.Status);
        Assert.Equal(callees.Count, result.Finished);
        var rings = await h.Simulator.RingsAsync();
        Assert.All(rings, r => Assert.Equal(1, r.Value));
        // The stalled ones too were dialed afresh, not lost (a callee the simulator leaves offline is not rung).
        Assert.Equal(0, result.Unresolved);
        Assert.Equal(0, result.ByResult.GetValueOrDefault(Contract.Results.NotPlaced));
        Assert.Empty(await StartsPlacedPastTheFenceAsync(h, skew));
        Assert.True(StallingStore.Stalled >= 10, $"only {StallingStore.Stalled} claims stalled");
        Console.WriteLine($"stalled claims: {StallingStore.Stalled}, rings {rings.Values.Sum()}, finished {result.Finished}, results {string.Join(", ", result.ByResult.Select(r => $"{r.Key} {r.Value}"))}");
    }

    [Fact]
    public async Task RedialRuleOnRecordMissing_TheCallMayHaveBeenAnswered_RedialHeld_NobodyRungTwice()
    {
        await using var h = await CampaignHarness.StartAsync(
            temporal,
            o =>
            {
                CampaignFaultTests.QuickCalls(o);
                o.Records.MissingRate = 1; // no call ever gets a record
            },
            timeScale: 1,
            config: new Dictionary<string, string?> { ["Campaigns:Watch:RecordDelaySeconds"] = "1", ["Campaigns:Watch:RecordMaxWaitSeconds"] = "3", ["Campaigns:Watch:RecordsByFilter"] = "false" });
        var id = CampaignHarness.NewId();
        var callees = Enumerable.Range(1, 6).Select(i => $"m{i}").ToList();
        var handle = await h.Campaigns.StartAsync(new CampaignSpec
        {
            CampaignId = id, RobotAccount = "robot", Callees = callees, RingTimeoutMs = 10_000,
            Redial = new() { MaxAttempts = 2, Rules = [new RedialRule { Result = "RecordMissing", DelaySeconds = 1 }] },
        });

        var result = await handle.GetResultAsync();

        var rings = await h.Simulator.RingsAsync();
        Assert.Equal(callees.Count, rings.Count);
        Assert.All(rings, r => Assert.Equal(1, r.Value));
        Assert.Equal(callees.Count, result.ByResult.GetValueOrDefault(Contract.Results.RedialHeld));
        Assert.Equal(callees.Count, result.Finished);
    }

    // Every call the simulator placed, whose start left later after its claim than the fence allows (+3 s for the
    // request's way there): none may.
    private static async Task<List<string>> StartsPlacedPastTheFenceAsync(CampaignHarness h, TimeSpan skew)
    {
        var late = new List<string>();
        foreach (var call in await h.Simulator.CallsAsync())
        {
            var attempt = await h.Store.GetAttemptByCallIdAsync(call.CallId);
            if (attempt?.ClaimedAt is { } claimed && call.PlacedAt - skew - claimed > BatchRunner.MaxClaimAge + TimeSpan.FromSeconds(3))
            {
                late.Add($"{call.CallId} placed {(call.PlacedAt - skew - claimed).TotalSeconds:0.0} s after its claim");
            }
        }

        return late;
    }

    private static Dictionary<string, string?> WithFastWatch(Dictionary<string, string?> config)
    {
        foreach (var (key, value) in FastWatch)
        {
            config[key] = value;
        }

        return config;
    }

    private static void Signal(int pid, string signal)
    {
        using var kill = Process.Start("kill", $"-{signal} {pid}")!;
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }
}
