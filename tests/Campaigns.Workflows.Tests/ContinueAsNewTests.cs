using Campaigns.Workflows.Contract;
using Temporalio.Testing;

namespace Campaigns.Workflows.Tests;

/// <summary>
/// A dev server of its own that suggests continue-as-new after 20 events (batches of up to 500 keep runs short): a campaign runs as several runs,
/// carrying its cursor and counters, and still dials every target once.
/// </summary>
public sealed class ContinueAsNewTests
{
    [Fact]
    public async Task SmallHistoryLimit_CampaignContinuesAsNew_EveryTargetOnce()
    {
        var cli = Environment.GetEnvironmentVariable("TEMPORAL_CLI_PATH");
        await using var env = await WorkflowEnvironment.StartLocalAsync(new WorkflowEnvironmentStartLocalOptions
        {
            DataConverter = CampaignJson.DataConverter,
            DevServerOptions = new() { ExistingPath = string.IsNullOrEmpty(cli) ? null : cli, ExtraArgs = ["--dynamic-config-value", "limit.historyCount.suggestContinueAsNew=20"] },
            SearchAttributes = [CampaignSearch.CampaignId, CampaignSearch.CampaignStatus],
        });
        var server = TemporalServer.Of(env.Client);
        await using var h = await CampaignHarness.StartAsync(server);
        var id = CampaignHarness.NewId();
        var callees = Enumerable.Range(1, 1000).Select(i => $"n{i:D4}").ToList();

        var handle = await h.Campaigns.StartAsync(new CampaignSpec { CampaignId = id, RobotAccount = "robot", Callees = callees, RingTimeoutMs = 10_000 });
        var result = await h.Campaigns.Get(id).GetResultAsync();

        Assert.True(result.Runs > 1, $"ran as {result.Runs} run(s)");
        Assert.Equal(1000, result.Targets);
        Assert.Equal(1000, result.Dispatched);
        Assert.Equal(1000, result.Finished);
        await RingAssertions.EachRungOnceWithOneOutcomeAsync(h, id, callees);
        var events = new List<int>();
        await foreach (var run in env.Client.ListWorkflowsAsync($"WorkflowId = '{handle.Id}'"))
        {
            events.Add((await env.Client.GetWorkflowHandle(run.Id, run.RunId).FetchHistoryAsync()).Events.Count);
        }

        Console.WriteLine($"continue-as-new: {result.Runs} runs for 1000 targets, events per run {string.Join(", ", events)}, {(double)events.Sum() / 1000:F3} events per target");
    }
}
