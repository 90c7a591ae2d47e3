using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Campaigns.Simulator.Endpoints;
using Campaigns.Simulator.Pipeline;
using Campaigns.Storage;
using Campaigns.TencentCall;
using Campaigns.Testing;
using Campaigns.Workflows;
using Campaigns.Workflows.Contract;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.TaskQueue.V1;
using Temporalio.Api.WorkflowService.V1;
using Temporalio.Client;

namespace Campaigns.Bench;

/// <summary>The calls a campaign benchmark meets: the simulator's settings and the campaign's ring timeout.</summary>
internal sealed record CallMix(string Name, string Description, int RingTimeoutMs, double RecordDelaySeconds, IReadOnlyList<string> SimulatorSettings)
{
    private const string ProductionDescription = "the simulator's defaults: ring 2–20 s, talk 5–60 s; answer 60 %, reject 10 %, busy 10 %, "
        + "NotAnswer 15 % + Offline 5 % ring the whole timeout, not rung 1 %; record median 5 s after the end (spread 0.5), 2 % 1–10 min late, 1 % never";

    /// <summary>
    /// The simulator's own defaults (SimulatorOptions): rings 2–20 s before an answer or a reject, talks 5–60 s,
    /// 15 % NotAnswer and 5 % Offline ring out the timeout, 10 % busy, 1 % not rung; records a median 5 s after
    /// the end (log-normal spread 0.5), 2 % of them 1–10 minutes late, 1 % never. A 30 s ring timeout.
    /// </summary>
    public static CallMix Production(int targets) => new(
        "production",
        ProductionDescription,
        30_000,
        5,
        Limits(targets, ["--Simulator:TimeScale=1"]));

    /// <summary>Short calls, so the campaign's length is its dispatch: ring 1–2 s, talk 1–2 s, record 1 s after the end, none late or missing.</summary>
    public static CallMix Short(int targets) => new(
        "short",
        "short calls: ring 1–2 s, talk 1–2 s, no Offline or NotAnswer callees; record 1 s after the end (no spread, none late or missing)",
        10_000,
        1,
        Limits(
            targets,
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
        ]));

    // Every call of the run kept in full (MaxCalls; 200,000 by default), and the per-second request counts
    // (StatsSeconds; 3,600 by default) for a run of up to 6 hours.
    private static string[] Limits(int targets, string[] settings) =>
        [.. settings, $"--Simulator:Limits:MaxCalls={Math.Max(200_000, targets * 2)}", "--Simulator:Limits:StatsSeconds=21600"];
}

/// <summary>
/// One campaign end to end on this machine, every part a process of its own as in production: the Temporal dev
/// server (tests/services.sh), the simulator, a worker on PostgreSQL, all at real time (TimeScale 1: the
/// by-filter record searches need the vendor's clock to be the wall clock). Then the same campaign by a plain
/// async script (<see cref="PlainCampaign"/>) against a fresh simulator. Prints one table of figures, asserts nothing.
/// </summary>
internal static partial class CampaignBench
{
    private const int Budget = 200;
    private const double Headroom = 0.9;
    private const double Share = Budget * Headroom;
    private const double FirstPollSeconds = 5;
    private const double MaxPollSeconds = 30;
    private const double RecordMaxWaitSeconds = 600;

    // With "redial": the results a dialer redials, after a minute, up to two attempts.
    private static readonly RedialSpec Redials = new()
    {
        MaxAttempts = 2,
        Rules = [new RedialRule { Result = "NotAnswer", DelaySeconds = 60 }, new RedialRule { Result = "CallBusy", DelaySeconds = 60 }],
    };

    public static async Task RunAsync(int targets, CallMix mix, bool withPlain, string command, bool redial = false, bool groupCommit = true, bool recordsFirst = true)
    {
        var temporalAddress = Need("TEMPORAL_ADDRESS");
        var loadBefore = (await File.ReadAllTextAsync("/proc/loadavg")).Trim();
        var callees = Enumerable.Range(1, targets).Select(i => "b" + i.ToString("D6", CultureInfo.InvariantCulture)).ToList();
        Console.WriteLine($"campaign benchmark: {targets} targets, {mix.Name} calls, start limit {Budget}/s (worker headroom {Headroom}: {Share}/s)");

        var durable = await RunDurableAsync(temporalAddress, callees, mix, redial, groupCommit: groupCommit, recordsFirst: recordsFirst);
        RunFigures? plain = null;
        if (withPlain)
        {
            plain = await RunPlainAsync(callees, mix);
        }

        var loadAfter = (await File.ReadAllTextAsync("/proc/loadavg")).Trim();
        Print(targets, mix, durable, plain, command, loadBefore, loadAfter);
    }

    /// <summary>What one run left behind, from which every figure is computed.</summary>
    private sealed record RunFigures(
        string Name,
        DateTimeOffset T0,
        List<PlacedCall> Calls,
        Dictionary<string, DateTimeOffset> OutcomeByCall,
        List<DateTimeOffset> OutcomeTimes,
        RequestsSnapshot Requests,
        long? PeakRss,
        string RssNote,
        string Summary)
    {
        public List<int> EventsPerRun { get; init; } = [];

        /// <summary>When each run that continued as new closed (the switches).</summary>
        public List<DateTimeOffset> Switches { get; init; } = [];

        /// <summary>The largest input of a run (the campaign JSON and what a continue-as-new carries), bytes.</summary>
        public long LargestInput { get; init; }

        public long? SimulatorPeakRss { get; init; }

        public string FirstRingSteps { get; init; } = string.Empty;

        /// <summary>CPU the worker process and the PostgreSQL server used from the workflow's start to its end.</summary>
        public (TimeSpan? Worker, TimeSpan? Postgres) Cpu { get; init; }

        public bool GroupCommit { get; init; } = true;

        public bool RecordsFirst { get; init; } = true;

        /// <summary>Transactions the campaign's database committed from the workflow's start to its end.</summary>
        public long Commits { get; init; }
    }

    private static async Task<RunFigures> RunDurableAsync(string temporalAddress, List<string> callees, CallMix mix, bool redial, bool callbacks = false, bool groupCommit = true, bool recordsFirst = true)
    {
        var receiver = callbacks ? Receiver() : ([], []);
        using var simulator = await ExternalSimulator.StartAsync([.. mix.SimulatorSettings, .. receiver.SimulatorSettings]);
        var database = await PostgresServer.CreateDatabaseAsync();
        var id = "bench-" + Guid.NewGuid().ToString("N")[..10];
        var taskQueue = "bench-" + Guid.NewGuid().ToString("N");

        // A campaign this large is imported into the store first (inline targets stop at 10,000).
        var spec = new CampaignSpec { CampaignId = id, RobotAccount = "robot", TargetsImported = true, RingTimeoutMs = mix.RingTimeoutMs, Redial = redial ? Redials : new() };
        var store = OutcomeStores.Create(database);
        await store.MigrateAsync();
        await store.RegisterCampaignAsync(id, CampaignSearch.WorkflowIdOf(id), JsonSerializer.Serialize(spec, CampaignJson.Options));
        foreach (var chunk in callees.Chunk(10_000))
        {
            await store.AddTargetsAsync(id, [.. chunk.Select(c => (IReadOnlyList<string>)[c])]);
        }

        var config = new Dictionary<string, string?>
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
            ["Campaigns:Watch:RecordDelaySeconds"] = mix.RecordDelaySeconds.ToString(CultureInfo.InvariantCulture),
            ["Campaigns:Watch:RecordMaxWaitSeconds"] = RecordMaxWaitSeconds.ToString(CultureInfo.InvariantCulture),
            ["Logging:LogLevel:Default"] = "Warning",
            ["Temporal:WorkflowTracingEventListener"] = "false", // the production default (the tests turn it on)
            ["OutcomeStore:GroupCommit"] = groupCommit ? "true" : "false",
            ["Campaigns:Watch:RecordsFirst"] = recordsFirst ? "true" : "false",
        };
        foreach (var (key, value) in receiver.WorkerSettings)
        {
            config[key] = value;
        }

        using var worker = WorkerProcess.Start(config);
        var client = await TemporalClient.ConnectAsync(new TemporalClientConnectOptions(temporalAddress) { DataConverter = CampaignJson.DataConverter });
        await WaitForPollersAsync(client, taskQueue);

        var campaigns = new CampaignClient(client, taskQueue);
        // A bound on the run, generous for a stalling dispatcher: four times the dispatch at the share, plus
        // the longest record wait twice over; past it the workflow is terminated and the figures are those so far.
        var bound = TimeSpan.FromSeconds((4 * callees.Count / Share) + (2 * RecordMaxWaitSeconds) + 600);
        var t0 = DateTimeOffset.UtcNow;
        var cpuBefore = (ProcStatus.CpuTime(worker.Id), CostMeter.ServerCpu());
        var commitsBefore = await CommitsAsync(database);
        var handle = await campaigns.StartAsync(spec);
        string summary;
        using (var progress = Progress("durable", simulator, callees.Count))
        {
            using var timeout = new CancellationTokenSource(bound);
            try
            {
                var result = await handle.GetResultAsync(rpcOptions: new RpcOptions { CancellationToken = timeout.Token });
                summary = $"{result.Status}, {result.Finished} finished, unresolved {result.Unresolved}: "
                          + string.Join(", ", result.ByResult.OrderByDescending(x => x.Value).Select(x => $"{x.Key} {x.Value}"));
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                await handle.TerminateAsync("the benchmark's bound passed");
                summary = $"NOT FINISHED within the bound of {bound.TotalSeconds:F0} s: terminated, figures so far";
            }
        }

        var workerRss = worker.PeakRssBytes();
        var cpu = (ProcStatus.CpuTime(worker.Id) - cpuBefore.Item1, CostMeter.ServerCpu() - cpuBefore.Item2);
        var commits = await CommitsAsync(database) - commitsBefore;
        var simulatorRss = simulator.PeakRssBytes();

        // Every run of the campaign (continue-as-new): its events, and the first run's start.
        var events = new List<int>();
        var switches = new List<DateTimeOffset>();
        long largestInput = 0;
        var firstStart = DateTimeOffset.MaxValue;
        Temporalio.Common.WorkflowHistory? firstHistory = null;
        await foreach (var run in client.ListWorkflowsAsync($"WorkflowId = '{handle.Id}'"))
        {
            var history = await client.GetWorkflowHandle(run.Id, run.RunId).FetchHistoryAsync();
            events.Add(history.Events.Count);
            largestInput = Math.Max(largestInput, history.Events.First().WorkflowExecutionStartedEventAttributes.Input.Payloads_.Sum(p => (long)p.Data.Length));
            if (run.Status == Temporalio.Api.Enums.V1.WorkflowExecutionStatus.ContinuedAsNew && run.CloseTime is { } closed)
            {
                switches.Add(closed);
            }

            if (run.StartTime < firstStart)
            {
                firstStart = run.StartTime;
                firstHistory = history;
            }
        }

        var calls = await simulator.CallsAsync();
        var requests = await simulator.RequestsAsync();
        var (byCall, times) = await SettledAsync(database, id);

        worker.Kill();
        await ((IAsyncDisposable)store).DisposeAsync();
        await PostgresServer.DropDatabaseAsync(database);
        return new RunFigures("durable", t0, calls, byCall, times, requests, workerRss, "worker process VmHWM", summary)
        {
            EventsPerRun = events,
            Switches = switches,
            LargestInput = largestInput,
            SimulatorPeakRss = simulatorRss,
            Cpu = cpu,
            Commits = commits,
            GroupCommit = groupCommit,
            RecordsFirst = recordsFirst,
            FirstRingSteps = firstHistory is null || calls.Count == 0 ? string.Empty : FirstRingSteps(firstHistory, calls, firstStart),
        };
    }

    // When the store recorded each outcome: call_attempts.settled_at (set by every settle path, the worker's
    // clock) of a settled attempt; a failed or skipped attempt (no call) counts at its updated_at.
    // Dispatch across each continue-as-new: the starts the simulator logged in the 10 s after a run closed, as a
    // fraction of the worker's share, with the second it happened (from the first start) and the 10 s before it — a
    // switch in the redial tail, where only the redials falling due are dialed, shows low on both sides.
    private static string SwitchDispatch(RunFigures r, double share)
    {
        var starts = r.Calls.Select(c => c.StartedAt).Order().ToList();
        if (starts.Count == 0)
        {
            return "n/a";
        }

        int In(DateTimeOffset from) => starts.Count(t => t >= from && t < from + TimeSpan.FromSeconds(10));
        return string.Join(", ", r.Switches.Order().Select(s => string.Create(
            CultureInfo.InvariantCulture,
            $"at {(s - starts[0]).TotalSeconds:F0} s: {In(s) / (10 * share):F3} after, {In(s - TimeSpan.FromSeconds(10)) / (10 * share):F3} before")));
    }

    // Transactions committed in the campaign's database so far, as the statistics say (each backend reports its counts
    // at most once a second and when it goes idle; a statement outside a transaction block counts as one).
    private static async Task<long> CommitsAsync(string database)
    {
        await using var conn = new NpgsqlConnection(database);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("select xact_commit from pg_stat_database where datname = current_database()", conn);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    private static async Task<(Dictionary<string, DateTimeOffset> ByCall, List<DateTimeOffset> Times)> SettledAsync(string database, string campaignId)
    {
        var byCall = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        var times = new List<DateTimeOffset>();
        await using var conn = new NpgsqlConnection(database);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(
            """
            SELECT call_id, CASE WHEN state = 'settled' THEN settled_at ELSE updated_at END
            FROM call_attempts
            WHERE campaign_id = @id AND (state = 'settled' OR state IN ('failed', 'skipped'))
            """,
            conn);
        cmd.Parameters.AddWithValue("id", campaignId);
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            if (await reader.IsDBNullAsync(1))
            {
                continue;
            }

            var at = new DateTimeOffset(DateTime.SpecifyKind(reader.GetDateTime(1), DateTimeKind.Utc));
            times.Add(at);
            if (!await reader.IsDBNullAsync(0))
            {
                byCall[reader.GetString(0)] = at;
            }
        }

        return (byCall, times);
    }

    // Where the time from workflow start to the first ring goes: the first workflow task, the registration
    // activity (store), the first batch's scheduling, then the batch itself (intents, claim, start).
    private static string FirstRingSteps(Temporalio.Common.WorkflowHistory history, List<PlacedCall> calls, DateTimeOffset workflowStart)
    {
        var start = history.Events.First().EventTime.ToDateTimeOffset();
        string At(DateTimeOffset? t) => t is { } v ? string.Create(CultureInfo.InvariantCulture, $"{(v - start).TotalMilliseconds:F0}") : "?";
        var firstTask = history.Events.FirstOrDefault(e => e.EventType == EventType.WorkflowTaskCompleted)?.EventTime.ToDateTimeOffset();
        // Registration is a local activity (a marker written with the first workflow task) on current code.
        var registered = history.Events.FirstOrDefault(e => e.EventType is EventType.MarkerRecorded or EventType.ActivityTaskCompleted)?.EventTime.ToDateTimeOffset();
        var batch = history.Events.FirstOrDefault(e => e.EventType == EventType.ActivityTaskScheduled && e.ActivityTaskScheduledEventAttributes.ActivityType.Name.StartsWith("RunBatch", StringComparison.Ordinal))?.EventTime.ToDateTimeOffset();
        var firstRing = calls.Min(c => c.PlacedAt);
        return $"{(firstRing - workflowStart).TotalMilliseconds:F0} ms (first workflow task done {At(firstTask)} ms, registration done {At(registered)} ms, "
               + $"first batch scheduled {At(batch)} ms, first ring {At(firstRing)} ms)";
    }

    private static async Task<RunFigures> RunPlainAsync(List<string> callees, CallMix mix)
    {
        using var simulator = await ExternalSimulator.StartAsync([.. mix.SimulatorSettings]);
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddTencentCall(o =>
        {
            o.SdkAppId = 1400000001;
            o.SecretKey = "simulator-secret-key";
            o.BaseUrl = simulator.BaseUrl;
        });
        await using var provider = services.BuildServiceProvider();
        var plain = new PlainCampaign(
            provider.GetRequiredService<ITencentCallClient>(),
            Share,
            new PlainCampaign.Timing(FirstPollSeconds, MaxPollSeconds, mix.RecordDelaySeconds, RecordMaxWaitSeconds));

        // The script runs in this process: its peak RSS is this process's VmHWM, reset first where the kernel
        // allows it (writing 5 to /proc/self/clear_refs), so the durable part's data is not counted.
        var rssNote = ResetPeakRss() ? "this process's VmHWM, reset before the script" : "this process's VmHWM (could not reset: includes the durable part)";
        TimeSpan wall;
        using (Progress("plain", simulator, callees.Count))
        {
            wall = await plain.RunAsync(callees, "robot", mix.RingTimeoutMs);
        }

        var rss = ProcStatus.PeakRssBytes(Environment.ProcessId);
        var calls = await simulator.CallsAsync();
        var requests = await simulator.RequestsAsync();
        var byCall = plain.OutcomesByCall();
        return new RunFigures(
            "plain",
            plain.T0,
            calls,
            byCall,
            [.. byCall.Values],
            requests,
            rss,
            rssNote,
            $"{wall.TotalSeconds:F1} s wall; {plain.Placed} placed, {plain.Lost} lost, {plain.Recorded} records fetched, {plain.GaveUp} given up after {RecordMaxWaitSeconds:F0} s");
    }

    private static bool ResetPeakRss()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    // A line every 30 s while a run lasts (calls placed so far), so a stall shows while it happens.
    private static Timer Progress(string name, ExternalSimulator simulator, int targets)
    {
        var clock = Stopwatch.StartNew();
        return new Timer(
            _ =>
            {
                try
                {
#pragma warning disable VSTHRD002 // a Timer callback cannot await; it blocks a pool thread for one request every 30 s
                    var summary = simulator.SummaryAsync().GetAwaiter().GetResult();
#pragma warning restore VSTHRD002
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  [{name}] {clock.Elapsed.TotalSeconds:F0} s: {summary.Rings} of {targets} rung"));
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                }
            },
            null,
            TimeSpan.FromSeconds(30),
            TimeSpan.FromSeconds(30));
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

    /// <summary>The figures of one run, computed from what it left behind.</summary>
    private sealed class Computed
    {
        public Computed(RunFigures r, int targets)
        {
            var placed = r.Calls.Select(c => c.PlacedAt).Order().ToList();
            Placed = placed.Count;
            if (placed.Count > 0)
            {
                FirstStart = placed[0] - r.T0;
                LastStart = placed[^1] - r.T0;
                var span = (placed[^1] - placed[0]).TotalSeconds;
                Rate = placed.Count > 1 && span > 0 ? (placed.Count - 1) / span : double.NaN;
                var bins = new int[(int)Math.Floor(span / 10) + 1];
                foreach (var p in placed)
                {
                    bins[(int)Math.Floor((p - placed[0]).TotalSeconds / 10)]++;
                }

                Bins = bins;
                // Full intervals only (the last one is cut short by the last start): targets remained in each.
                var full = bins.Take(bins.Length - 1).ToList();
                MinBin = full.Count > 0 ? full.Min() : null;
                MeanBin = full.Count > 0 ? full.Average() : null;
            }

            // Live calls: +1 at each start, -1 at each end (ends first at the same instant).
            var live = 0;
            foreach (var (_, delta) in r.Calls
                         .SelectMany(c => new[] { (c.StartedAt, 1), (c.EndsAt < c.StartedAt ? c.StartedAt : c.EndsAt, -1) })
                         .OrderBy(e => e.Item1).ThenBy(e => e.Item2))
            {
                live += delta;
                PeakLive = Math.Max(PeakLive, live);
            }

            LongestCall = r.Calls.Select(c => c.EndsAt - c.StartedAt).DefaultIfEmpty().Max();

            var latencies = r.Calls.Where(c => r.OutcomeByCall.ContainsKey(c.CallId))
                .Select(c => (r.OutcomeByCall[c.CallId] - c.EndsAt).TotalSeconds).Order().ToList();
            LatencyP50 = Percentile(latencies, 0.50);
            LatencyP99 = Percentile(latencies, 0.99);
            LatencyMax = latencies.Count > 0 ? latencies[^1] : double.NaN;

            var outcomes = r.OutcomeTimes.Order().ToList();
            Outcomes = outcomes.Count;
            var n95 = (int)Math.Ceiling(0.95 * targets);
            To95 = outcomes.Count >= n95 ? outcomes[n95 - 1] - r.T0 : null;
            To100 = outcomes.Count >= targets ? outcomes[targets - 1] - r.T0 : null;
            LastOutcome = outcomes.Count > 0 ? outcomes[^1] - r.T0 : null;

            double PerCall(params string[] apis) => apis.Sum(a => r.Requests.Apis.TryGetValue(a, out var s) ? s.Total : 0) / (double)Math.Max(1, Placed);
            InfoPerCall = PerCall(Simulator.ApiNames.GetCallInfo);
            RecordsPerCall = PerCall(Simulator.ApiNames.V4RecordByCallId, Simulator.ApiNames.V4RecordsByFilter, Simulator.ApiNames.V1RecordByCallId, Simulator.ApiNames.V1RecordsByFilter);
            PagesPerCall = PerCall(Simulator.ApiNames.V4RecordsByFilter, Simulator.ApiNames.V1RecordsByFilter);
            Worst = string.Join(", ", r.Requests.Apis.Where(a => a.Value.Total > 0).OrderBy(a => a.Key, StringComparer.Ordinal)
                .Select(a => $"{a.Key} {a.Value.WorstWindowReceived}/{a.Value.Limit} ({a.Value.RateLimited} refused)"));
            // Where the start peaks were (the simulator's per-second counts, by wall-clock second from the first).
            if (r.Requests.Apis.TryGetValue("start_call_by_robot", out var starts) && starts.PerSecond.Count > 0)
            {
                var first = starts.PerSecond.Keys.Min();
                StartPeaks = string.Join(", ", starts.PerSecond.OrderByDescending(kv => kv.Value).Take(3).Select(kv => $"{kv.Value} in second {kv.Key - first}"));
            }
        }

        public int Placed { get; }

        public TimeSpan FirstStart { get; }

        public TimeSpan LastStart { get; }

        public double Rate { get; } = double.NaN;

        public int[] Bins { get; } = [];

        public int? MinBin { get; }

        public double? MeanBin { get; }

        public int PeakLive { get; }

        public TimeSpan LongestCall { get; }

        public double LatencyP50 { get; }

        public double LatencyP99 { get; }

        public double LatencyMax { get; }

        public int Outcomes { get; }

        public TimeSpan? To95 { get; }

        public TimeSpan? To100 { get; }

        public TimeSpan? LastOutcome { get; }

        public double InfoPerCall { get; }

        public double RecordsPerCall { get; }

        // Of those, the by-filter pages (the rest asked by CallId).
        public double PagesPerCall { get; }

        public string Worst { get; }

        public string StartPeaks { get; } = string.Empty;

        private static double Percentile(List<double> sorted, double p) =>
            sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    private static string Secs(TimeSpan? t) => t is { } v ? string.Create(CultureInfo.InvariantCulture, $"{v.TotalSeconds:F1} s") : "n/a";

    private static string PerCall(TimeSpan? t, int calls) =>
        t is { } v && calls > 0 ? string.Create(CultureInfo.InvariantCulture, $"{v.TotalMicroseconds / calls:F0} µs") : "n/a";

    private static void Print(int targets, CallMix mix, RunFigures durable, RunFigures? plain, string command, string loadBefore, string loadAfter)
    {
        var ic = CultureInfo.InvariantCulture;
        var d = new Computed(durable, targets);
        var p = plain is null ? null : new Computed(plain, targets);
        // Floor: every start at the worker's share, then the longest call and the median record delay.
        var longest = p is null || d.LongestCall >= p.LongestCall ? d.LongestCall : p.LongestCall;
        var floor = (targets / Share) + longest.TotalSeconds + mix.RecordDelaySeconds;
        var cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?";
        string Mb(long? b) => b is { } v ? string.Create(ic, $"{v / 1048576.0:F0} MB") : "n/a";
        string S(TimeSpan? t) => t is { } v ? string.Create(ic, $"{v.TotalSeconds:F1} s") : "n/a";
        string Ratio(TimeSpan? a, TimeSpan? b) => a is { } x && b is { } y && y > TimeSpan.Zero ? string.Create(ic, $"{x / y:F3}") : "n/a";
        string F(double v, string format) => double.IsNaN(v) ? "n/a" : v.ToString(format, ic);

        Console.WriteLine();
        Console.WriteLine(string.Create(ic, $"machine: {Environment.ProcessorCount} cores, {cpu}; load average before {loadBefore}, after {loadAfter}"));
        Console.WriteLine($"command: {command}");
        Console.WriteLine($"calls: {mix.Description}");
        Console.WriteLine($"simulator: {string.Join(' ', mix.SimulatorSettings)}");
#pragma warning disable SA1118 // one invariant-culture interpolation split over lines; a local string would lose string.Create's culture
        Console.WriteLine(string.Create(
            ic,
            $"campaign: RingTimeoutMs {mix.RingTimeoutMs}, no redial; worker: defaults but Campaigns:Watch:FirstPollSeconds={FirstPollSeconds}, MaxPollIntervalSeconds={MaxPollSeconds}, "
            + $"RecordDelaySeconds={mix.RecordDelaySeconds}, RecordMaxWaitSeconds={RecordMaxWaitSeconds}, TimeScale=1; plain script: the same watch timings, starts on a timeline at {Share:F0}/s"));
#pragma warning restore SA1118
        Console.WriteLine();
        Console.WriteLine("| figure | durable | plain | goal |");
        Console.WriteLine("|---|---|---|---|");
        Row("calls placed (simulator's log)", $"{d.Placed}", p is null ? string.Empty : $"{p.Placed}", $"{targets}");
        Row("time to first / last start (from workflow start / script start)", $"{S(d.FirstStart)} / {S(d.LastStart)}", p is null ? string.Empty : $"{S(p.FirstStart)} / {S(p.LastStart)}", string.Empty);
        Row($"dispatch rate, first to last start (÷ the worker's share {Share:F0}/s)", Rate(d), p is null ? string.Empty : Rate(p), "≥ 0.95");
        Row("starts per 10 s: min / mean over full intervals", Bins(d), p is null ? string.Empty : Bins(p), $"{Share * 10:F0}");
        Row("peak live calls (started, not yet ended)", $"{d.PeakLive}", p is null ? string.Empty : $"{p.PeakLive}", string.Empty);
        Row(
            "outcome latency, call end → outcome stored (plain: record fetched), p50 / p99 / max",
            Latency(d),
            p is null ? string.Empty : Latency(p),
            string.Empty);
        Row("time to 95 % of outcomes", S(d.To95), p is null ? string.Empty : S(p.To95), string.Empty);
        Row("time to 100 % of outcomes (else: outcomes, last one)", To100(d), p is null ? string.Empty : To100(p), string.Empty);
        Row("get_call_info requests per call", F(d.InfoPerCall, "F3"), p is null ? string.Empty : F(p.InfoPerCall, "F3"), "≤ 1.0");
        Row(
            "records API requests per call (by filter + by CallId)",
            $"{F(d.RecordsPerCall, "F3")} ({F(d.PagesPerCall, "F3")} + {F(d.RecordsPerCall - d.PagesPerCall, "F3")})",
            p is null ? string.Empty : $"{F(p.RecordsPerCall, "F3")} ({F(p.PagesPerCall, "F3")} + {F(p.RecordsPerCall - p.PagesPerCall, "F3")})",
            "≤ 0.05");
        Row("worst 1-second window received per API (limit, refused)", d.Worst, p?.Worst ?? string.Empty, "≤ limit");
        Row("start_call_by_robot: busiest whole seconds received (from the first)", d.StartPeaks, p?.StartPeaks ?? string.Empty, string.Empty);
        Row("peak RSS", $"{Mb(durable.PeakRss)} ({durable.RssNote})", plain is null ? string.Empty : $"{Mb(plain.PeakRss)} ({plain.RssNote})", "≤ 300 MB at 100k");
        Row("simulator peak RSS (VmHWM)", Mb(durable.SimulatorPeakRss), string.Empty, string.Empty);
        Row(
            $"CPU from workflow start to end, worker / PostgreSQL server (group commit {(durable.GroupCommit ? "on" : "off")}, records first {(durable.RecordsFirst ? "on" : "off")}); per call",
            string.Create(ic, $"{Secs(durable.Cpu.Worker)} / {Secs(durable.Cpu.Postgres)}; {PerCall(durable.Cpu.Worker, d.Placed)} / {PerCall(durable.Cpu.Postgres, d.Placed)}"),
            string.Empty,
            string.Empty);
        Row(
            "transactions committed in the campaign's database, per call",
            string.Create(ic, $"{durable.Commits} ({(d.Placed > 0 ? durable.Commits / (double)d.Placed : 0):F2})"),
            string.Empty,
            string.Empty);
        Row(
            "continue-as-new: starts in the 10 s after / before each switch ÷ (10 s × share); largest run input",
            durable.Switches.Count == 0 ? "no switch" : string.Create(ic, $"{SwitchDispatch(durable, Share)}; {durable.LargestInput / 1024.0:F1} KB"),
            string.Empty,
            "≥ 0.9; ≤ 256 KB");
        Row(
            "history events per target; largest run's event count",
            durable.EventsPerRun.Count == 0 ? "n/a" : string.Create(ic, $"{durable.EventsPerRun.Sum() / (double)targets:F3} ({durable.EventsPerRun.Sum()} events, {durable.EventsPerRun.Count} runs); largest {durable.EventsPerRun.Max()}"),
            string.Empty,
            "≤ 10,240 per run at 100k");
        Row("workflow start → first ring", durable.FirstRingSteps, string.Empty, "≤ 1 s");
        Row("result", durable.Summary, plain?.Summary ?? string.Empty, string.Empty);
        Console.WriteLine();
        Console.WriteLine(string.Create(
            ic,
            $"physical floor = targets ÷ share + longest call + record delay = {targets} ÷ {Share:F0}/s + {longest.TotalSeconds:F1} s + {mix.RecordDelaySeconds:F0} s (the simulator's median) = {floor:F1} s"));
        Console.WriteLine($"time to 95 % ÷ floor: durable {Div(d.To95, floor)}" + (p is null ? string.Empty : $", plain {Div(p.To95, floor)}"));
        if (p is not null)
        {
            Console.WriteLine($"durable ÷ plain: time to last start {Ratio(d.LastStart, p.LastStart)}, time to 95 % of outcomes {Ratio(d.To95, p.To95)}");
        }

        Console.WriteLine();
        Console.WriteLine($"starts per 10 s from the first start, durable: {Series(d.Bins)}");
        if (p is not null)
        {
            Console.WriteLine($"starts per 10 s from the first start, plain:   {Series(p.Bins)}");
        }

        string Rate(Computed c) => string.Create(ic, $"{F(c.Rate, "F1")}/s = {F(c.Rate / Share, "F3")} × {Share:F0}/s");
        string Bins(Computed c) => c.MinBin is { } min ? string.Create(ic, $"{min} / {c.MeanBin:F1} ({c.Bins.Length - 1} full intervals)") : "n/a (under 10 s)";
        string Latency(Computed c) => $"{F(c.LatencyP50, "F1")} / {F(c.LatencyP99, "F1")} / {F(c.LatencyMax, "F1")} s";
        string To100(Computed c) => c.To100 is { } t ? S(t) : $"n/a ({c.Outcomes} of {targets}; last {S(c.LastOutcome)})";
        string Div(TimeSpan? t, double f) => t is { } v ? string.Create(ic, $"{v.TotalSeconds / f:F3}") : "n/a";
        void Row(string figure, string durableValue, string plainValue, string goal) =>
            Console.WriteLine($"| {figure} | {durableValue} | {(plain is null ? "(no-plain)" : plainValue)} | {goal} |");
    }

    // Compact: runs of the same count as "count×times".
    private static string Series(int[] bins)
    {
        var parts = new List<string>();
        for (var i = 0; i < bins.Length;)
        {
            var j = i;
            while (j < bins.Length && bins[j] == bins[i])
            {
                j++;
            }

            parts.Add(j - i > 2 ? string.Create(CultureInfo.InvariantCulture, $"{bins[i]}×{j - i}") : string.Join(' ', Enumerable.Repeat(bins[i].ToString(CultureInfo.InvariantCulture), j - i)));
            i = j;
        }

        return string.Join(' ', parts);
    }

    private static string Need(string variable) => Environment.GetEnvironmentVariable(variable) is { Length: > 0 } v ? v
        : throw new InvalidOperationException($"{variable} is not set: run 'bash tests/bench.sh campaign', which starts the services");
}
