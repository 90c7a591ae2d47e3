using Temporalio.Common;

namespace Campaigns.Workflows.Contract;

/// <summary>The search attributes operators filter campaigns by (registered on the server at start-up).</summary>
public static class CampaignSearch
{
    /// <summary>The campaign's id.</summary>
    public static readonly SearchAttributeKey<string> CampaignId = SearchAttributeKey.CreateKeyword("CampaignId");

    /// <summary>See <see cref="CampaignStatuses"/>.</summary>
    public static readonly SearchAttributeKey<string> CampaignStatus = SearchAttributeKey.CreateKeyword("CampaignStatus");

    /// <summary>The workflow id of a campaign: starting the same campaign twice is refused by this id.</summary>
    public static string WorkflowIdOf(string campaignId) => "campaign-" + campaignId;
}
