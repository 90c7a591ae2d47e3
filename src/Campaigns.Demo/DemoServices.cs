using System.Globalization;
using System.Security.Cryptography;
using Campaigns.Callbacks;
using Campaigns.Simulator;
using Campaigns.Storage;
using Campaigns.TencentCall;
using Campaigns.Worker;
using Campaigns.Workflows;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Campaigns.Demo;

/// <summary>
/// Everything the demo runs, all on this machine: the Temporal dev server with its Web UI, the Tencent
/// simulator and one worker on an embedded SQLite store in a folder of its own. Disposing stops them in
/// reverse order (the worker first, so no batch is left talking to a stopped simulator or server) and deletes the folder.
/// </summary>
public sealed class DemoServices : IAsyncDisposable
{
    private readonly List<Func<ValueTask>> stops = [];

    private DemoServices(string folder, FileLoggerProvider log)
    {
        Folder = folder;
        Log = log;
    }

    /// <summary>The run's own folder (the outcome database, the log).</summary>
    public string Folder { get; }

    /// <summary>The worker's log file.</summary>
    public FileLoggerProvider Log { get; }

    /// <summary>The Temporal dev server and its Web UI.</summary>
    public DevServer Temporal { get; private set; } = null!;

    /// <summary>Where the simulator listens.</summary>
    public Uri SimulatorUrl { get; private set; } = null!;

    /// <summary>Starts campaigns on the worker's task queue.</summary>
    public CampaignClient Campaigns { get; private set; } = null!;

    /// <summary>The worker's outcome store (the same instance, so SQLite writers queue in one process).</summary>
    public IOutcomeStore Store { get; private set; } = null!;

    /// <summary>
    /// Starts everything; <paramref name="timeScale"/> runs the simulator's clock (rings, talks, record delays)
    /// that much faster, and the worker's waits with it. <paramref name="step"/> hears each part as it comes up.
    /// </summary>
    public static async Task<DemoServices> StartAsync(double timeScale, Action<string>? step = null, CancellationToken cancellationToken = default)
    {
        var folder = Directory.CreateTempSubdirectory("campaigns-demo-").FullName;
        var services = new DemoServices(folder, new FileLoggerProvider(Path.Combine(folder, "worker.log"), LogLevel.Warning));
        services.stops.Add(() =>
        {
            services.Log.Dispose();
            SqliteConnection.ClearAllPools(); // the database file stays open in the pool otherwise
            Directory.Delete(folder, recursive: true);
            return ValueTask.CompletedTask;
        });
        try
        {
            await services.StartPartsAsync(timeScale, step, cancellationToken).ConfigureAwait(false);
            return services;
        }
        catch
        {
            await services.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task StartPartsAsync(double timeScale, Action<string>? step, CancellationToken cancellationToken)
    {
        var cli = await TemporalCli.LocateAsync(cancellationToken).ConfigureAwait(false);
        step?.Invoke($"Temporal dev server from {cli.Source}{(cli.Path is null ? string.Empty : $" ({cli.Path})")}");
        Temporal = await DevServer.StartAsync(cli).ConfigureAwait(false);
        stops.Add(Temporal.DisposeAsync);
        step?.Invoke($"Temporal dev server on {Temporal.Address}, Web UI {Temporal.UiBase}");
        cancellationToken.ThrowIfCancellationRequested();

        // The simulator's console logger is silenced: its lines would tear the live display apart.
        var simulator = SimulatorApp.Build(
            ["--urls", "http://127.0.0.1:0", "--Logging:Console:LogLevel:Default=None"],
            o => o.TimeScale = timeScale);
        await simulator.StartAsync(cancellationToken).ConfigureAwait(false);
        stops.Add(async () =>
        {
            await simulator.StopAsync().ConfigureAwait(false);
            await simulator.DisposeAsync().ConfigureAwait(false);
        });
        SimulatorUrl = new Uri(simulator.Urls.First().TrimEnd('/') + "/");
        step?.Invoke($"Tencent Call simulator on {SimulatorUrl} (time ×{timeScale.ToString(CultureInfo.InvariantCulture)})");

        var options = simulator.Services.GetRequiredService<SimulatorOptions>();
        var database = Path.Combine(Folder, "outcomes.db");
        var builder = WorkerHost.CreateBuilder([], c => c.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Temporal:Address"] = Temporal.Address,
            ["TencentCall:SdkAppId"] = options.SdkAppId.ToString(CultureInfo.InvariantCulture),
            ["TencentCall:SecretKey"] = options.SecretKey,
            ["TencentCall:BaseUrl"] = SimulatorUrl.ToString(),
            // The embedded store, in this run's own folder: a second run starts with an empty ledger.
            ["ConnectionStrings:Outcomes"] = new SqliteConnectionStringBuilder { DataSource = database }.ToString(),
            ["Campaigns:Watch:TimeScale"] = timeScale.ToString(CultureInfo.InvariantCulture),
            // The callback receiver on a free loopback port, its secret path segment fresh for this run.
            ["Callbacks:Enabled"] = "true",
            ["Callbacks:Urls"] = "http://127.0.0.1:0",
            ["Callbacks:PathSecret"] = RandomNumberGenerator.GetHexString(32, lowercase: true),
        }));
        builder.Logging.ClearProviders().AddProvider(Log);
        // The demo owns Ctrl-C: the host's console lifetime would stop the worker behind its back.
        builder.Services.AddSingleton<IHostLifetime, PassiveLifetime>();
        var worker = builder.Build();
        await worker.StartAsync(cancellationToken).ConfigureAwait(false);
        stops.Add(async () =>
        {
            // Running batches stop at once (a retry would resume them from the store); the SDK waits for them at most 10 s.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await worker.StopAsync(timeout.Token).ConfigureAwait(false);
            worker.Dispose();
        });
        // As an operator would with `campaigns callbacks set URL`: the simulator then POSTs call events to the receiver,
        // late, twice, out of order or never (Simulator:Callbacks:*), and the receiver writes them to the ledger.
        var receiver = worker.Services.GetRequiredService<CallbackServer>().Addresses[0];
        var secret = worker.Services.GetRequiredService<CallbackReceiverOptions>().PathSecret;
        await worker.Services.GetRequiredService<ICallbackConfigClient>()
            .SetCallbackAsync(new Uri(receiver, "tencent/callback/" + secret), cancellationToken: cancellationToken).ConfigureAwait(false);
        step?.Invoke($"Callback receiver on {receiver}tencent/callback/*** (the simulator delays, duplicates, reorders and loses some)");
        Store = worker.Services.GetRequiredService<IOutcomeStore>();
        Campaigns = new CampaignClient(Temporal.Client, CampaignClient.DefaultTaskQueue);
        step?.Invoke($"Worker on task queue {CampaignClient.DefaultTaskQueue}, outcomes in {database}");
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        List<Exception> errors = [];
        for (var i = stops.Count - 1; i >= 0; i--)
        {
            try
            {
                await stops[i]().ConfigureAwait(false);
            }
#pragma warning disable CA1031 // every part is stopped even when one fails to; the errors are rethrown together
            catch (Exception e)
#pragma warning restore CA1031
            {
                errors.Add(e);
            }
        }

        stops.Clear();
        if (errors.Count > 0)
        {
            throw new AggregateException("Stopping the demo failed", errors);
        }
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1812:Avoid uninstantiated internal classes", Justification = "the host makes it from its registration as IHostLifetime")]
    private sealed class PassiveLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
