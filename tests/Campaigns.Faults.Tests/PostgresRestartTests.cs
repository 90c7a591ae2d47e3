using System.Diagnostics;
using Campaigns.Testing;

namespace Campaigns.Faults.Tests;

/// <summary>
/// PostgreSQL restarted mid-campaign (fast shutdown: every open connection is cut). The test runs on a
/// cluster of its own: the test assemblies run in parallel and share the other server.
/// </summary>
[Trait("Needs", "Temporal")]
[Collection(FaultSuite.Name)]
public sealed class PostgresRestartTests
{
    [Fact]
    public async Task PostgresRestarted_CampaignCompletes_NobodyRungTwice()
    {
        var size = FaultSuite.Targets(600);
        await using var cluster = await PostgresCluster.StartAsync();
        await using var run = await FaultRun.StartAsync(postgresAdmin: cluster.AdminConnectionString);
        var callees = FaultRun.Callees("p", size);
        var clock = Stopwatch.StartNew();
        var id = await run.StartCampaignAsync(callees, Math.Clamp(size / 15, 20, 200));
        run.StartWorker();
        await Eventually.TrueAsync(async () => (await run.Simulator.SummaryAsync()).Rings >= size / 3, "a third of the callees rung", 300);

        await cluster.RestartAsync();
        var ringsAtRestart = (await run.Simulator.SummaryAsync()).Rings;
        var result = await run.ResultAsync(id, TimeSpan.FromMinutes(10));

        Assert.InRange(ringsAtRestart, size / 3, size - 1);
        var report = await CampaignInvariants.CheckAsync(run, "PostgreSQL restarted", id, callees, result, clock.Elapsed);
        Assert.Equal(1, report.MaxRingsPerCallee);
    }
}
