using Campaigns.Simulator;
using Campaigns.Storage;
using Campaigns.Testing;
using Campaigns.Workflows.Contract;
using Xunit.Abstractions;

namespace Campaigns.Callbacks.Tests;

/// <summary>
/// Issue 19's goals for using callbacks, each a campaign on the real dev server, simulator and PostgreSQL: with no
/// callback lost, calls are barely polled and records barely asked for (latency printed beside a polling-only run);
/// with 20 % lost, 5 % duplicated and 5 % reordered, every outcome is stored once and equals a polling-only run's on
/// the same seed; a worker killed mid-campaign loses and doubles nothing. Figures are printed, never timed.
/// </summary>
[Trait("Needs", "Temporal")]
[Collection(ReceiverTests.Name)]
public sealed class CallbacksInUseTests(TemporalServer temporal, ITestOutputHelper output)
{
    [Fact]
    public async Task NoLoss_CallsBarelyPolled_RecordsFromCallbacks_LatencyPrintedAgainstPollingOnly()
    {
        // Real time (latency is measured on the wall clock), short calls, records ~5 s after the end as the vendor
        // says; callbacks 0–1 s late, 5 % twice, none lost or held back. The worker's defaults otherwise.
        static void Short(SimulatorOptions o)
        {
            o.Scenario.RingMinSeconds = 1;
            o.Scenario.RingMaxSeconds = 2;
            o.Scenario.TalkMinSeconds = 1;
            o.Scenario.TalkMaxSeconds = 2;
            o.Records.LateRate = o.Records.MissingRate = 0;
            o.Callbacks.LossRate = o.Callbacks.ReorderRate = 0;
            o.Callbacks.DuplicateRate = 0.05;
        }

        var callees = Enumerable.Range(1, 200).Select(i => $"z{i:D3}").ToList();
        var on = await RunAsync(callbacks: true, 1, Short, callees);
        var off = await RunAsync(callbacks: false, 1, Short, callees);

        Print("callbacks on  (0 % lost, 5 % twice)", on.Figures);
        Print("callbacks off (polling only)       ", off.Figures);
        Assert.InRange(on.Figures.InfoPerCall, 0, 0.2);
        Assert.InRange(on.Figures.RecordsPerCall, 0, 0.02);
        Assert.True(off.Figures.InfoPerCall >= 1, "polling only: every call is polled");
        Assert.Equal(Results(off.Outcomes), Results(on.Outcomes));
    }

    [Fact]
    public async Task TwentyPercentLost_FiveDuplicated_FiveReordered_EveryOutcomeOnce_SameAsPollingOnly()
    {
        // The simulator's own call mix, 10× faster; records always come (a record that never comes is RecordMissing
        // by polling but known from a callback: the runs would differ by design), every start answer names its callees.
        static void Lossy(SimulatorOptions o)
        {
            o.Records.LateRate = o.Records.MissingRate = 0;
            o.Scenario.NoCallResultRate = 0;
            o.Callbacks.LossRate = 0.20;
            o.Callbacks.DuplicateRate = 0.05;
            o.Callbacks.ReorderRate = 0.05;
        }

        var callees = Enumerable.Range(1, 300).Select(i => $"l{i:D3}").ToList();
        var on = await RunAsync(callbacks: true, 10, Lossy, callees);
        var off = await RunAsync(callbacks: false, 10, Lossy, callees);

        Print("callbacks on  (20 % lost, 5 % twice, 5 % reordered)", on.Figures);
        Print("callbacks off (polling only)                       ", off.Figures);
        Assert.True(on.Figures.Callbacks.Lost > 0 && on.Figures.Callbacks.Duplicated > 0);
        foreach (var run in new[] { on, off })
        {
            Assert.Equal(callees.Count, run.Outcomes.Count);
            Assert.Equal(callees.Order(StringComparer.Ordinal), run.Outcomes.Select(o => o.Callee).Order(StringComparer.Ordinal)); // each exactly once
            Assert.DoesNotContain(run.Outcomes, o => o.Result == "RecordMissing");
        }

        Assert.Equal(Results(off.Outcomes), Results(on.Outcomes));
    }

    [Fact]
    public async Task WorkerKilledMidCampaign_CallbacksOn_NothingLost_NothingDoubled()
    {
        // Real time (a start whose answer the kill lost is found by its RoomId on the vendor's clock), calls of a few
        // seconds, records always written; the simulator's default callback fates.
        await using var run = await CallbackCampaign.CreateAsync(
            temporal,
            callbacks: true,
            timeScale: 1,
            o =>
            {
                o.RecordDelaySeconds = 1;
                o.Records.LateRate = o.Records.MissingRate = 0;
                o.Scenario.RingMinSeconds = o.Scenario.TalkMinSeconds = 0.5;
                o.Scenario.RingMaxSeconds = o.Scenario.TalkMaxSeconds = 3;
            },
            new Dictionary<string, string?>
            {
                ["Campaigns:Watch:FirstPollSeconds"] = "1",
                ["Campaigns:Watch:RecordDelaySeconds"] = "1",
                ["Campaigns:Watch:ReconcileWindowSeconds"] = "60",
                ["Campaigns:Watch:CallbackSilenceSeconds"] = "10",
            });
        var callees = Enumerable.Range(1, 200).Select(i => $"k{i:D3}").ToList();
        var id = "c-" + Guid.NewGuid().ToString("N")[..12];
        var handle = await run.Campaigns.StartAsync(new CampaignSpec
        {
            CampaignId = id, RobotAccount = "robot", Callees = callees, RingTimeoutMs = 10_000, Rate = new() { MaxCallsPerSecond = 20 },
        });

        int placedAtKill;
        using (var first = WorkerProcess.Start(run.Config))
        {
            await Eventually.TrueAsync(async () => (await run.Simulator.CallsAsync()).Count >= 60, "60 calls placed", 120);
            first.Kill(); // SIGKILL: calls live, callbacks on their way to a receiver that is gone
            placedAtKill = (await run.Simulator.CallsAsync()).Count;
        }

        using var second = WorkerProcess.Start(run.Config);
        var result = await handle.GetResultAsync();

        Assert.Equal(CampaignStatuses.Completed, result.Status);
        Assert.InRange(placedAtKill, 60, 199);
        var outcomes = await run.OutcomesAsync(id);
        var rings = await run.Simulator.RingsAsync();
        var figures = await run.FiguresAsync(id);
        Print($"worker killed after {placedAtKill} calls placed ({result.Unresolved} unresolved)", figures);
        Assert.Equal(outcomes.Count, outcomes.Select(o => o.Callee).Distinct().Count()); // nothing doubled
        foreach (var callee in callees)
        {
            var rung = rings.GetValueOrDefault(callee);
            Assert.True(rung <= 1, $"{callee} rung {rung} times");
            if (rung == 1)
            {
                var outcome = Assert.Single(outcomes, o => o.Callee == callee); // nothing lost
                Assert.NotEqual("RecordMissing", outcome.Result);
            }
        }

        var unresolved = callees.Where(c => outcomes.All(o => o.Callee != c)).ToList();
        Assert.Equal(result.Unresolved, unresolved.Count);
        Assert.All(unresolved, c => Assert.Equal(0, rings.GetValueOrDefault(c)));
        Assert.True(figures.Callbacks.Failed > 0 || figures.Callbacks.Lost > 0, "some callbacks never reached a receiver");
    }

    private static SortedDictionary<string, string> Results(List<OutcomeExportRow> outcomes) =>
        new(outcomes.ToDictionary(o => o.Callee, o => $"{o.Result} {o.RawResult}", StringComparer.Ordinal), StringComparer.Ordinal);

    private async Task<(CallbackCampaign.Figures Figures, List<OutcomeExportRow> Outcomes)> RunAsync(
        bool callbacks, double timeScale, Action<SimulatorOptions> simulator, List<string> callees)
    {
        await using var run = await CallbackCampaign.CreateAsync(temporal, callbacks, timeScale, simulator);
        await run.StartWorkerAsync();
        var (id, result) = await run.RunAsync(callees, ringTimeoutMs: 30_000);
        Assert.Equal(CampaignStatuses.Completed, result.Status);
        Assert.Equal(0, result.Unresolved);
        var outcomes = await run.OutcomesAsync(id);
        var rings = await run.Simulator.RingsAsync();
        Assert.All(rings, r => Assert.Equal(1, r.Value)); // never anyone rung twice
        return (await run.FiguresAsync(id), outcomes);
    }

    private void Print(string what, CallbackCampaign.Figures figures)
    {
        output.WriteLine($"{what}: {figures}");
        Console.WriteLine($"{what}: {figures}");
    }
}
