namespace Campaigns.Workflows.Contract;

/// <summary>
/// Error types a campaign fails with that a caller in any language can match on (the failure's <c>type</c>),
/// besides <c>InvalidCampaign</c>. Each message says what to do instead.
/// </summary>
public static class CampaignErrors
{
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
