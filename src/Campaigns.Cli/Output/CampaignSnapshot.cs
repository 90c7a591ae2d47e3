using System.Text.Json.Serialization;
using Campaigns.Workflows.Contract;

namespace Campaigns.Cli.Output;

/// <summary>What <c>status</c> shows (and prints as one JSON object with <c>--json</c>).</summary>
internal sealed record CampaignSnapshot
{
    public required string CampaignId { get; init; }

    public required string WorkflowId { get; init; }

    public string? RunId { get; init; }

    public string? TaskQueue { get; init; }

    /// <summary>The workflow execution's status: Running, Completed, Failed, Canceled, Terminated, TimedOut.</summary>
    public required string Execution { get; init; }

    /// <summary>The campaign's status: Running, Paused, Completed, Cancelled — or the execution's when it failed.</summary>
    public required string Status { get; init; }

    public DateTime? StartedAt { get; init; }

    public DateTime? ClosedAt { get; init; }

    /// <summary>The progress query's answer (or the result, once completed); null when no worker could answer.</summary>
    public CampaignProgress? Progress { get; init; }

    /// <summary>Why the campaign failed, when it did.</summary>
    public string? Failure { get; init; }

    /// <summary>Why the progress is missing or stale, when it is.</summary>
    public string? Note { get; init; }

    [JsonIgnore]
    public bool IsClosed => Execution != "Running";

    [JsonIgnore]
    public bool IsFailure => Execution is "Failed" or "Terminated" or "TimedOut";
}
