using Campaigns.Cli.Connection;
using Campaigns.Cli.Output;
using Campaigns.Workflows;
using Campaigns.Workflows.Contract;
using Temporalio.Api.Enums.V1;
using Temporalio.Client;
using Temporalio.Exceptions;

namespace Campaigns.Cli.Commands;

/// <summary>Finds a campaign's workflow and reads where it stands, explaining every way that can fail.</summary>
internal static class CampaignLookup
{
    /// <summary>How long the progress query may wait for a worker to answer.</summary>
    public static readonly TimeSpan QueryTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The campaign's workflow: <c>campaign-&lt;id&gt;</c>, or the run of a schedule Temporal started.</summary>
    public static async Task<WorkflowHandle<CampaignWorkflow, CampaignProgress>> HandleAsync(CliContext context, string campaignId)
    {
        var campaigns = await context.CampaignsAsync().ConfigureAwait(false);
        try
        {
            return await campaigns.FindAsync(campaignId, context.Cancel).ConfigureAwait(false);
        }
        catch (RpcException e) when (TemporalConnector.Explain(e, context.Settings) is { } explained)
        {
            throw explained;
        }
    }

    public static async Task<WorkflowExecutionDescription> DescribeAsync(CliContext context, string campaignId)
    {
        var handle = await HandleAsync(context, campaignId).ConfigureAwait(false);
        try
        {
            return await handle.DescribeAsync(new() { Rpc = new() { CancellationToken = context.Cancel } }).ConfigureAwait(false);
        }
        catch (RpcException e) when (TemporalConnector.Explain(e, context.Settings) is { } explained)
        {
            throw explained;
        }
        catch (RpcException e) when (e.Code == RpcException.StatusCode.NotFound)
        {
            throw NotFound(context, campaignId, e);
        }
    }

    public static CliException NotFound(CliContext context, string campaignId, Exception? inner)
    {
        var message = $"no campaign {campaignId}: workflow {CampaignSearch.WorkflowIdOf(campaignId)}"
            + (ScheduledCampaigns.RunWorkflowIdOfCampaign(campaignId) is { } run ? $" (nor {run}, a run of a schedule)" : string.Empty)
            + $" does not exist in namespace {context.Settings.Namespace} at {context.Settings.Address}";
        return new(ExitCodes.Failed, message, "check the id (`campaigns list`), --namespace and --address", inner);
    }

    /// <summary>The campaign now. <paramref name="tolerateNoWorker"/>: a missing answer becomes a note instead of an error.</summary>
    public static async Task<CampaignSnapshot> SnapshotAsync(CliContext context, string campaignId, bool tolerateNoWorker = false)
    {
        var description = await DescribeAsync(context, campaignId).ConfigureAwait(false);
        var handle = await HandleAsync(context, campaignId).ConfigureAwait(false);
        var execution = Name(description.Status);
        var snapshot = new CampaignSnapshot
        {
            CampaignId = campaignId,
            WorkflowId = description.Id,
            RunId = description.RunId,
            TaskQueue = description.TaskQueue,
            Execution = execution,
            Status = description.TypedSearchAttributes.TryGetValue(CampaignSearch.CampaignStatus, out var status) ? status : execution,
            StartedAt = description.StartTime,
            ClosedAt = description.CloseTime,
        };
        switch (description.Status)
        {
            case WorkflowExecutionStatus.Completed:
                var result = await handle.GetResultAsync(rpcOptions: new() { CancellationToken = context.Cancel }).ConfigureAwait(false);
                return snapshot with { Progress = result, Status = result.Status };
            case WorkflowExecutionStatus.Failed or WorkflowExecutionStatus.Terminated or WorkflowExecutionStatus.TimedOut:
                return snapshot with { Status = execution, Failure = await FailureAsync(handle, context.Cancel).ConfigureAwait(false) };
            case WorkflowExecutionStatus.Canceled:
                // A cancelled run has no result; its progress needs a worker to replay it, and may be unavailable.
                var cancelled = await QueryAsync(context, handle, description.TaskQueue, tolerate: true).ConfigureAwait(false);
                return snapshot with { Status = CampaignStatuses.Cancelled, Progress = cancelled.Progress, Note = cancelled.Note };
            default:
                var (progress, note) = await QueryAsync(context, handle, description.TaskQueue, tolerateNoWorker).ConfigureAwait(false);
                return snapshot with { Progress = progress, Status = progress?.Status ?? snapshot.Status, Note = note };
        }
    }

    private static async Task<(CampaignProgress? Progress, string? Note)> QueryAsync(
        CliContext context, WorkflowHandle<CampaignWorkflow, CampaignProgress> handle, string? taskQueue, bool tolerate)
    {
        try
        {
            var options = new WorkflowQueryOptions { Rpc = new() { Timeout = QueryTimeout, CancellationToken = context.Cancel } };
            return (await handle.QueryAsync(wf => wf.Progress, options).ConfigureAwait(false), null);
        }
        catch (Exception e) when (e is RpcException or WorkflowQueryFailedException or OperationCanceledException && !context.Cancel.IsCancellationRequested)
        {
            if (e is RpcException rpc && TemporalConnector.Explain(rpc, context.Settings) is { } explained && explained.ExitCode == ExitCodes.Unavailable)
            {
                throw explained;
            }

            var why = $"no worker answered the progress query within {QueryTimeout.TotalSeconds:0} s ({e.Message})";
            if (tolerate)
            {
                return (null, why);
            }

            throw new CliException(
                ExitCodes.Failed,
                why,
                $"start a worker polling task queue {taskQueue} (dotnet run --project src/Campaigns.Worker, with Temporal:TaskQueue={taskQueue})",
                e);
        }
    }

    private static async Task<string> FailureAsync(WorkflowHandle<CampaignWorkflow, CampaignProgress> handle, CancellationToken cancellationToken)
    {
        try
        {
            await handle.GetResultAsync(rpcOptions: new() { CancellationToken = cancellationToken }).ConfigureAwait(false);
            return "ended without a result";
        }
        catch (WorkflowFailedException e)
        {
            return e.InnerException switch
            {
                ApplicationFailureException app when app.ErrorType is { } type => $"{app.Message} ({type})",
                TerminatedFailureException t => "terminated: " + t.Message,
                TimeoutFailureException t => "timed out: " + t.Message,
                { } inner => inner.Message,
                null => e.Message,
            };
        }
    }

    public static string Name(WorkflowExecutionStatus status) => status switch
    {
        WorkflowExecutionStatus.Running => "Running",
        WorkflowExecutionStatus.Completed => "Completed",
        WorkflowExecutionStatus.Failed => "Failed",
        WorkflowExecutionStatus.Canceled => "Canceled",
        WorkflowExecutionStatus.Terminated => "Terminated",
        WorkflowExecutionStatus.TimedOut => "TimedOut",
        WorkflowExecutionStatus.ContinuedAsNew => "ContinuedAsNew",
        _ => status.ToString(),
    };
}
