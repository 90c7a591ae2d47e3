using Campaigns.Workflows.Contract;
using Temporalio.Client;
using Temporalio.Testing;
using Xunit;

namespace Campaigns.Testing;

/// <summary>
/// The real Temporal dev server the workflow and CLI tests run on: the one tests/services.sh started
/// (TEMPORAL_ADDRESS), or else one started here through the SDK — from TEMPORAL_CLI_PATH when set, or the
/// SDK's own download where the internet is reachable. One server per test run, a task queue per test.
/// Each test assembly declares its own collection of it (xunit finds collection definitions only there).
/// </summary>
public sealed class TemporalServer : IAsyncLifetime
{
    private WorkflowEnvironment? local;

    /// <summary>A server started elsewhere (a test's own, with special dynamic config).</summary>
    public static TemporalServer Of(ITemporalClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        return new() { Client = client, Address = client.Connection.Options.TargetHost! };
    }

    /// <summary>host:port of the server.</summary>
    public string Address { get; private set; } = string.Empty;

    /// <summary>A client with the project's data converter.</summary>
    public ITemporalClient Client { get; private set; } = null!;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable("TEMPORAL_ADDRESS") is { Length: > 0 } address)
        {
            Address = address;
            Client = await TemporalClient.ConnectAsync(new TemporalClientConnectOptions(address) { DataConverter = CampaignJson.DataConverter }).ConfigureAwait(false);
            return;
        }

        local = await WorkflowEnvironment.StartLocalAsync(new WorkflowEnvironmentStartLocalOptions
        {
            DataConverter = CampaignJson.DataConverter,
            DevServerOptions = new() { ExistingPath = Environment.GetEnvironmentVariable("TEMPORAL_CLI_PATH") },
            SearchAttributes = [CampaignSearch.CampaignId, CampaignSearch.CampaignStatus],
        }).ConfigureAwait(false);
        Address = local.Client.Connection.Options.TargetHost!;
        Client = local.Client;
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (local is not null)
        {
            await local.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Whether a workflow with this id exists (in any state).</summary>
    public async Task<bool> ExistsAsync(string workflowId)
    {
        try
        {
            await Client.GetWorkflowHandle(workflowId).DescribeAsync().ConfigureAwait(false);
            return true;
        }
        catch (Temporalio.Exceptions.RpcException e) when (e.Code == Temporalio.Exceptions.RpcException.StatusCode.NotFound)
        {
            return false;
        }
    }
}
