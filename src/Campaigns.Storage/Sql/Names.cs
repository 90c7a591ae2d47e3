using Campaigns.Storage.Model;

namespace Campaigns.Storage.Sql;

/// <summary>How enums are spelled in the database: lower case, as the CHECK constraints list them.</summary>
internal static class Names
{
    public static string Of(AttemptState state) => state.ToString().ToLowerInvariant();

    public static string Of(CampaignStatus status) => status.ToString().ToLowerInvariant();
}
