using System.Net;
using System.Net.Sockets;
using Campaigns.Workflows.Contract;
using Temporalio.Client;
using Temporalio.Testing;

namespace Campaigns.Demo;

/// <summary>
/// A Temporal dev server with its Web UI on free loopback ports and the project's search attributes,
/// started through the SDK (which stops the process when disposed). Its state is in memory: nothing is
/// left behind, and a second run starts clean. On Linux it runs in a session of its own (<see cref="OwnSession"/>).
/// </summary>
public sealed class DevServer : IAsyncDisposable
{
    private readonly WorkflowEnvironment environment;
    private readonly OwnSession? session;

    private DevServer(WorkflowEnvironment environment, OwnSession? session, TemporalCli cli, string address, int uiPort)
    {
        this.environment = environment;
        this.session = session;
        Cli = cli;
        Address = address;
        UiBase = new Uri($"http://127.0.0.1:{uiPort}/");
    }

    /// <summary>Which CLI runs the server.</summary>
    public TemporalCli Cli { get; }

    /// <summary>host:port of the frontend.</summary>
    public string Address { get; }

    /// <summary>The Web UI (links are built with <see cref="Uri.AbsoluteUri"/>: <see cref="Uri.ToString"/> would unescape the query's quotes).</summary>
    public Uri UiBase { get; }

    /// <summary>A client with the project's data converter.</summary>
    public ITemporalClient Client => environment.Client;

    /// <summary>Starts the server (with the CLI located by <see cref="TemporalCli.LocateAsync"/>) and waits until it answers.</summary>
    public static async Task<DevServer> StartAsync(TemporalCli cli)
    {
        ArgumentNullException.ThrowIfNull(cli);
        var port = FreePort();
        var uiPort = FreePort(port);
        var session = cli.Path is null ? null : OwnSession.For(cli.Path);
        WorkflowEnvironment environment;
        try
        {
            environment = await StartAsync(session?.Launcher ?? cli.Path, port, uiPort).ConfigureAwait(false);
        }
        catch
        {
            session?.Dispose();
            throw;
        }

        return new DevServer(environment, session, cli, $"127.0.0.1:{port}", uiPort);
    }

    /// <summary>The workflow list in the Web UI, filtered by a visibility query such as <c>CampaignId="demo-1"</c>.</summary>
    public string WorkflowsPage(string query) =>
        new Uri(UiBase, "namespaces/default/workflows?query=" + Uri.EscapeDataString(query)).AbsoluteUri;

    /// <summary>One run's page in the Web UI, on a tab: <c>history</c>, <c>user-metadata</c> (summary and details), <c>search-attributes</c> and the like.</summary>
    public string WorkflowPage(string workflowId, string runId, string tab = "history") =>
        new Uri(UiBase, $"namespaces/default/workflows/{Uri.EscapeDataString(workflowId)}/{Uri.EscapeDataString(runId)}/{tab}").AbsoluteUri;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await environment.DisposeAsync().ConfigureAwait(false);
        session?.Dispose();
    }

    private static Task<WorkflowEnvironment> StartAsync(string? executable, int port, int uiPort) =>
        WorkflowEnvironment.StartLocalAsync(new WorkflowEnvironmentStartLocalOptions
        {
            TargetHost = $"127.0.0.1:{port}",
            DataConverter = CampaignJson.DataConverter,
            UI = true,
            UIPort = uiPort,
            SearchAttributes = [CampaignSearch.CampaignId, CampaignSearch.CampaignStatus],
            DevServerOptions = new()
            {
                ExistingPath = executable,
                LogLevel = "error",
                // The SDK waits 5 s by default; a shared 2-core machine starting the UI too may need longer.
                StartupTimeout = TimeSpan.FromSeconds(60),
            },
        });

    // A port the OS just handed out and released; another program may take it before the server binds, which
    // the server's start then reports.
    private static int FreePort(int avoid = 0)
    {
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            if (port != avoid)
            {
                return port;
            }
        }
    }
}
