using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Campaigns.Workflows.Contract;
using Temporalio.Api.Enums.V1;
using Temporalio.Client;
using Temporalio.Testing;
using Temporalio.Worker;
using Xunit.Abstractions;

namespace Campaigns.Workflows.Tests.Mocked;

/// <summary>
/// One time-skipping test server for the tests of a class. The first fixture of the process also runs a one-target
/// campaign, so that the tests' figures do not include compiling the SDK's and the workflow's code (about a second).
/// </summary>
public sealed class TimeSkippingFixture : IAsyncLifetime
{
    private static readonly SemaphoreSlim WarmUpGate = new(1, 1);
    private static bool warm;

    public WorkflowEnvironment Env { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var clock = Stopwatch.StartNew();
        Env = await TimeSkippingServer.StartAsync();
        var started = clock.Elapsed;
        await WarmUpGate.WaitAsync();
        try
        {
            if (!warm)
            {
                var id = MockedCampaign.NewId("warmup");
                await using var c = await MockedCampaign.StartAsync(Env, new FakeCampaignActivities(), null, id, MockedCampaign.Json(id, 1));
                await c.Handle.GetResultAsync();
                warm = true;
            }
        }
        finally
        {
            WarmUpGate.Release();
        }

        Console.WriteLine($"[mocked] time-skipping server up in {started.TotalMilliseconds:0} ms, ready (warm-up included) in {clock.Elapsed.TotalMilliseconds:0} ms");
    }

    public async Task DisposeAsync() => await Env.DisposeAsync();
}

/// <summary>
/// A campaign workflow on the time-skipping server, run by a worker of its own (its own task queue) whose activities are
/// a <see cref="FakeCampaignActivities"/>: the real workflow code, no store, no simulator. Time passes only while the
/// test awaits a result or a delay of the environment, and then as fast as the workflow's timers allow.
/// </summary>
internal sealed class MockedCampaign : IAsyncDisposable
{
    private readonly TemporalWorker worker;
    private readonly Task running;
    private readonly CancellationTokenSource stop = new();
    private readonly ITestOutputHelper? output;
    private readonly string name;
    private readonly Stopwatch clock = Stopwatch.StartNew();

    private MockedCampaign(WorkflowEnvironment env, FakeCampaignActivities fake, ITestOutputHelper? output, string name)
    {
        Env = env;
        Fake = fake;
        this.output = output;
        this.name = name;
        TaskQueue = "mocked-" + Guid.NewGuid().ToString("N")[..8];
        worker = new TemporalWorker(env.Client, new TemporalWorkerOptions(TaskQueue).AddWorkflow<CampaignWorkflow>().AddAllActivities(fake));
        running = worker.ExecuteAsync(stop.Token);
    }

    public WorkflowEnvironment Env { get; }

    public FakeCampaignActivities Fake { get; }

    public string TaskQueue { get; }

    public WorkflowHandle<CampaignWorkflow, CampaignProgress> Handle { get; private set; } = null!;

    /// <summary>When the campaign started, in workflow time.</summary>
    public DateTimeOffset StartedAt { get; private set; }

    /// <summary>Starts the campaign <paramref name="json"/> (its id must be <paramref name="id"/>) under its own workflow id.</summary>
    public static async Task<MockedCampaign> StartAsync(WorkflowEnvironment env, FakeCampaignActivities fake, ITestOutputHelper? output, string id, string json, [CallerMemberName] string test = "")
    {
        var campaign = new MockedCampaign(env, fake, output, test);
        campaign.StartedAt = await campaign.NowAsync();
        campaign.Handle = await env.Client.StartWorkflowAsync(
            (CampaignWorkflow wf) => wf.RunAsync(JsonDocument.Parse(json).RootElement.Clone(), null),
            new WorkflowOptions(CampaignSearch.WorkflowIdOf(id), campaign.TaskQueue));
        return campaign;
    }

    /// <summary>A campaign id of its own for each test.</summary>
    public static string NewId(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>A campaign's JSON: <paramref name="targets"/> callees c1…, robot, and <paramref name="extra"/> fields (", …").</summary>
    public static string Json(string id, int targets, string extra = "") =>
        $$"""{ "campaignId": "{{id}}", "robotAccount": "robot", "callees": [{{string.Join(", ", Enumerable.Range(1, targets).Select(i => $"\"c{i}\""))}}]{{extra}} }""";

    /// <summary>Workflow time now (the server's clock).</summary>
    public async Task<DateTimeOffset> NowAsync() => new(DateTime.SpecifyKind(await Env.GetCurrentTimeAsync(), DateTimeKind.Utc));

    /// <summary>The campaign's result (time skips meanwhile), printing the real time the test took.</summary>
    public async Task<CampaignProgress> ResultAsync()
    {
        var result = await Handle.GetResultAsync();
        await PrintTimesAsync();
        return result;
    }

    /// <summary>
    /// Prints the real time since the worker started and the workflow time the campaign took (to its latest run's last
    /// event: once the run has closed, the server may skip far ahead to a timer left behind, a timeout of years).
    /// </summary>
    public async Task PrintTimesAsync(string what = "")
    {
        var real = clock.Elapsed;
        var workflowTime = (await Handle.FetchHistoryAsync()).Events.Last().EventTime.ToDateTimeOffset() - StartedAt;
        Print($"{what}real time {real.TotalMilliseconds:0} ms for {workflowTime.TotalSeconds:0} s of workflow time, "
            + $"{Fake.Batches.Count} batch executions, {Fake.Dials.Count} dials");
    }

    /// <summary>Writes to the test's output and to the console (the figures are read in the test run's log).</summary>
    public void Print(string line)
    {
        output?.WriteLine(line);
        Console.WriteLine($"[mocked] {name}: {line}");
    }

    /// <summary>Waits (real time, no time skipped) until the fake recorded what <paramref name="done"/> asks.</summary>
    public static async Task UntilAsync(Func<bool> done, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!done())
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(10), "timed out waiting for " + what);
            await Task.Delay(5);
        }
    }

    /// <summary>The run's history replays with the workflow code (no nondeterminism).</summary>
    public async Task AssertReplaysAsync(WorkflowHandle? handle = null)
    {
        var replayer = new WorkflowReplayer(new WorkflowReplayerOptions { DataConverter = CampaignJson.DataConverter }.AddWorkflow<CampaignWorkflow>());
        var result = await replayer.ReplayWorkflowAsync(await (handle ?? Handle).FetchHistoryAsync(), throwOnReplayFailure: false);
        Assert.Null(result.ReplayFailure);
    }

    /// <summary>The status the server shows for the campaign's latest run.</summary>
    public async Task<WorkflowExecutionStatus> StatusAsync() => (await Handle.DescribeAsync()).Status;

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        try
        {
            await running;
        }
        catch (OperationCanceledException)
        {
        }

        worker.Dispose();
        stop.Dispose();
    }
}
