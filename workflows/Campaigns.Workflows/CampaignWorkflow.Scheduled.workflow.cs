using Campaigns.Workflows.Activities;
using Campaigns.Workflows.Contract;
using Campaigns.Workflows.Validation;
using Temporalio.Common;
using Temporalio.Exceptions;
using Temporalio.Workflows;

namespace Campaigns.Workflows;

/// <content>
/// Scheduled and recurring campaigns (issue 20 part 2): <c>startAt</c> (a durable timer before anything is registered),
/// <c>endBy</c> (dispatch stops; calls in flight are watched to their end; the targets never dialed end NotDialed and
/// the campaign Completed), and the run of a Temporal Schedule (its own campaign id, from its scheduled time).
/// </content>
public sealed partial class CampaignWorkflow
{
    // When dispatch stops for good (null: never).
    private DateTimeOffset? endBy;

    // Waiting for startAt: nothing registered yet.
    private bool waitingToStart;

    // A setRate taken while waiting for startAt: it outranks the file's rate once the campaign begins.
    private RateChange? rateBeforeStart;

    // startAt, endBy and recurring came with one change (a patch): before it the validator refused them as unknown
    // fields, so the history of such a refusal replays as it ran. A recurring template runs under the workflow id its
    // schedule gave the run, campaign-<scheduleId>-<scheduled time>, and becomes the campaign <scheduleId>-<yyyyMMddTHHmmss>.
    private void ScheduleRun(bool chainStart)
    {
        if (!Workflow.Patched("scheduled-campaigns"))
        {
            throw Invalid("$.startAt, $.endBy, $.recurring: unknown field");
        }

        if (spec.Recurring)
        {
            var scheduleId = spec.CampaignId!;
            if (!ScheduledCampaigns.TryParseRun(scheduleId, Workflow.Info.WorkflowId, out var runCampaignId, out _))
            {
                throw new ApplicationFailureException(
                    $"Campaign {scheduleId} is recurring: it runs from a Temporal Schedule, as workflows {ScheduledCampaigns.ActionWorkflowIdOf(scheduleId)}-<scheduled time>, " +
                    $"not {Workflow.Info.WorkflowId}: create its schedule (campaigns schedule create --cron \"…\" FILE), or leave \"recurring\" out to run it once",
                    errorType: CampaignErrors.WrongWorkflowId,
                    nonRetryable: true);
            }

            spec = spec with { CampaignId = runCampaignId };
        }

        endBy = Instants.Parse(spec.EndBy);
        if (chainStart && endBy <= Workflow.UtcNow)
        {
            throw Invalid($"$.endBy: {spec.EndBy} has passed: nothing would be dialed (give a later endBy, or leave it out)");
        }
    }

    private static ApplicationFailureException Invalid(string problem) =>
        new("Invalid campaign: " + problem, errorType: CampaignErrors.InvalidCampaign, nonRetryable: true, details: [new[] { problem }]);

    // Waits on a durable timer until startAt, answering progress, pause, resume, setRate and cancel meanwhile; false
    // when the campaign was cancelled first.
    private async Task<bool> WaitForStartAsync(DateTimeOffset startAt)
    {
        waitingToStart = true;
        state.Progress = new CampaignProgress
        {
            CampaignId = spec.CampaignId!,
            Targets = spec.TargetsImported ? 0 : (spec.Callees?.Count ?? 0) + (spec.Groups?.Count ?? 0),
        };
        SetStatus(CampaignStatuses.Scheduled);
        try
        {
            // Temporal's own cancel (the Web UI, `temporal workflow cancel`) ends the wait through the token: a condition
            // is not checked again for a cancel alone. The cancel update sets cancelRequested.
            await Workflow.WaitConditionAsync(() => cancelRequested, startAt - Workflow.UtcNow, Workflow.CancellationToken);
        }
        catch (OperationCanceledException) when (Workflow.CancellationToken.IsCancellationRequested)
        {
        }

        waitingToStart = false;
        return !(cancelRequested || Workflow.CancellationToken.IsCancellationRequested); // a cancel that came with the timer's firing counts too
    }

    private async Task<CampaignProgress> EndBeforeStartAsync()
    {
        SetStatus(CampaignStatuses.Cancelled);
        await Workflow.WaitConditionAsync(() => Workflow.AllHandlersFinished, detached.Token);
        if (Workflow.CancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException("The campaign was cancelled before its start", Workflow.CancellationToken);
        }

        return state.Progress;
    }

    private bool PastEndBy(DateTimeOffset now) => endBy is { } end && now >= end;

    // endBy has passed and no batch of a previous run is left to adopt: the campaign ends once its batches have.
    private bool EndedBy() => PastEndBy(Workflow.UtcNow) && state.Adopt.Count == 0;

    // After endBy, with every batch ended: the targets never dialed (never dispatched, or deferred back to the store)
    // are stored NotDialed (Skipped when now on the do-not-call list; Capped when a contact cap deferred them), and a
    // redial still waiting is dropped (its target keeps its last result; Capped if a cap deferred it). Then the
    // campaign completes.
    private async Task FinishNotDialedAsync()
    {
        var left = state.Targets - state.NextSeq + 1;
        var input = InputFor([]) with { Token = NextToken(), Runs = left > 0 ? [[state.NextSeq, (int)left, 1]] : [] };
        var result = await Workflow.ExecuteActivityAsync((ICampaignActivities a) => a.FinishNotDialedAsync(input), new ActivityOptions
        {
            StartToCloseTimeout = TimeSpan.FromMinutes(30),
            CancellationToken = detached.Token,
            RetryPolicy = new RetryPolicy { MaximumInterval = TimeSpan.FromSeconds(30) },
            Summary = $"endBy {spec.EndBy}: store what was never dialed",
        });
        var byResult = new Dictionary<string, long>(state.Progress.ByResult, StringComparer.Ordinal);
        foreach (var (name, count) in result.ByResult)
        {
            byResult[name] = byResult.GetValueOrDefault(name) + count;
        }

        state.Progress = state.Progress with
        {
            Finished = state.Progress.Finished + result.Finished,
            Attempts = state.Progress.Attempts + result.ByResult.Values.Sum(),
            ByResult = byResult,
            Deferred = 0, // nothing waits any more: what a cap deferred ended Capped
        };
    }
}
