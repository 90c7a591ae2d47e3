using System.Globalization;

namespace Campaigns.Workflows.Contract;

/// <summary>
/// How a recurring campaign's runs are named. A Temporal Schedule starts its action's workflow id with the scheduled
/// (nominal) time appended, <c>&lt;workflowId&gt;-&lt;yyyy-MM-ddTHH:mm:ssZ&gt;</c> (UTC, whole seconds: the server's
/// scheduler, time.RFC3339), so a template whose campaignId is the schedule id runs as workflow
/// <c>campaign-&lt;scheduleId&gt;-2027-03-01T01:00:00Z</c>, and that run's campaign id is
/// <c>&lt;scheduleId&gt;-20270301T010000</c>: its own id, used once, like any campaign's. Pure: used by the
/// workflow, the CLI and the tests.
/// </summary>
public static class ScheduledCampaigns
{
    /// <summary>The suffix a run adds to the schedule id in its campaign id: <c>-yyyyMMddTHHmmss</c>.</summary>
    public const int RunSuffixLength = 16;

    /// <summary>The longest schedule id: its runs' campaign ids stay within the 64 characters of a campaign id.</summary>
    public const int MaxScheduleIdLength = 64 - RunSuffixLength;

    private const string AppendedFormat = "yyyy-MM-dd'T'HH:mm:ss'Z'";
    private const string RunFormat = "yyyyMMdd'T'HHmmss";

    /// <summary>The workflow id in the schedule's action (Temporal appends each run's scheduled time to it).</summary>
    public static string ActionWorkflowIdOf(string scheduleId) => CampaignSearch.WorkflowIdOf(scheduleId);

    /// <summary>The workflow id Temporal gives the run of <paramref name="scheduleId"/> scheduled at <paramref name="scheduledAt"/>.</summary>
    public static string RunWorkflowIdOf(string scheduleId, DateTimeOffset scheduledAt) =>
        ActionWorkflowIdOf(scheduleId) + "-" + Truncate(scheduledAt).ToString(AppendedFormat, CultureInfo.InvariantCulture);

    /// <summary>The campaign id of the run of <paramref name="scheduleId"/> scheduled at <paramref name="scheduledAt"/>.</summary>
    public static string RunCampaignIdOf(string scheduleId, DateTimeOffset scheduledAt) =>
        scheduleId + "-" + Truncate(scheduledAt).ToString(RunFormat, CultureInfo.InvariantCulture);

    /// <summary>
    /// The run a workflow id stands for: exactly <c>campaign-&lt;scheduleId&gt;-&lt;yyyy-MM-ddTHH:mm:ssZ&gt;</c>, as
    /// the scheduler writes it, or false.
    /// </summary>
    public static bool TryParseRun(string scheduleId, string workflowId, out string campaignId, out DateTimeOffset scheduledAt)
    {
        ArgumentNullException.ThrowIfNull(scheduleId);
        ArgumentNullException.ThrowIfNull(workflowId);
        campaignId = string.Empty;
        scheduledAt = default;
        var prefix = ActionWorkflowIdOf(scheduleId) + "-";
        if (!workflowId.StartsWith(prefix, StringComparison.Ordinal)
            || !DateTimeOffset.TryParseExact(workflowId[prefix.Length..], AppendedFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out scheduledAt))
        {
            return false;
        }

        campaignId = RunCampaignIdOf(scheduleId, scheduledAt);
        return true;
    }

    /// <summary>
    /// The workflow id Temporal gave the run whose campaign id is <paramref name="campaignId"/>
    /// (<c>&lt;scheduleId&gt;-&lt;yyyyMMddTHHmmss&gt;</c>), or null when the id has no such form.
    /// </summary>
    public static string? RunWorkflowIdOfCampaign(string campaignId)
    {
        ArgumentNullException.ThrowIfNull(campaignId);
        var cut = campaignId.Length - RunSuffixLength;
        return cut > 0 && campaignId[cut] == '-'
            && DateTimeOffset.TryParseExact(campaignId[(cut + 1)..], RunFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? RunWorkflowIdOf(campaignId[..cut], at)
            : null;
    }

    private static DateTimeOffset Truncate(DateTimeOffset at)
    {
        var utc = at.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
    }
}
