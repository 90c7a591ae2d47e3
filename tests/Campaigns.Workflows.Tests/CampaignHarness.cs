using System.Text.Json;
using Campaigns.Simulator;
using Campaigns.Storage;
using Campaigns.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Campaigns.Workflows.Tests;

/// <summary>
/// Everything one workflow test needs, all real: the Tencent simulator on a port, a fresh PostgreSQL
/// database, and the worker host exactly as Program.cs builds it, on a task queue of its own.
/// </summary>
public sealed class CampaignHarness : IAsyncDisposable
{
    private IHost? worker;
    private IOutcomeStore? store;
    private IReadOnlyDictionary<string, string?> extraConfig = new Dictionary<string, string?>();
    private double timeScale = 60;
    private TimeProvider? clock;

    private CampaignHarness(TemporalServer temporal, SimulatorHost simulator, string database, string taskQueue)
    {
        Temporal = temporal;
        Simulator = simulator;
        Database = database;
        TaskQueue = taskQueue;
        Campaigns = new CampaignClient(temporal.Client, taskQueue);
    }

    public TemporalServer Temporal { get; }

    public SimulatorHost Simulator { get; }

    public string Database { get; }

    public string TaskQueue { get; }

    public CampaignClient Campaigns { get; }

    /// <summary>A store on the worker's database, for assertions (it outlives any worker).</summary>
    public IOutcomeStore Store => store ??= OutcomeStores.Create(Database);

    /// <summary>
    /// Starts the simulator (60× faster than real time unless configured) and a worker whose waits are
    /// scaled the same way.
    /// </summary>
    public static async Task<CampaignHarness> StartAsync(
        TemporalServer temporal, Action<SimulatorOptions>? simulator = null, double timeScale = 60, IReadOnlyDictionary<string, string?>? config = null, TimeProvider? clock = null)
    {
        var sim = await SimulatorHost.StartAsync(
            o =>
            {
                o.TimeScale = timeScale;
                simulator?.Invoke(o);
            },
            clock);
        // A small pool per worker: several workers and suites share one test server (max_connections 200).
        var database = await PostgresServer.CreateDatabaseAsync() + ";Maximum Pool Size=30";
        var harness = new CampaignHarness(temporal, sim, database, "tq-" + Guid.NewGuid().ToString("N"));
        harness.extraConfig = config ?? new Dictionary<string, string?>();
        harness.timeScale = timeScale;
        harness.clock = clock;
        await harness.StartWorkerAsync();
        return harness;
    }

    /// <summary>Another worker on the same task queue (a fleet of two); the caller disposes it.</summary>
    public async Task<IHost> StartExtraWorkerAsync()
    {
        var extra = WorkerHost.CreateBuilder([], c => c.AddInMemoryCollection(WorkerConfig()).AddInMemoryCollection(extraConfig)).Build();
        await extra.StartAsync();
        return extra;
    }

    public async Task StartWorkerAsync()
    {
        var builder = WorkerHost.CreateBuilder([], c => c.AddInMemoryCollection(WorkerConfig()).AddInMemoryCollection(extraConfig));
        if (clock is not null)
        {
            // The worker's (and its store's) clock: the last registration wins over the TryAdd of TimeProvider.System.
            builder.Services.AddSingleton(clock);
        }

        worker = builder.Build();
        await worker.StartAsync();
    }

    /// <summary>The worker's configuration: this harness's simulator, database and task queue.</summary>
    public Dictionary<string, string?> WorkerConfig() => new()
        {
            ["Temporal:Address"] = Temporal.Address,
            ["Temporal:TaskQueue"] = TaskQueue,
            ["TencentCall:SdkAppId"] = Simulator.Options.SdkAppId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["TencentCall:SecretKey"] = Simulator.Options.SecretKey,
            ["TencentCall:BaseUrl"] = Simulator.BaseUrl.ToString(),
            ["ConnectionStrings:Outcomes"] = Database,
            ["Campaigns:Watch:TimeScale"] = timeScale.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Logging:LogLevel:Default"] = "Warning",
        };

    public async Task StopWorkerAsync()
    {
        if (worker is not null)
        {
            await worker.StopAsync();
            worker.Dispose();
            worker = null;
        }
    }

    /// <summary>A campaign as an operator would write it, as JSON.</summary>
    public static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    public static string NewId() => "c-" + Guid.NewGuid().ToString("N")[..12];

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
}
