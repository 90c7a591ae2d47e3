using Campaigns.Workflows.Contract;
using Temporalio.Client;
using Temporalio.Testing;

namespace Campaigns.Cli.Tests;

/// <summary>
/// The real Temporal dev server (copied from the workflow tests): the one tests/services.sh started
/// (TEMPORAL_ADDRESS), or else one started here through the SDK. One server per test run, a task queue per test.
/// </summary>
public sealed class TemporalServer : IAsyncLifetime
{
    private WorkflowEnvironment? local;

    /// <summary>host:port of the server.</summary>
    public string Address { get; private set; } = "";

    /// <summary>A client with the project's data converter.</summary>
    public ITemporalClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable("TEMPORAL_ADDRESS") is { Length: > 0 } address)
        {
            Address = address;
            Client = await TemporalClient.ConnectAsync(new TemporalClientConnectOptions(address) { DataConverter = CampaignJson.DataConverter });
            return;
        }

        local = await WorkflowEnvironment.StartLocalAsync(new WorkflowEnvironmentStartLocalOptions
        {
            DataConverter = CampaignJson.DataConverter,
            DevServerOptions = new() { ExistingPath = Environment.GetEnvironmentVariable("TEMPORAL_CLI_PATH") },
            SearchAttributes = [CampaignSearch.CampaignId, CampaignSearch.CampaignStatus],
        });
        Address = local.Client.Connection.Options.TargetHost!;
        Client = local.Client;
    }

    public async Task DisposeAsync()
    {
        if (local is not null)
        {
            await local.DisposeAsync();
        }
    }

    /// <summary>Whether a workflow with this id exists (in any state).</summary>
    public async Task<bool> ExistsAsync(string workflowId)
    {
        try
        {
            await Client.GetWorkflowHandle(workflowId).DescribeAsync();
            return true;
        }
        catch (Temporalio.Exceptions.RpcException e) when (e.Code == Temporalio.Exceptions.RpcException.StatusCode.NotFound)
        {
            return false;
        }
    }
}

[CollectionDefinition(Name)]
public sealed class TemporalTests : ICollectionFixture<TemporalServer>
{
    public const string Name = "Temporal";
}
