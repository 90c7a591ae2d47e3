namespace Campaigns.Storage.Model;

/// <summary>
/// Where a campaign stands. Status moves only forward: registered → running ⇄ paused → completed /
/// cancelled / failed (final). Stored in lower case, checked by a constraint.
/// </summary>
public enum CampaignStatus
{
    /// <summary>Stored, callees may be imported, not started.</summary>
    Registered,

    /// <summary>The workflow is dispatching.</summary>
    Running,

    /// <summary>Dispatch paused by an operator.</summary>
    Paused,

    /// <summary>Every target settled.</summary>
    Completed,

    /// <summary>Cancelled by an operator.</summary>
    Cancelled,

    /// <summary>Ended by an error.</summary>
    Failed,
}

/// <summary>A stored campaign.</summary>
public sealed record CampaignRow
{
    /// <summary>The id from the campaign's spec; the row's key.</summary>
    public required string CampaignId { get; init; }

    /// <summary>The Temporal workflow id running it (<c>campaign-{CampaignId}</c>).</summary>
    public required string WorkflowId { get; init; }

    /// <summary>The campaign definition as JSON.</summary>
    public required string Definition { get; init; }

    /// <summary>Where it stands.</summary>
    public CampaignStatus Status { get; init; }

    /// <summary>
    /// The run chain that took the campaign (Temporal's first execution run id; null: only imported, or
    /// registered before this was stored).
    /// </summary>
    public string? RunId { get; init; }

    /// <summary>When it was registered.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Last change.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Final totals as JSON, once known.</summary>
    public string? Totals { get; init; }

    /// <summary>
    /// Not stored: true on what <see cref="IOutcomeStore.SetCampaignStatusAsync"/> returns when the move
    /// would have gone backwards (or out of a final status); the row was left unchanged.
    /// </summary>
    public bool Refused { get; init; }
}
