using System.Text.Json;
using Campaigns.Workflows.Contract;
using Campaigns.Workflows.Validation;
using Temporalio.Api.Enums.V1;
using Temporalio.Client;
using Temporalio.Common;
using Temporalio.Exceptions;

namespace Campaigns.Workflows;

/// <summary>A campaign that could not be started, with every reason.</summary>
public sealed class CampaignRejectedException(string message, IReadOnlyList<string> problems) : Exception(message)
{
    /// <summary>Every problem, by JSON path.</summary>
    public IReadOnlyList<string> Problems { get; } = problems;
}

/// <summary>
/// How upstream services start and steer campaigns from code: the workflow id, task queue, search
/// attributes and data converter are set here once, so every caller starts campaigns the same way.
/// Create the <see cref="ITemporalClient"/> with <see cref="CampaignJson.DataConverter"/> (see <see cref="ConnectAsync"/>).
/// </summary>
public sealed partial class CampaignClient(ITemporalClient client, string taskQueue = CampaignClient.DefaultTaskQueue)
{
    /// <summary>The task queue the workers poll unless configured otherwise.</summary>
    public const string DefaultTaskQueue = "campaigns";

    /// <summary>Connects to Temporal with the project's data converter.</summary>
    public static async Task<CampaignClient> ConnectAsync(TemporalClientConnectOptions options, string taskQueue = DefaultTaskQueue)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.DataConverter = CampaignJson.DataConverter;
        return new CampaignClient(await TemporalClient.ConnectAsync(options).ConfigureAwait(false), taskQueue);
    }

    /// <summary>The underlying Temporal client.</summary>
    public ITemporalClient Temporal => client;

    /// <summary>Validates and starts a campaign; refused when invalid or when the campaign id was started before.</summary>
    public Task<WorkflowHandle<CampaignWorkflow, CampaignProgress>> StartAsync(CampaignSpec spec) =>
        StartAsync(JsonSerializer.SerializeToElement(spec, CampaignJson.Options));

    /// <summary>Validates and starts a campaign given as the operator's JSON.</summary>
    public async Task<WorkflowHandle<CampaignWorkflow, CampaignProgress>> StartAsync(JsonElement campaign)
    {
        // At submission a startAt or endBy already past is refused too (the workflow itself has no "now" to compare).
        var validation = CampaignValidator.Validate(campaign, DateTimeOffset.UtcNow);
        if (!validation.IsValid)
        {
            throw new CampaignRejectedException("Invalid campaign: " + string.Join("; ", validation.Problems), validation.Problems);
        }

        var campaignId = validation.Spec!.CampaignId!;
        if (validation.Spec.Recurring)
        {
            throw new CampaignRejectedException(
                $"Campaign {campaignId} is recurring: it runs from a schedule (CreateScheduleAsync, campaigns schedule create), not on its own",
                ["$.recurring: true runs the campaign from a schedule; leave it out to run it once"]);
        }

        var options = new WorkflowOptions(CampaignSearch.WorkflowIdOf(campaignId), taskQueue)
        {
            // A campaign id is used once, ever: a second start is refused even after the first has ended.
            IdReusePolicy = WorkflowIdReusePolicy.RejectDuplicate,
            IdConflictPolicy = WorkflowIdConflictPolicy.Fail,
            TypedSearchAttributes = new SearchAttributeCollection.Builder()
                .Set(CampaignSearch.CampaignId, campaignId)
                .Set(CampaignSearch.CampaignStatus, CampaignStatuses.Running)
                .ToSearchAttributeCollection(),
            StaticSummary = $"Campaign {campaignId}",
        };
        try
        {
            return await client.StartWorkflowAsync((CampaignWorkflow wf) => wf.RunAsync(campaign, null), options).ConfigureAwait(false);
        }
        catch (WorkflowAlreadyStartedException e)
        {
            throw new CampaignRejectedException(
                $"Campaign {campaignId} was started before (workflow {e.WorkflowId}); a campaign id is used once", [$"$.campaignId: \"{campaignId}\" already started"]);
        }
    }

    /// <summary>A handle on a running or ended campaign started on its own (workflow <c>campaign-&lt;campaignId&gt;</c>).</summary>
    public WorkflowHandle<CampaignWorkflow, CampaignProgress> Get(string campaignId) =>
        client.GetWorkflowHandle<CampaignWorkflow, CampaignProgress>(CampaignSearch.WorkflowIdOf(campaignId));

    /// <summary>
    /// A handle on a campaign wherever it runs: <see cref="Get"/>, or for the run of a schedule
    /// (<c>&lt;scheduleId&gt;-&lt;yyyyMMddTHHmmss&gt;</c>) the workflow Temporal started, <c>campaign-&lt;scheduleId&gt;-&lt;time&gt;</c>,
    /// when no campaign of that id was started on its own. Asks the server only for ids of that form.
    /// </summary>
    public async Task<WorkflowHandle<CampaignWorkflow, CampaignProgress>> FindAsync(string campaignId, CancellationToken cancellationToken = default)
    {
        var own = Get(campaignId);
        if (ScheduledCampaigns.RunWorkflowIdOfCampaign(campaignId) is not { } runWorkflowId)
        {
            return own;
        }

        try
        {
            await own.DescribeAsync(new() { Rpc = new() { CancellationToken = cancellationToken } }).ConfigureAwait(false);
            return own;
        }
        catch (RpcException e) when (e.Code == RpcException.StatusCode.NotFound)
        {
            return client.GetWorkflowHandle<CampaignWorkflow, CampaignProgress>(runWorkflowId);
        }
    }
}
