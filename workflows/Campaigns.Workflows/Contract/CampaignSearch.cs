using Temporalio.Common;

namespace Campaigns.Workflows.Contract;

/// <summary>The search attributes operators filter campaigns by (registered on the server at start-up).</summary>
public static class CampaignSearch
{
    /// <summary>Search attribute (Keyword) holding the campaign id, to find a campaign's runs in Temporal.</summary>
    public static readonly SearchAttributeKey<string> CampaignId = SearchAttributeKey.CreateKeyword("CampaignId");

    /// <summary>See <see cref="CampaignStatuses"/>.</summary>
    public static readonly SearchAttributeKey<string> CampaignStatus = SearchAttributeKey.CreateKeyword("CampaignStatus");

    /// <summary>The Temporal CLI command that registers both attributes in namespace <paramref name="ns"/> (one <c>--type</c> per <c>--name</c>).</summary>
    public static string RegisterCommand(string ns) =>
        $"temporal operator search-attribute create --namespace {ns} --name {CampaignId.Name} --type Keyword --name {CampaignStatus.Name} --type Keyword";

    /// <summary>The workflow id of a campaign: starting the same campaign twice is refused by this id.</summary>
    public static string WorkflowIdOf(string campaignId) => "campaign-" + campaignId;
}
