using System.Diagnostics;
using System.Globalization;
using Campaigns.Storage;
using Campaigns.Testing;
using Campaigns.Workflows;
using Campaigns.Workflows.Contract;
using Temporalio.Client;
using Temporalio.Exceptions;

namespace Campaigns.Faults.Tests;

/// <summary>
/// One scenario's world, every part a real process or server: the simulator (its own process, real time),
/// a fresh PostgreSQL database, worker processes on a task queue of their own, and a Temporal client.
/// </summary>
public sealed class FaultRun : IAsyncDisposable
{
    /// <summary>Short calls (0.5-1.5 s ring and talk, records after 1 s), so a campaign of thousands fits CI.</summary>
    public static readonly string[] QuickCalls =
    [
        "--Simulator:TimeScale=1",
        "--Simulator:RecordDelaySeconds=1",
        "--Simulator:Records:LateRate=0",
        "--Simulator:Records:MissingRate=0",
        "--Simulator:Scenario:RingMinSeconds=0.5",
        "--Simulator:Scenario:RingMaxSeconds=1.5",
        "--Simulator:Scenario:TalkMinSeconds=0.5",
        "--Simulator:Scenario:TalkMaxSeconds=1.5",
    ];

    private readonly List<WorkerProcess> workers = [];
    private readonly string? ownDatabaseAdmin;
    private readonly string? embeddedFile;
    private IOutcomeStore? store;

    private FaultRun(ExternalSimulator simulator, string database, string temporalAddress, ITemporalClient client, string? ownDatabaseAdmin, string? embeddedFile = null)
    {
        this.embeddedFile = embeddedFile;
        Simulator = simulator;
        Database = database;
        TemporalAddress = temporalAddress;
        Client = client;
        this.ownDatabaseAdmin = ownDatabaseAdmin;
        Campaigns = new CampaignClient(client, TaskQueue);
    }

    public ExternalSimulator Simulator { get; }

    public string Database { get; }

    public string TemporalAddress { get; }

    public ITemporalClient Client { get; }

    public CampaignClient Campaigns { get; }

    public string TaskQueue { get; } = "tq-" + Guid.NewGuid().ToString("N");

    /// <summary>Worker settings added to (or replacing) the quick defaults.</summary>
    public Dictionary<string, string?> WorkerSettings { get; } = new()
    {
        ["TencentCall:RequestTimeout"] = "00:00:04",
        ["Campaigns:Watch:FirstPollSeconds"] = "2",
        ["Campaigns:Watch:RecordDelaySeconds"] = "1",
        ["Campaigns:Watch:RecordMaxWaitSeconds"] = "60",
        ["Campaigns:Watch:ReconcileWindowSeconds"] = "30",
        ["Logging:LogLevel:Default"] = "Warning",
    };

    /// <summary>The workers started so far (the killed ones included).</summary>
    public IReadOnlyList<WorkerProcess> Workers => workers;

    /// <summary>A store on the run's database, for the checks (it outlives any worker).</summary>
    public IOutcomeStore Store => store ??= OutcomeStores.Create(Database);

    /// <summary>
    /// Starts the simulator with <paramref name="simulatorSettings"/> (after <see cref="QuickCalls"/>), makes a
    /// database on <paramref name="postgresAdmin"/> (default: the shared test server) and connects to
    /// <paramref name="temporalAddress"/> (default: the shared dev server, TEMPORAL_ADDRESS).
    /// </summary>
    public static async Task<FaultRun> StartAsync(string[]? simulatorSettings = null, string? temporalAddress = null, string? postgresAdmin = null)
    {
        temporalAddress ??= Environment.GetEnvironmentVariable("TEMPORAL_ADDRESS") is { Length: > 0 } a ? a
            : throw new InvalidOperationException("TEMPORAL_ADDRESS is not set: run the tests with 'bash tests/run.sh', which starts a Temporal dev server");
        var simulator = await ExternalSimulator.StartAsync([.. QuickCalls, .. simulatorSettings ?? []]);
        var name = "f_" + Guid.NewGuid().ToString("N")[..16];
        string database;
        if (postgresAdmin is null)
        {
            database = await PostgresServer.CreateDatabaseAsync();
        }
        else
        {
            await using var conn = new Npgsql.NpgsqlConnection(postgresAdmin);
            await conn.OpenAsync();
            await using var cmd = new Npgsql.NpgsqlCommand($"CREATE DATABASE {name}", conn);
            await cmd.ExecuteNonQueryAsync();
            database = new Npgsql.NpgsqlConnectionStringBuilder(postgresAdmin) { Database = name }.ToString();
        }

        var client = await TemporalClient.ConnectAsync(new TemporalClientConnectOptions(temporalAddress) { DataConverter = CampaignJson.DataConverter });
        return new FaultRun(simulator, database + ";Maximum Pool Size=30", temporalAddress, client, postgresAdmin);
    }

    /// <summary>
    /// <see cref="StartAsync"/> on the embedded store instead of PostgreSQL: a fresh SQLite file that every
    /// worker of the run (all on this machine) shares.
    /// </summary>
    public static async Task<FaultRun> StartEmbeddedAsync(string[]? simulatorSettings = null)
    {
        var temporalAddress = Environment.GetEnvironmentVariable("TEMPORAL_ADDRESS") is { Length: > 0 } a ? a
            : throw new InvalidOperationException("TEMPORAL_ADDRESS is not set: run the tests with 'bash tests/run.sh', which starts a Temporal dev server");
        var simulator = await ExternalSimulator.StartAsync([.. QuickCalls, .. simulatorSettings ?? []]);
        var file = Path.Combine(Path.GetTempPath(), "f_" + Guid.NewGuid().ToString("N")[..16] + ".db");
        var client = await TemporalClient.ConnectAsync(new TemporalClientConnectOptions(temporalAddress) { DataConverter = CampaignJson.DataConverter });
        return new FaultRun(simulator, $"Data Source={file}", temporalAddress, client, null, file);
    }

    /// <summary>The worker's whole configuration.</summary>
    public Dictionary<string, string?> WorkerConfig()
    {
        var config = new Dictionary<string, string?>
        {
            ["Temporal:Address"] = TemporalAddress,
            ["Temporal:TaskQueue"] = TaskQueue,
            ["TencentCall:SdkAppId"] = "1400000001",
            ["TencentCall:SecretKey"] = "simulator-secret-key",
            ["TencentCall:BaseUrl"] = Simulator.BaseUrl.ToString(),
            ["ConnectionStrings:Outcomes"] = Database,
            ["Campaigns:Watch:TimeScale"] = "1",
        };
        foreach (var (key, value) in WorkerSettings)
        {
            config[key] = value;
        }

        return config;
    }

    /// <summary>Starts one more worker process.</summary>
    public WorkerProcess StartWorker()
    {
        var worker = WorkerProcess.Start(WorkerConfig());
        workers.Add(worker);
        return worker;
    }

    /// <summary>Callees <c>{prefix}00001</c>… of a 1v1 campaign.</summary>
    public static List<string> Callees(string prefix, int count) =>
        [.. Enumerable.Range(1, count).Select(i => prefix + i.ToString("D5", CultureInfo.InvariantCulture))];

    /// <summary>Starts a campaign of 1v1 calls (10 s ring timeout) at <paramref name="rate"/> starts a second.</summary>
    public async Task<string> StartCampaignAsync(IReadOnlyList<string> callees, int? rate = null)
    {
        var id = "f-" + Guid.NewGuid().ToString("N")[..12];
        await Campaigns.StartAsync(new CampaignSpec
        {
            CampaignId = id, RobotAccount = "robot", Callees = callees, RingTimeoutMs = 10_000, Rate = new RateSpec { MaxCallsPerSecond = rate },
        });
        return id;
    }

    /// <summary>
    /// The campaign's result, waiting through a restarting server (the client's calls fail while it is down).
    /// </summary>
    public async Task<CampaignProgress> ResultAsync(string campaignId, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var cts = new CancellationTokenSource(timeout - deadline.Elapsed);
                return await Campaigns.Get(campaignId).GetResultAsync(followRuns: true, new RpcOptions { CancellationToken = cts.Token });
            }
            catch (Exception e) when (e is RpcException or RpcTimeoutOrCanceledException && deadline.Elapsed < timeout)
            {
                await Task.Delay(1000);
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var worker in workers)
        {
            worker.Dispose();
        }

        if (store is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }

        Simulator.Dispose();
        if (embeddedFile is not null)
        {
            foreach (var file in new[] { embeddedFile, embeddedFile + "-wal", embeddedFile + "-shm" })
            {
                File.Delete(file);
            }
        }
        else if (ownDatabaseAdmin is null)
        {
            await PostgresServer.DropDatabaseAsync(Database);
        }
    }
}
