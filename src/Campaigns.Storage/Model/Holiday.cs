namespace Campaigns.Storage.Model;

/// <summary>
/// A restricted day of the app (docs/callee-time-zones.md): nobody whose calling window is in <see cref="TimeZone"/> is
/// called on the local date <see cref="Date"/>, whatever the campaign.
/// </summary>
public sealed record Holiday(DateOnly Date, string TimeZone)
{
    /// <summary>When it was added (null before it is stored).</summary>
    public DateTimeOffset? AddedAt { get; init; }
}

/// <summary>The distinct time zones of a campaign's targets, and whether any target has none.</summary>
public sealed record TargetZones(IReadOnlyList<string> Zones, bool AnyWithoutZone)
{
    /// <summary>Targets per zone ("" for those without one), for the forecast.</summary>
    public IReadOnlyDictionary<string, long> Counts { get; init; } = new Dictionary<string, long>();
}
