using System.Text.Json;
using Campaigns.Workflows.Contract;
using Campaigns.Workflows.Validation;
using Temporalio.Api.Enums.V1;
using Temporalio.Client;
using Temporalio.Client.Schedules;
using Temporalio.Exceptions;

namespace Campaigns.Workflows;

/// <content>
/// Recurring campaigns are Temporal Schedules (no scheduler of our own): the schedule's action starts
/// <see cref="CampaignWorkflow"/> with the template (<c>recurring: true</c>, its campaignId the schedule's id) under
/// the workflow id <c>campaign-&lt;scheduleId&gt;</c>, to which Temporal appends each run's scheduled time; the
/// workflow makes that run the campaign <c>&lt;scheduleId&gt;-&lt;yyyyMMddTHHmmss&gt;</c> (see <see cref="ScheduledCampaigns"/>).
/// The schedules show on the Web UI's Schedules page and in <c>temporal schedule list</c>.
/// </content>
public sealed partial class CampaignClient
{
    /// <summary>The memo key holding the cron expression as given (Temporal keeps the spec as calendars).</summary>
    public const string CronMemo = "cron";

    /// <summary>The memo key holding the cron expression's time zone (absent: UTC).</summary>
    public const string TimeZoneMemo = "timeZone";

    /// <summary>
    /// Creates the schedule of a recurring campaign: <paramref name="template"/> must validate and set
    /// <c>recurring: true</c>; its campaignId is the schedule's id. A run overlapping the previous one is skipped
    /// (the same callees would be rung by two runs at once). Refused when the schedule exists.
    /// </summary>
    public async Task<ScheduleHandle> CreateScheduleAsync(JsonElement template, string cron, string? timeZone = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(cron);
        var validation = CampaignValidator.Validate(template, DateTimeOffset.UtcNow);
        if (!validation.IsValid)
        {
            throw new CampaignRejectedException("Invalid campaign: " + string.Join("; ", validation.Problems), validation.Problems);
        }

        var spec = validation.Spec!;
        var scheduleId = spec.CampaignId!;
        if (!spec.Recurring)
        {
            throw new CampaignRejectedException(
                $"Campaign {scheduleId} is not recurring: a schedule runs a template with \"recurring\": true", ["$.recurring: must be true in a schedule's template"]);
        }

        var action = ScheduleActionStartWorkflow.Create(
            (CampaignWorkflow wf) => wf.RunAsync(template, null),
            new WorkflowOptions(ScheduledCampaigns.ActionWorkflowIdOf(scheduleId), taskQueue) { StaticSummary = $"A run of the recurring campaign {scheduleId}" });
        var schedule = new Schedule(action, new ScheduleSpec { CronExpressions = [cron], TimeZoneName = timeZone })
        {
            Policy = new SchedulePolicy { Overlap = ScheduleOverlapPolicy.Skip },
            State = new ScheduleState { Note = $"Recurring campaign {scheduleId}: each run is the campaign {scheduleId}-<yyyyMMddTHHmmss of its scheduled time, UTC>" },
        };
        var memo = new Dictionary<string, object> { [CronMemo] = cron };
        if (timeZone is not null)
        {
            memo[TimeZoneMemo] = timeZone;
        }

        try
        {
            return await client.CreateScheduleAsync(scheduleId, schedule, new ScheduleOptions { Memo = memo, Rpc = new() { CancellationToken = cancellationToken } }).ConfigureAwait(false);
        }
        catch (ScheduleAlreadyRunningException e)
        {
            throw new CampaignRejectedException($"Schedule {scheduleId} exists already: {e.Message}", [$"$.campaignId: a schedule \"{scheduleId}\" exists already"]);
        }
    }

    /// <summary>A handle on a recurring campaign's schedule (its id is the template's campaignId).</summary>
    public ScheduleHandle GetSchedule(string scheduleId) => client.GetScheduleHandle(scheduleId);

    /// <summary>The schedules whose action runs <see cref="CampaignWorkflow"/>.</summary>
    public async IAsyncEnumerable<ScheduleListDescription> ListSchedulesAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var options = new ScheduleListOptions { Rpc = new() { CancellationToken = cancellationToken } };
        await foreach (var schedule in client.ListSchedulesAsync(options).WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (schedule.Schedule?.Action is ScheduleListActionStartWorkflow { Workflow: "CampaignWorkflow" })
            {
                yield return schedule;
            }
        }
    }
}
