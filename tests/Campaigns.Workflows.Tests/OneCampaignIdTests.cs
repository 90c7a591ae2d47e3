using System.Text.Json;
using Campaigns.Workflows.Contract;
using Temporalio.Client;
using Temporalio.Exceptions;

namespace Campaigns.Workflows.Tests;

/// <summary>
/// One campaign id, one campaign (issue 18, item 1): once a campaign id has run, neither the Temporal CLI's
/// default id-reuse policy nor another workflow id nor another client runs it again: each such start fails with
/// a named error and rings nobody, with the campaign's own row unchanged.
/// </summary>
[Trait("Needs", "Temporal")]
[Collection(TemporalTests.Name)]
public sealed class OneCampaignIdTests(TemporalServer temporal)
{
    [Fact]
    public async Task SameWorkflowId_AfterCompletedCancelledAndTerminated_IsRefused_NobodyRungAgain()
    {
        await using var h = await CampaignHarness.StartAsync(temporal);

        // Completed, then started again by the Temporal CLI with more attempts allowed (the redials it would add).
        var completed = Spec(4, rate: null);
        await (await h.Campaigns.StartAsync(completed)).GetResultAsync();
        var before = await RingCountAsync(h);
        var again = JsonSerializer.Serialize(completed with { Redial = new RedialSpec { MaxAttempts = 4, Rules = [new RedialRule { Result = "NotAnswer", DelaySeconds = 1 }, new RedialRule { Result = "CallBusy", DelaySeconds = 1 }] } }, CampaignJson.Options);
        var cliFailure = await StartWithCliFailsAsync(h, CampaignSearch.WorkflowIdOf(completed.CampaignId!), again);
        Assert.True(cliFailure.ErrorType == CampaignErrors.CampaignAlreadyRun, cliFailure.Message);
        Assert.Equal(before, await RingCountAsync(h));

        // Cancelled mid-campaign (targets left Intended), then started again by a raw client.
        var cancelled = Spec(60, rate: 2);
        var handle = await h.Campaigns.StartAsync(cancelled);
        await WaitForRingsAsync(h, before + 2);
        await handle.CancelAsync();
        await Assert.ThrowsAsync<WorkflowFailedException>(() => handle.GetResultAsync());
        var afterCancel = await RingCountAsync(h);
        var failure = await RawStartFailsAsync(h, CampaignSearch.WorkflowIdOf(cancelled.CampaignId!), cancelled);
        Assert.Equal(CampaignErrors.CampaignAlreadyRun, failure.ErrorType);
        Assert.Contains("new campaignId", failure.Message, StringComparison.Ordinal);
        Assert.Equal("cancelled", (await h.Store.GetCampaignAsync(cancelled.CampaignId!))!.Status.ToString().ToLowerInvariant());

        // Terminated (the store still says Running: nothing recorded the end), then started again.
        var terminated = Spec(60, rate: 2);
        var running = await h.Campaigns.StartAsync(terminated);
        await WaitForRingsAsync(h, afterCancel + 2);
        await running.TerminateAsync("test");
        failure = await RawStartFailsAsync(h, CampaignSearch.WorkflowIdOf(terminated.CampaignId!), terminated);
        Assert.Equal(CampaignErrors.CampaignAlreadyRun, failure.ErrorType);

        // The terminated run's batch goes on with the callees it was given until its heartbeat finds the workflow
        // gone; the refused run dialed nobody: every callee of every campaign here was rung at most once.
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Empty(await h.Simulator.RingsAsync(min: 2));
    }

    [Fact]
    public async Task AnotherWorkflowId_WhileRunningAndAfter_IsRefused_NobodyRungTwice()
    {
        await using var h = await CampaignHarness.StartAsync(temporal);
        var spec = Spec(20, rate: 5);
        var own = await h.Campaigns.StartAsync(spec);

        // While it runs: the same campaign id under another workflow id, by a raw client and by the CLI.
        var failure = await RawStartFailsAsync(h, "other-" + spec.CampaignId, spec);
        Assert.Equal(CampaignErrors.WrongWorkflowId, failure.ErrorType);
        Assert.Contains(CampaignSearch.WorkflowIdOf(spec.CampaignId!), failure.Message, StringComparison.Ordinal);
        var cli = await StartWithCliFailsAsync(h, "cli-" + spec.CampaignId, JsonSerializer.Serialize(spec, CampaignJson.Options));
        Assert.Equal(CampaignErrors.WrongWorkflowId, cli.ErrorType);

        var result = await own.GetResultAsync();
        Assert.Equal(CampaignStatuses.Completed, result.Status);

        // After: the same again.
        failure = await RawStartFailsAsync(h, "later-" + spec.CampaignId, spec);
        Assert.Equal(CampaignErrors.WrongWorkflowId, failure.ErrorType);
        await RingAssertions.EachRungOnceWithOneOutcomeAsync(h, spec.CampaignId!, spec.Callees!);
    }

    private static CampaignSpec Spec(int callees, int? rate) => new()
    {
        CampaignId = CampaignHarness.NewId(),
        RobotAccount = "robot",
        Callees = [.. Enumerable.Range(1, callees).Select(i => $"o{i:D3}-{Guid.NewGuid().ToString("N")[..6]}")],
        RingTimeoutMs = 10_000,
        Rate = new RateSpec { MaxCallsPerSecond = rate },
    };

    private static async Task<long> RingCountAsync(CampaignHarness h) => (await h.Simulator.SummaryAsync()).Rings;

    private static async Task WaitForRingsAsync(CampaignHarness h, long rings)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (await RingCountAsync(h) < rings)
        {
            Assert.True(DateTime.UtcNow < deadline, $"fewer than {rings} rings after 60 s");
            await Task.Delay(100);
        }
    }

    // A client other than CampaignClient: the SDK's own start with the campaign as JSON and an id of our choosing
    // (the default id-reuse policy allows a new run once the previous one closed).
    private static async Task<ApplicationFailureException> RawStartFailsAsync(CampaignHarness h, string workflowId, CampaignSpec spec)
    {
        var input = JsonSerializer.SerializeToElement(spec, CampaignJson.Options);
        var handle = await h.Temporal.Client.StartWorkflowAsync((CampaignWorkflow wf) => wf.RunAsync(input, null), new WorkflowOptions(workflowId, h.TaskQueue));
        var failed = await Assert.ThrowsAsync<WorkflowFailedException>(() => handle.GetResultAsync());
        var cause = failed.InnerException is ActivityFailureException activity ? activity.InnerException : failed.InnerException;
        return Assert.IsType<ApplicationFailureException>(cause);
    }

    // `temporal workflow start` as an operator types it (the CLI's default id-reuse policy allows a new run once
    // the previous one closed); the failure is then read with the SDK.
    private static async Task<ApplicationFailureException> StartWithCliFailsAsync(CampaignHarness h, string workflowId, string json)
    {
        var cli = Environment.GetEnvironmentVariable("TEMPORAL_CLI_PATH") is { Length: > 0 } path ? path
            : throw new InvalidOperationException("TEMPORAL_CLI_PATH is not set: run the tests with 'bash tests/run.sh'");
        var file = Path.Combine(Path.GetTempPath(), workflowId + ".json");
        await File.WriteAllTextAsync(file, json);
        var (exit, output) = await CliStartTests.RunAsync(cli, ["workflow", "start", "--type", "CampaignWorkflow", "--task-queue", h.TaskQueue, "--workflow-id", workflowId, "--input-file", file, "--address", h.Temporal.Address]);
        File.Delete(file);
        Assert.True(exit == 0, output);
        var failed = await Assert.ThrowsAsync<WorkflowFailedException>(() => h.Temporal.Client.GetWorkflowHandle(workflowId).GetResultAsync());
        var cause = failed.InnerException is ActivityFailureException activity ? activity.InnerException : failed.InnerException;
        return Assert.IsType<ApplicationFailureException>(cause);
    }
}
