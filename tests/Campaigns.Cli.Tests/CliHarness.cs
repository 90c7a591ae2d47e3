using System.Globalization;
using Campaigns.Simulator;
using Campaigns.Storage;
using Campaigns.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Campaigns.Cli.Tests;

/// <summary>
/// What one CLI test needs, all real: a fresh PostgreSQL database (the store the CLI and the worker share), a
/// task queue of its own, and on demand the simulator and a worker host built exactly as Program.cs builds it
/// (the pattern of the workflow tests' CampaignHarness). The CLI runs in-process with an environment of its own.
/// </summary>
public sealed class CliHarness : IAsyncDisposable
{
    private IHost? worker;
    private SimulatorHost? simulator;
    private IOutcomeStore? store;

    private CliHarness(TemporalServer temporal, string? database)
    {
        Temporal = temporal;
        Database = database;
    }

    public TemporalServer Temporal { get; }

    /// <summary>The store's connection string (a database of this test's own), or null for a test without a store.</summary>
    public string? Database { get; }

    public string TaskQueue { get; } = "tq-" + Guid.NewGuid().ToString("N");

    /// <summary>The simulator <see cref="StartWorkerAsync"/> started (null before).</summary>
    public SimulatorHost? Simulator => simulator;

    /// <summary>A store on the same database, for assertions.</summary>
    public IOutcomeStore Store => store ??= OutcomeStores.Create(Database ?? throw new InvalidOperationException("this harness has no store"));

    /// <summary>The environment the CLI sees: the server, the store and the task queue, as an operator would export them.</summary>
    public Dictionary<string, string?> Environment { get; } = [];

    /// <summary>A harness; <paramref name="withStore"/> false for commands that never touch the store (no database is made).</summary>
    public static async Task<CliHarness> StartAsync(TemporalServer temporal, bool withStore = true)
    {
        // A small pool: several suites share one test server (max_connections 200).
        var database = withStore ? await PostgresServer.CreateDatabaseAsync() + ";Maximum Pool Size=10" : null;
        var harness = new CliHarness(temporal, database);
        harness.Environment["TEMPORAL_ADDRESS"] = temporal.Address;
        harness.Environment["Temporal__TaskQueue"] = harness.TaskQueue;
        if (database is not null)
        {
            harness.Environment["ConnectionStrings__Outcomes"] = database;
            await harness.Store.MigrateAsync(); // assertions may read tables the CLI never had to create
        }

        return harness;
    }

    /// <summary>Starts the simulator (60× real time) and a worker on this harness's task queue and database.</summary>
    public async Task StartWorkerAsync(Action<SimulatorOptions>? configure = null)
    {
        simulator = await SimulatorHost.StartAsync(o =>
        {
            o.TimeScale = 60;
            configure?.Invoke(o);
        });
        var config = new Dictionary<string, string?>
        {
            ["Temporal:Address"] = Temporal.Address,
            ["Temporal:TaskQueue"] = TaskQueue,
            ["TencentCall:SdkAppId"] = simulator.Options.SdkAppId.ToString(CultureInfo.InvariantCulture),
            ["TencentCall:SecretKey"] = simulator.Options.SecretKey,
            ["TencentCall:BaseUrl"] = simulator.BaseUrl.ToString(),
            ["ConnectionStrings:Outcomes"] = Database ?? throw new InvalidOperationException("a worker needs the harness's store"),
            ["Campaigns:Watch:TimeScale"] = "60",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        worker = WorkerHost.CreateBuilder([], c => c.AddInMemoryCollection(config)).Build();
        await worker.StartAsync();
    }

    /// <summary>Runs <c>campaigns ARGS</c> in-process, bounded by 120 s (commands that follow a campaign wait for it).</summary>
    public Task<CliRun> RunAsync(params string[] args) => RunAsync(120, args);

    public async Task<CliRun> RunAsync(int timeoutSeconds, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds));
        var io = CliIo.Plain(output, error, name => Environment.GetValueOrDefault(name));
        var code = await CampaignsCli.RunAsync(args, io, timeout.Token);
        Assert.False(timeout.IsCancellationRequested, $"campaigns {string.Join(' ', args)} did not finish within {timeoutSeconds} s:\n{output}\n{error}");
        return new CliRun(code, output.ToString(), error.ToString());
    }

    /// <summary>A file in a folder of this test's own.</summary>
    public string File(string name, string content)
    {
        var path = Path.Combine(Folder, name);
        System.IO.File.WriteAllText(path, content);
        return path;
    }

    public string Folder { get; } = Directory.CreateTempSubdirectory("campaigns-cli-").FullName;

    public static string NewId() => "cli-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>A campaign of <paramref name="callees"/> callees u1…uN as JSON, with optional extra fields.</summary>
    public static string Campaign(string id, int callees, string extra = "") =>
        $$"""{ "campaignId": "{{id}}", "robotAccount": "robot", "callees": [{{string.Join(", ", Enumerable.Range(1, callees).Select(i => $"\"u{i}\""))}}]{{extra}} }""";

    public async ValueTask DisposeAsync()
    {
        if (worker is not null)
        {
            await worker.StopAsync();
            worker.Dispose();
        }

        if (simulator is not null)
        {
            await simulator.DisposeAsync();
        }

        if (store is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }

        if (Database is not null)
        {
            await PostgresServer.DropDatabaseAsync(Database);
        }

        Directory.Delete(Folder, recursive: true);
    }
}

/// <summary>Helpers on the harness for assertions through Temporal.</summary>
public static class CliHarnessExtensions
{
    public static Campaigns.Workflows.CampaignClient Campaigns(this CliHarness h) => new(h.Temporal.Client, h.TaskQueue);
}
