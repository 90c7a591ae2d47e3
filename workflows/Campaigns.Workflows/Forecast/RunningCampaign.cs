using Campaigns.Workflows.Contract;

namespace Campaigns.Workflows.Forecast;

/// <summary>
/// Another campaign dialing on the same fleet: while both have calls to place, the fleet's share of the start limit is shared by
/// <c>rate.weight</c> (a campaign capped below its share takes only its cap), and it stops competing once its
/// remaining starts are placed, or while its calling window is closed.
/// </summary>
public sealed record RunningCampaign
{
    /// <summary>Id of the running campaign, from its spec.</summary>
    public required string CampaignId { get; init; }

    /// <summary>Starts it still has to place, its expected redials included.</summary>
    public double RemainingStarts { get; init; }

    /// <summary>Its <c>rate.weight</c>.</summary>
    public int Weight { get; init; } = 1;

    /// <summary>Its cap (<c>rate.maxCallsPerSecond</c> / <c>budgets.startCall</c>), or null.</summary>
    public double? MaxCallsPerSecond { get; init; }

    /// <summary>Its calling window, or null.</summary>
    public CallingWindowSpec? CallingWindow { get; init; }
}
