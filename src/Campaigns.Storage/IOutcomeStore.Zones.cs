using Campaigns.Storage.Model;

namespace Campaigns.Storage;

/// <content>Callee-local time and the app's holidays (issue 20 part 3, docs/callee-time-zones.md).</content>
public partial interface IOutcomeStore
{
    /// <summary>
    /// <see cref="AddTargetsAsync"/> with each target's time zone (null: unknown). A zone that is not an IANA id throws
    /// <see cref="ArgumentException"/> naming the target's index, and nothing is added. A target already present keeps
    /// the zone it was added with.
    /// </summary>
    Task<AddTargetsResult> AddZonedTargetsAsync(string campaignId, IReadOnlyList<NewTarget> targets, CancellationToken cancellationToken = default);

    /// <summary>The distinct zones of the campaign's targets, whether any target has none, and how many targets each has.</summary>
    Task<TargetZones> GetTargetZonesAsync(string campaignId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Adds a holiday; false when it was there already. A zone that is not an IANA id throws
    /// <see cref="ArgumentException"/>, and nothing changes.
    /// </summary>
    Task<bool> AddHolidayAsync(Holiday holiday, CancellationToken cancellationToken = default);

    /// <summary>Removes a holiday; false when there was none on that date in that zone.</summary>
    Task<bool> RemoveHolidayAsync(Holiday holiday, CancellationToken cancellationToken = default);

    /// <summary>Every holiday of the app, by date then zone.</summary>
    Task<IReadOnlyList<Holiday>> GetHolidaysAsync(CancellationToken cancellationToken = default);
}
