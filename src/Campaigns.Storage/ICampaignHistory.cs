using Campaigns.Storage.Model;

namespace Campaigns.Storage;

/// <summary>
/// What the store knows that a forecast needs (<c>campaigns forecast</c>): how earlier campaigns' calls ended, which
/// campaigns are dialing now and how much they have left, and how many workers share the vendor's limit. Read-only.
/// </summary>
public interface ICampaignHistory
{
    /// <summary>
    /// Outcomes of the <paramref name="campaigns"/> most recently completed campaigns: a count per result (one per
    /// callee per attempt) and the mean call length per result (record start to end, over at most 20,000 calls).
    /// </summary>
    Task<ResultHistory> GetResultHistoryAsync(int campaigns, CancellationToken cancellationToken = default);

    /// <summary>Campaigns running or paused, with their definitions and what is left to dial.</summary>
    Task<IReadOnlyList<ActiveCampaign>> GetActiveCampaignsAsync(CancellationToken cancellationToken = default);

    /// <summary>Workers live in the fleet registry now (database clock); 0 when none registered (a fixed fleet size does not register).</summary>
    Task<int> CountLiveWorkersAsync(CancellationToken cancellationToken = default);
}

/// <summary>Outcomes of earlier campaigns.</summary>
/// <param name="Campaigns">The campaigns counted, most recent first.</param>
/// <param name="Results">Outcome rows per result.</param>
/// <param name="MeanCallSeconds">Mean record start-to-end per result, over the calls with both times.</param>
public sealed record ResultHistory(IReadOnlyList<string> Campaigns, IReadOnlyDictionary<string, long> Results, IReadOnlyDictionary<string, double> MeanCallSeconds);

/// <summary>A campaign that is running or paused, and what it has left.</summary>
/// <param name="CampaignId">Its id.</param>
/// <param name="Status">Running or paused.</param>
/// <param name="Definition">Its campaign JSON as registered.</param>
/// <param name="Targets">Its targets.</param>
/// <param name="Undispatched">Targets with no attempt yet and none waiting in the store.</param>
/// <param name="Pending">Attempts waiting in the store to be dialed (redials, deferred attempts, first-pass targets handed back).</param>
public sealed record ActiveCampaign(string CampaignId, CampaignStatus Status, string Definition, long Targets, long Undispatched, long Pending);
