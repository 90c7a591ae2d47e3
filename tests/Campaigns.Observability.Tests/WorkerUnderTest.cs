using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Campaigns.Testing;
using Campaigns.Worker;
using Campaigns.Workflows;
using Campaigns.Workflows.Contract;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Campaigns.Observability.Tests;

/// <summary>
/// A worker built exactly as Program.cs builds it (WorkerHost), on the tests' Temporal dev server, with the
/// in-process simulator 60× faster than real time and a fresh PostgreSQL database, on a task queue of its own.
/// </summary>
internal sealed class WorkerUnderTest : IAsyncDisposable
{
    private readonly TemporalServer temporal;

    private WorkerUnderTest(IHost host, SimulatorHost simulator, string database, TemporalServer temporal, string taskQueue)
    {
        Host = host;
        Simulator = simulator;
        Database = database;
        Campaigns = new CampaignClient(temporal.Client, taskQueue);
        this.temporal = temporal;
    }

    public IHost Host { get; }

    public SimulatorHost Simulator { get; }

    public string Database { get; }

    public CampaignClient Campaigns { get; }

    public static async Task<WorkerUnderTest> StartAsync(IReadOnlyDictionary<string, string?> extra, ILoggerProvider? logs = null)
    {
        const double timeScale = 60;
        var temporal = new TemporalServer();
        await temporal.InitializeAsync();
        var simulator = await SimulatorHost.StartAsync(o => o.TimeScale = timeScale);
        var database = await PostgresServer.CreateDatabaseAsync() + ";Maximum Pool Size=30";
        var taskQueue = "tq-" + Guid.NewGuid().ToString("N");
        var config = new Dictionary<string, string?>
        {
            ["Temporal:Address"] = temporal.Address,
            ["Temporal:TaskQueue"] = taskQueue,
            ["TencentCall:SdkAppId"] = simulator.Options.SdkAppId.ToString(CultureInfo.InvariantCulture),
            ["TencentCall:SecretKey"] = simulator.Options.SecretKey,
            ["TencentCall:BaseUrl"] = simulator.BaseUrl.ToString(),
            ["ConnectionStrings:Outcomes"] = database,
            ["Campaigns:Watch:TimeScale"] = timeScale.ToString(CultureInfo.InvariantCulture),
            ["Logging:LogLevel:Default"] = "Warning",
        };
        var builder = WorkerHost.CreateBuilder([], c => c.AddInMemoryCollection(config).AddInMemoryCollection(extra));
        if (logs is not null)
        {
            builder.Logging.AddProvider(logs);
        }

        var host = builder.Build();
        await host.StartAsync();
        return new WorkerUnderTest(host, simulator, database, temporal, taskQueue);
    }

    /// <summary>A loopback port nobody listens on now.</summary>
    public static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    public static CampaignSpec Campaign(int callees) => new()
    {
        CampaignId = "obs-" + Guid.NewGuid().ToString("N")[..10],
        RobotAccount = "robot",
        Callees = [.. Enumerable.Range(0, callees).Select(i => $"callee{i:D3}")],
        RingTimeoutMs = 10_000,
        // Slow enough that a scrape sees the campaign under way, not only its end.
        Rate = new RateSpec { MaxCallsPerSecond = 20 },
    };

    public async ValueTask DisposeAsync()
    {
        await Host.StopAsync();
        Host.Dispose();
        await Simulator.DisposeAsync();
        await PostgresServer.DropDatabaseAsync(Database);
        await temporal.DisposeAsync();
    }
}
