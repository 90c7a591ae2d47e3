namespace Campaigns.Workflows.Contract;

/// <summary>
/// Error types a campaign (or one of its updates) fails with that a caller in any language can match on (the
/// failure's <c>type</c>); every one is non-retryable. Each message says what to do instead. The one list of them:
/// the workflow, the activities, the CLI and the docs (docs/campaign-json.md) use these names.
/// </summary>
public static class CampaignErrors
{
    /// <summary>The campaign JSON (or an input another SDK sent) is not a valid campaign; the message lists every problem by JSON path.</summary>
    public const string InvalidCampaign = "InvalidCampaign";

    /// <summary>Tencent refused the worker's credentials (SDKAppID, administrator, SecretKey, region): nothing more is dialed.</summary>
    public const string TencentAuth = "TencentAuth";

    /// <summary>Several batches in a row gave up on an error no retry cures: the fault is everywhere, the campaign fails.</summary>
    public const string BatchesFailing = "BatchesFailing";

    /// <summary>An update (pause, resume, cancel, setRate) refused, with the reason (e.g. "the campaign is already paused").</summary>
    public const string CommandRefused = "CommandRefused";

    /// <summary>The campaign id is registered to another workflow id: a campaign id is used once.</summary>
    public const string CampaignIdTaken = "CampaignIdTaken";

    /// <summary>
    /// The campaign id was already run by an earlier run chain under the same workflow id (it completed, was
    /// cancelled, failed or was terminated): its leftovers are never dialed by a new run.
    /// </summary>
    public const string CampaignAlreadyRun = "CampaignAlreadyRun";

    /// <summary>The workflow was started under an id other than <c>campaign-&lt;campaignId&gt;</c>.</summary>
    public const string WrongWorkflowId = "WrongWorkflowId";
}
