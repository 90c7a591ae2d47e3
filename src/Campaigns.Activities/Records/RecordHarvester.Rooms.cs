using Campaigns.Activities.Caps;
using Campaigns.TencentCall;
using Campaigns.TencentCall.Models;

namespace Campaigns.Activities.Records;

// Calls looked for by RoomId (a start whose answer was lost: no CallId to ask for). Each is a room waiter over
// the few seconds its call can have begun in (LostStartWindow): every page the harvester reads,
// for anyone, is matched against every room waiter, so a lost start is mostly found on pages read anyway; when
// its own look is due it joins that round's ranges, and only a range nobody else needed costs pages of its own
// (charged to the records budget and its campaign's records cap, like every page). Looks come with doubling
// gaps while the call may still be live (an answered call has no record until it ends), and end at the deadline.
public sealed partial class RecordHarvester
{
    // Longest gap between two looks of one room waiter: an answered call talks for minutes and its record comes
    // once it ends; between looks, pages read for other calls are still matched against it.
    private const double RoomLookMaxGapSeconds = 120;

    private readonly Dictionary<ApiGeneration, Dictionary<string, Waiter>> rooms = new()
    {
        [ApiGeneration.V4] = new(StringComparer.Ordinal),
        [ApiGeneration.V1] = new(StringComparer.Ordinal),
    };

    /// <summary>
    /// The record of the call <paramref name="lookup"/> describes (its RoomId, robot and callees, started between its
    /// From and To), looked for from <paramref name="firstLook"/> until <paramref name="giveUp"/>; null when none came
    /// (never placed, or its record never written). Pages are read by filter whatever the worker's by-filter setting:
    /// no other query finds a call without its CallId.
    /// </summary>
    public Task<CallRecord?> FindRoomAsync(RecordLookup lookup, DateTimeOffset firstLook, DateTimeOffset giveUp, CampaignBudget? campaign, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lookup);
        var generation = campaign?.RecordsApi ?? budget.DefaultRecordsApi;
        var (from, to) = lookup.To < lookup.From ? (lookup.To, lookup.From) : (lookup.From, lookup.To);
        return AwaitAsync(
            rooms[generation],
            lookup.RoomId,
            () => new Waiter(lookup.RoomId, from, to, firstLook, giveUp > firstLook ? giveUp : firstLook, options.Scaled(options.RecordDelaySeconds))
            {
                Generation = generation,
                Campaign = campaign?.Records is not null ? campaign : null,
                Room = lookup,
            },
            cancellationToken);
    }

    // Every waiter, by CallId and by room; under the lock.
    private IEnumerable<Waiter> AllWaiters() => waiters.Values.SelectMany(w => w.Values).Concat(rooms.Values.SelectMany(r => r.Values));

    // The room waiter whose call this record is, if any (a RoomId is per attempt: at most one).
    private Waiter? RoomOf(ApiGeneration generation, CallRecord record)
    {
        if (record.RoomId is not { Length: > 0 } roomId)
        {
            return null;
        }

        lock (sync)
        {
            return rooms[generation].TryGetValue(roomId, out var waiter) && waiter.Room!.Matches(record) ? waiter : null;
        }
    }

    private TimeSpan MaxGap(Waiter waiter) => options.Scaled(waiter.Room is null ? 300 : RoomLookMaxGapSeconds);

    private Dictionary<string, Waiter> TableOf(Waiter waiter) => (waiter.Room is null ? waiters : rooms)[waiter.Generation];
}
