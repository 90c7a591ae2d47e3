using Campaigns.Workflows.Contract;
using Temporalio.Common;
using Temporalio.Worker;

namespace Campaigns.Workflows.Tests;

/// <summary>
/// Determinism: recorded histories replay against today's workflow code. The checked-in ones (Histories/)
/// catch a change that would break campaigns already running; a fresh one catches nondeterminism itself.
/// </summary>
[Trait("Needs", "Temporal")]
[Collection(TemporalTests.Name)]
public sealed class ReplayTests(TemporalServer temporal)
{
    private static WorkflowReplayer Replayer() => new(new WorkflowReplayerOptions { DataConverter = CampaignJson.DataConverter }.AddWorkflow<CampaignWorkflow>());

    [Fact]
    public async Task CheckedInHistories_ReplayWithoutNondeterminism()
    {
        var files = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Histories"), "*.json");
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var history = WorkflowHistory.FromJson(Path.GetFileNameWithoutExtension(file), await File.ReadAllTextAsync(file));

            var result = await Replayer().ReplayWorkflowAsync(history);

            Assert.Null(result.ReplayFailure);
        }
    }

    [Fact]
    public async Task FreshHistory_WithPauseResumeAndRedial_Replays()
    {
        await using var h = await CampaignHarness.StartAsync(temporal, o => o.Scenario.Forced["rp1"] = Simulator.CalleeBehaviour.NotAnswer);
        var handle = await h.Campaigns.StartAsync(new CampaignSpec
        {
            CampaignId = CampaignHarness.NewId(), RobotAccount = "robot", Callees = ["rp1", "rp2", "rp3"], Groups = [["rp4", "rp5"]], RingTimeoutMs = 10_000,
            Redial = new() { MaxAttempts = 2, Rules = [new RedialRule { Result = "NotAnswer", DelaySeconds = 1 }] },
            Rate = new() { MaxCallsPerSecond = 1 },
        });
        await handle.ExecuteUpdateAsync(wf => wf.PauseAsync());
        await handle.ExecuteUpdateAsync(wf => wf.ResumeAsync());
        await handle.GetResultAsync();
        var history = await handle.FetchHistoryAsync();

        var result = await Replayer().ReplayWorkflowAsync(history);

        Assert.Null(result.ReplayFailure);
        if (Environment.GetEnvironmentVariable("CAMPAIGNS_RECORD_HISTORY") is { Length: > 0 } path)
        {
            await File.WriteAllTextAsync(path, history.ToJson());
        }
    }
}
