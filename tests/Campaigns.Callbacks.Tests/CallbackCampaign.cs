using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Campaigns.Simulator;
using Campaigns.Storage;
using Campaigns.Testing;
using Campaigns.Worker;
using Campaigns.Workflows;
using Campaigns.Workflows.Contract;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Campaigns.Callbacks.Tests;

/// <summary>
/// One campaign run, all real: the simulator, a fresh PostgreSQL database and the worker as Program.cs builds it,
/// with or without callbacks. With them the worker hosts the receiver on a fixed loopback port (a restarted
/// worker listens where the vendor posts) and the simulator posts there, as set_callback would have it.
/// </summary>
internal sealed class CallbackCampaign : IAsyncDisposable
{
    private const string Secret = "campaign-test-secret-0123456789";
    private IHost? worker;
    private IOutcomeStore? store;

    private CallbackCampaign(TemporalServer temporal, SimulatorHost simulator, string database, bool callbacks, double timeScale)
    {
        Simulator = simulator;
        Database = database;
        Callbacks = callbacks;
        TimeScale = timeScale;
        TaskQueue = "tq-" + Guid.NewGuid().ToString("N");
        Campaigns = new CampaignClient(temporal.Client, TaskQueue);
        var port = FreePort();
        Config = new()
        {
            ["Temporal:Address"] = temporal.Address,
            ["Temporal:TaskQueue"] = TaskQueue,
            ["TencentCall:SdkAppId"] = simulator.Options.SdkAppId.ToString(CultureInfo.InvariantCulture),
            ["TencentCall:SecretKey"] = simulator.Options.SecretKey,
            ["TencentCall:BaseUrl"] = simulator.BaseUrl.ToString(),
            ["ConnectionStrings:Outcomes"] = database,
            ["Campaigns:Watch:TimeScale"] = timeScale.ToString(CultureInfo.InvariantCulture),
            ["Callbacks:Enabled"] = callbacks ? "true" : "false",

            // Without callbacks, polling only: the runs compare callbacks with polling (records first, in real time,
            // polls few calls either; RecordsFirstTests covers it).
            ["Campaigns:Watch:RecordsFirst"] = "false",
            ["Callbacks:PathSecret"] = Secret,
            ["Callbacks:Urls"] = $"http://127.0.0.1:{port}",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        if (callbacks)
        {
            simulator.Options.Callbacks.Configure(new Uri($"http://127.0.0.1:{port}/tencent/callback/{Secret}"), null);
        }
    }

    public SimulatorHost Simulator { get; }

    public string Database { get; }

    public bool Callbacks { get; }

    public double TimeScale { get; }

    public string TaskQueue { get; }

    public CampaignClient Campaigns { get; }

    /// <summary>The worker's configuration (for a worker process of its own).</summary>
    public Dictionary<string, string?> Config { get; }

    public IOutcomeStore Store => store ??= OutcomeStores.Create(Database);

    /// <summary>Starts the simulator (with <paramref name="simulator"/>'s settings) and the database; the worker with <see cref="StartWorkerAsync"/>.</summary>
    public static async Task<CallbackCampaign> CreateAsync(
        TemporalServer temporal, bool callbacks, double timeScale, Action<SimulatorOptions> simulator, IReadOnlyDictionary<string, string?>? worker = null)
    {
        var sim = await SimulatorHost.StartAsync(o =>
        {
            o.TimeScale = timeScale;
            simulator(o);
        });
        var database = await PostgresServer.CreateDatabaseAsync() + ";Maximum Pool Size=30";
        var run = new CallbackCampaign(temporal, sim, database, callbacks, timeScale);
        foreach (var (key, value) in worker ?? new Dictionary<string, string?>())
        {
            run.Config[key] = value;
        }

        return run;
    }

    /// <summary>The worker in this process.</summary>
    public async Task StartWorkerAsync()
    {
        worker = WorkerHost.CreateBuilder([], c => c.AddInMemoryCollection(Config)).Build();
        await worker.StartAsync();
    }

    /// <summary>A campaign of one callee per target, by id.</summary>
    public async Task<(string Id, CampaignProgress Result)> RunAsync(IReadOnlyList<string> callees, int ringTimeoutMs = 10_000, int callsPerSecond = 50)
    {
        var id = "c-" + Guid.NewGuid().ToString("N")[..12];
        var handle = await Campaigns.StartAsync(new CampaignSpec
        {
            CampaignId = id, RobotAccount = "robot", Callees = callees, RingTimeoutMs = ringTimeoutMs, Rate = new() { MaxCallsPerSecond = callsPerSecond },
        });
        return (id, await handle.GetResultAsync());
    }

    public async Task<List<OutcomeExportRow>> OutcomesAsync(string id)
    {
        var rows = new List<OutcomeExportRow>();
        await foreach (var row in Store.ReadOutcomesAsync(id))
        {
            rows.Add(row);
        }

        return rows;
    }

    /// <summary>
    /// The figures of a run: vendor requests per call placed, and the latency from each call's end (the simulator's
    /// clock, the wall clock at time scale 1) to its attempt's settling in the store (the worker's clock, same host).
    /// </summary>
    public async Task<Figures> FiguresAsync(string id)
    {
        var calls = await Simulator.CallsAsync();
        var requests = await Simulator.RequestsAsync();
        long Count(params string[] apis) => apis.Sum(a => requests.Apis.TryGetValue(a, out var s) ? s.Total : 0);
        var settled = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        await using (var conn = new NpgsqlConnection(Database))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand("SELECT call_id, settled_at FROM call_attempts WHERE campaign_id = @id AND state = 'settled' AND call_id IS NOT NULL", conn);
            cmd.Parameters.AddWithValue("id", id);
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                settled[reader.GetString(0)] = new DateTimeOffset(DateTime.SpecifyKind(reader.GetDateTime(1), DateTimeKind.Utc));
            }
        }

        // The simulator's clock runs TimeScale times faster than the wall clock: a wall time mapped onto it, then back.
        var (simNow, wallNow) = (await Simulator.NowAsync(), DateTimeOffset.UtcNow);
        double Latency(DateTimeOffset storedAt, DateTimeOffset endsAt) =>
            ((simNow + ((storedAt - wallNow) * TimeScale)) - endsAt).TotalSeconds / TimeScale;
        var latencies = calls.Where(c => settled.ContainsKey(c.CallId)).Select(c => Latency(settled[c.CallId], c.EndsAt)).Order().ToList();
        double Percentile(double p) => latencies.Count == 0 ? double.NaN : latencies[Math.Clamp((int)Math.Ceiling(p * latencies.Count) - 1, 0, latencies.Count - 1)];
        var callbacks = Simulator.Service<Simulator.Callbacks.CallbackSender>().Stats;
        return new Figures(
            calls.Count,
            (double)Count(ApiNames.GetCallInfo) / Math.Max(1, calls.Count),
            (double)Count(ApiNames.V4RecordByCallId, ApiNames.V4RecordsByFilter, ApiNames.V1RecordByCallId, ApiNames.V1RecordsByFilter) / Math.Max(1, calls.Count),
            Percentile(0.50),
            Percentile(0.99),
            callbacks);
    }

    public async Task StopWorkerAsync()
    {
        if (worker is not null)
        {
            await worker.StopAsync();
            worker.Dispose();
            worker = null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopWorkerAsync();
        if (store is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }

        await Simulator.DisposeAsync();
        await PostgresServer.DropDatabaseAsync(Database);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>What one run cost and how fast its outcomes came.</summary>
    public sealed record Figures(int Calls, double InfoPerCall, double RecordsPerCall, double LatencyP50, double LatencyP99, Simulator.Callbacks.CallbackStats Callbacks)
    {
#pragma warning disable SA1118 // one invariant-culture interpolation split over lines; a local string would lose string.Create's culture
        public override string ToString() => string.Create(
            CultureInfo.InvariantCulture,
            $"{Calls} calls: get_call_info {InfoPerCall:F3}/call, records {RecordsPerCall:F3}/call, latency call end → outcome stored p50 {LatencyP50:F2} s, p99 {LatencyP99:F2} s; "
            + $"callbacks: {Callbacks.Events} events, {Callbacks.Lost} lost, {Callbacks.Duplicated} duplicated, {Callbacks.Delivered} delivered, {Callbacks.Failed} failed");
#pragma warning restore SA1118
    }
}
