using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Campaigns.Simulator;
using Campaigns.Storage;
using Campaigns.TencentCall;
using Campaigns.Testing;
using Campaigns.Workflows;
using Campaigns.Workflows.Contract;
using Microsoft.Extensions.DependencyInjection;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.TaskQueue.V1;
using Temporalio.Api.WorkflowService.V1;
using Temporalio.Client;

namespace Campaigns.Bench;

/// <summary>
/// One campaign end to end on this machine, every part a process of its own as in production: the Temporal dev
/// server (tests/services.sh), the simulator, a worker on PostgreSQL, all at real time (TimeScale 1: the
/// by-filter record searches need the vendor's clock to be the wall clock) with short calls. Then the same
/// campaign by a plain async program against a fresh simulator. Prints one table of figures, asserts nothing.
/// </summary>
internal static class CampaignBench
{
    private const int Budget = 200;
    private const double Headroom = 0.9;
    private const double FirstPollSeconds = 5;
    private const double MaxPollSeconds = 30;
    private const double RecordDelaySeconds = 1;
    private const int RingTimeoutMs = 10_000;

    // Short calls: a ring of 1-2 s, a talk of 1-2 s, the record 1 s after the end (no spread, none late or
    // missing); no Offline or NotAnswer callees, who would ring the whole 10 s timeout.
    private static string[] SimulatorSettings(int targets) =>
    [
        "--Simulator:TimeScale=1",
        "--Simulator:RecordDelaySeconds=1",
        "--Simulator:Records:DelaySpread=0",
        "--Simulator:Records:LateRate=0",
        "--Simulator:Records:MissingRate=0",
        "--Simulator:Scenario:RingMinSeconds=1",
        "--Simulator:Scenario:RingMaxSeconds=2",
        "--Simulator:Scenario:TalkMinSeconds=1",
        "--Simulator:Scenario:TalkMaxSeconds=2",
        "--Simulator:Scenario:OfflineRate=0",
        "--Simulator:Scenario:NotAnswerRate=0",
        $"--Simulator:Limits:MaxCalls={Math.Max(200_000, targets * 2)}",
    ];

    public static async Task RunAsync(int targets, bool withPlain, string command)
    {
        var temporalAddress = Need("TEMPORAL_ADDRESS");
        var loadBefore = File.ReadAllText("/proc/loadavg").Trim();
        var callees = Enumerable.Range(1, targets).Select(i => "b" + i.ToString("D6", CultureInfo.InvariantCulture)).ToList();
        Console.WriteLine($"campaign benchmark: {targets} targets, start budget {Budget}/s (worker headroom {Headroom}: {Budget * Headroom}/s)");

        var durable = await RunDurableAsync(temporalAddress, callees);
        PlainResult? plain = null;
        if (withPlain)
        {
            plain = await RunPlainAsync(callees);
        }

        var loadAfter = File.ReadAllText("/proc/loadavg").Trim();
        Print(targets, durable, plain, command, loadBefore, loadAfter);
    }

    private sealed record DurableResult(
        TimeSpan Wall, DateTimeOffset WorkflowStart, List<Simulator.Endpoints.PlacedCall> Calls, Simulator.Pipeline.RequestsSnapshot Requests,
        List<int> EventsPerRun, long? WorkerPeakRss, long? SimulatorPeakRss, TimeSpan LongestCall, CampaignProgress Result, string FirstRingSteps);

    private sealed record PlainResult(TimeSpan Wall, int Placed, int Lost, int Recorded, List<Simulator.Endpoints.PlacedCall> Calls, Simulator.Pipeline.RequestsSnapshot Requests);

    private static async Task<DurableResult> RunDurableAsync(string temporalAddress, List<string> callees)
    {
        using var simulator = await ExternalSimulator.StartAsync(SimulatorSettings(callees.Count));
        var database = await PostgresServer.CreateDatabaseAsync();
        var id = "bench-" + Guid.NewGuid().ToString("N")[..10];
        var taskQueue = "bench-" + Guid.NewGuid().ToString("N");

        // A campaign this large is imported into the store first (inline targets stop at 10,000).
        var spec = new CampaignSpec { CampaignId = id, RobotAccount = "robot", TargetsImported = true, RingTimeoutMs = RingTimeoutMs };
        var store = OutcomeStores.Create(database);
        await store.MigrateAsync();
        await store.RegisterCampaignAsync(id, CampaignSearch.WorkflowIdOf(id), JsonSerializer.Serialize(spec, CampaignJson.Options));
        foreach (var chunk in callees.Chunk(10_000))
        {
            await store.AddTargetsAsync(id, [.. chunk.Select(c => (IReadOnlyList<string>)[c])]);
        }

        using var worker = WorkerProcess.Start(new Dictionary<string, string?>
        {
            ["Temporal:Address"] = temporalAddress,
            ["Temporal:TaskQueue"] = taskQueue,
            ["TencentCall:SdkAppId"] = "1400000001",
            ["TencentCall:SecretKey"] = "simulator-secret-key",
            ["TencentCall:BaseUrl"] = simulator.BaseUrl.ToString(),
            ["ConnectionStrings:Outcomes"] = database + ";Maximum Pool Size=50",
            ["Campaigns:Watch:TimeScale"] = "1",
            ["Campaigns:Watch:FirstPollSeconds"] = FirstPollSeconds.ToString(CultureInfo.InvariantCulture),
            ["Campaigns:Watch:MaxPollIntervalSeconds"] = MaxPollSeconds.ToString(CultureInfo.InvariantCulture),
            ["Campaigns:Watch:RecordDelaySeconds"] = RecordDelaySeconds.ToString(CultureInfo.InvariantCulture),
            ["Logging:LogLevel:Default"] = "Warning",
        });
        var client = await TemporalClient.ConnectAsync(new TemporalClientConnectOptions(temporalAddress) { DataConverter = CampaignJson.DataConverter });
        await WaitForPollersAsync(client, taskQueue);

        var campaigns = new CampaignClient(client, taskQueue);
        var clock = Stopwatch.StartNew();
        var handle = await campaigns.StartAsync(spec);
        var result = await handle.GetResultAsync();
        var wall = clock.Elapsed;
        var workerRss = worker.PeakRssBytes();
        var simulatorRss = simulator.PeakRssBytes();

        // Every run of the campaign (continue-as-new): its events, and the first run's start.
        var events = new List<int>();
        var firstStart = DateTimeOffset.MaxValue;
        Temporalio.Common.WorkflowHistory? firstHistory = null;
        await foreach (var run in client.ListWorkflowsAsync($"WorkflowId = '{handle.Id}'"))
        {
            var history = await client.GetWorkflowHandle(run.Id, run.RunId).FetchHistoryAsync();
            events.Add(history.Events.Count);
            if (run.StartTime < firstStart)
            {
                firstStart = run.StartTime;
                firstHistory = history;
            }
        }

        var calls = await simulator.CallsAsync();
        var requests = await simulator.RequestsAsync();
        var longest = TimeSpan.Zero;
        await foreach (var row in store.ReadOutcomesAsync(id))
        {
            if (row.StartTime is { } s && row.EndTime is { } e && e - s > longest)
            {
                longest = e - s;
            }
        }

        worker.Kill();
        await ((IAsyncDisposable)store).DisposeAsync();
        await PostgresServer.DropDatabaseAsync(database);
        return new DurableResult(wall, firstStart, calls, requests, events, workerRss, simulatorRss, longest, result, FirstRingSteps(firstHistory!, calls));
    }

    // Where the time from workflow start to the first ring goes: the first workflow task, the registration
    // activity (store), the first batch's scheduling, then the batch itself (intents, claim, start).
    private static string FirstRingSteps(Temporalio.Common.WorkflowHistory history, List<Simulator.Endpoints.PlacedCall> calls)
    {
        var start = history.Events.First().EventTime.ToDateTimeOffset();
        string At(DateTimeOffset? t) => t is { } v ? string.Create(CultureInfo.InvariantCulture, $"{(v - start).TotalMilliseconds:F0}") : "?";
        var firstTask = history.Events.FirstOrDefault(e => e.EventType == EventType.WorkflowTaskCompleted)?.EventTime.ToDateTimeOffset();
        var registered = history.Events.FirstOrDefault(e => e.EventType == EventType.ActivityTaskCompleted)?.EventTime.ToDateTimeOffset();
        var batch = history.Events.FirstOrDefault(e => e.EventType == EventType.ActivityTaskScheduled && e.ActivityTaskScheduledEventAttributes.ActivityType.Name == "RunBatch")?.EventTime.ToDateTimeOffset();
        return $"first workflow task done {At(firstTask)} ms, registration done {At(registered)} ms, first batch scheduled {At(batch)} ms, first ring {At(calls.Min(c => c.PlacedAt))} ms";
    }

    private static async Task<PlainResult> RunPlainAsync(List<string> callees)
    {
        using var simulator = await ExternalSimulator.StartAsync(SimulatorSettings(callees.Count));
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddTencentCall(o =>
        {
            o.SdkAppId = 1400000001;
            o.SecretKey = "simulator-secret-key";
            o.BaseUrl = simulator.BaseUrl;
        });
        await using var provider = services.BuildServiceProvider();
        using var plain = new PlainCampaign(
            provider.GetRequiredService<ITencentCallClient>(), (int)Math.Floor(Budget * Headroom),
            new PlainCampaign.Timing(FirstPollSeconds, MaxPollSeconds, RecordDelaySeconds, 600));
        var wall = await plain.RunAsync(callees, "robot", RingTimeoutMs);
        var calls = await simulator.CallsAsync();
        var requests = await simulator.RequestsAsync();
        return new PlainResult(wall, plain.Placed, plain.Lost, plain.Recorded, calls, requests);
    }

    private static async Task WaitForPollersAsync(TemporalClient client, string taskQueue)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromMinutes(2))
        {
            var answer = await client.WorkflowService.DescribeTaskQueueAsync(new DescribeTaskQueueRequest
            {
                Namespace = "default", TaskQueue = new TaskQueue { Name = taskQueue }, TaskQueueType = TaskQueueType.Workflow,
            });
            if (answer.Pollers.Count > 0)
            {
                return;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException("the worker did not poll its task queue within 2 minutes");
    }

    private static void Print(int targets, DurableResult d, PlainResult? p, string command, string loadBefore, string loadAfter)
    {
        var ic = CultureInfo.InvariantCulture;
        var placed = d.Calls.OrderBy(c => c.PlacedAt).ToList();
        var span = (placed[^1].PlacedAt - placed[0].PlacedAt).TotalSeconds;
        var rate = (placed.Count - 1) / span;
        var share = Budget * Headroom;
        // Floor: every start at the full budget, then the longest call and its record delay.
        var floor = (targets / (double)Budget) + d.LongestCall.TotalSeconds + RecordDelaySeconds;
        var floorAtShare = (targets / share) + d.LongestCall.TotalSeconds + RecordDelaySeconds;
        double PerCall(Simulator.Pipeline.RequestsSnapshot r, params string[] apis) =>
            apis.Sum(a => r.Apis.TryGetValue(a, out var s) ? s.Total : 0) / (double)placed.Count;
        var recordsApis = new[] { ApiNames.V4RecordByCallId, ApiNames.V4RecordsByFilter, ApiNames.V1RecordByCallId, ApiNames.V1RecordsByFilter };
        var firstRing = placed[0].PlacedAt - d.WorkflowStart;
        var cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?";
        var mb = (long? b) => b is { } v ? string.Create(ic, $"{v / 1048576.0:F0} MB") : "n/a";

        Console.WriteLine();
        Console.WriteLine(string.Create(ic, $"machine: {Environment.ProcessorCount} cores, {cpu}; load average before {loadBefore}, after {loadAfter}"));
        Console.WriteLine($"command: {command}");
        Console.WriteLine();
        Console.WriteLine("| figure | measured | goal |");
        Console.WriteLine("|---|---|---|");
        Row($"dispatch rate (starts placed ÷ time from first to last start)", $"{rate:F1}/s = {rate / Budget:F3} × 200/s, {rate / share:F3} × {share:F0}/s (the worker's share)", "≥ 0.95 × budget");
        Row("campaign wall time (workflow start → result)", $"{d.Wall.TotalSeconds:F1} s", "");
        Row("physical floor (targets ÷ 200/s + longest call + record delay)", $"{floor:F1} s (longest call {d.LongestCall.TotalSeconds:F0} s, record delay {RecordDelaySeconds:F0} s); at {share:F0}/s {floorAtShare:F1} s", "");
        Row("wall ÷ floor", $"{d.Wall.TotalSeconds / floor:F3} (÷ the floor at {share:F0}/s: {d.Wall.TotalSeconds / floorAtShare:F3})", "≤ 1.05");
        if (p is not null)
        {
            Row("plain async program, same limits and sequence, wall time", $"{p.Wall.TotalSeconds:F1} s ({p.Placed} placed, {p.Lost} lost, {p.Recorded} records)", "");
            Row("durable ÷ plain", $"{d.Wall.TotalSeconds / p.Wall.TotalSeconds:F3}", "≤ 1.05");
        }

        Row("get_call_info requests per call", $"{PerCall(d.Requests, ApiNames.GetCallInfo):F3}" + (p is null ? "" : $" (plain {PerCall(p.Requests, ApiNames.GetCallInfo):F3})"), "≤ 1.0");
        Row("records API requests per call", $"{PerCall(d.Requests, recordsApis):F3}" + (p is null ? "" : $" (plain {PerCall(p.Requests, recordsApis):F3})"), "≤ 0.05");
        var worst = string.Join(", ", d.Requests.Apis.Where(a => a.Value.Total > 0).Select(a => $"{a.Key} {a.Value.WorstWindowReceived}/{a.Value.Limit} ({a.Value.RateLimited} refused)"));
        Row("worst 1-second window received per API", worst, "≤ limit");
        Row("history events per target (all runs)", $"{d.EventsPerRun.Sum() / (double)targets:F3} ({d.EventsPerRun.Sum()} events, {d.EventsPerRun.Count} runs)", "");
        Row("largest run's event count", $"{d.EventsPerRun.Max()}", "≤ 10,240");
        Row("worker peak RSS (VmHWM)", mb(d.WorkerPeakRss), "≤ 250 MB at 100k");
        Row("simulator peak RSS (VmHWM)", mb(d.SimulatorPeakRss), "");
        Row("workflow start → first ring", $"{firstRing.TotalMilliseconds:F0} ms ({d.FirstRingSteps})", "≤ 1 s");
        Row("result", $"{d.Result.Status}, {d.Result.Finished} finished, unresolved {d.Result.Unresolved}: {string.Join(", ", d.Result.ByResult.OrderByDescending(x => x.Value).Select(x => $"{x.Key} {x.Value}"))}", "");

        void Row(string figure, string value, string goal) => Console.WriteLine($"| {figure} | {value} | {goal} |");
    }

    private static string Need(string variable) => Environment.GetEnvironmentVariable(variable) is { Length: > 0 } v ? v
        : throw new InvalidOperationException($"{variable} is not set: run 'bash tests/bench.sh campaign', which starts the services");
}
