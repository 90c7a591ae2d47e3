using Campaigns.Storage.Model;

namespace Campaigns.Storage.Sql;

/// <summary>How enums are spelled in the database (the CHECK constraint lists the attempt states).</summary>
internal static class Names
{
    public static string Of(AttemptState state) => state.ToString().ToLowerInvariant();

    public static string Of(CampaignStatus status) => status.ToString();
}
