using Campaigns.Activities.Batches;
using Campaigns.Activities.Budget;
using Campaigns.Activities.Caps;
using Campaigns.Activities.Watching;
using Campaigns.TencentCall;
using Campaigns.TencentCall.Errors;
using Campaigns.TencentCall.Models;
using Microsoft.Extensions.Options;

namespace Campaigns.Activities.Records;

/// <summary>
/// Fetches call records, which lag the end of a call by a few seconds and sometimes never come: every
/// wait here is bounded, and a record that never comes yields null (the outcome says RecordMissing).
/// With callbacks, the record an end-of-call callback carried is taken from the ledger instead (RecordFinder.Ledger.cs).
/// </summary>
public sealed partial class RecordFinder(
    ITencentCallClient client,
    ApiBudget budget,
    RecordHarvester harvester,
    IOptions<CampaignWorkerOptions> options,
    IOptions<TencentCallOptions> tencent,
    TimeProvider time,
    CallLedgerFeed? ledger = null)
{
    private readonly WatchOptions watch = options.Value.Watch;

    // The longest a start request is in flight: part of the window a lost start's call can have begun in.
    private readonly TimeSpan requestTimeout = tencent.Value.RequestTimeout;

    /// <summary>
    /// The record of an ended call started between <paramref name="startedFrom"/> and <paramref name="startedTo"/>,
    /// or null when it did not come within the configured wait. In real time, many calls' records come
    /// from one by-filter request (<see cref="RecordHarvester"/>). <paramref name="campaign"/> gives the records
    /// generation and the campaign's records cap (null: the worker's generation, no cap). With callbacks, the
    /// record of the call's end-of-call callback when the ledger has one, before or while the record API is asked.
    /// </summary>
    public Task<CallRecord?> FetchAsync(string callId, DateTimeOffset startedFrom, DateTimeOffset startedTo, CampaignBudget? campaign, CancellationToken cancellationToken) =>
        ledger is { Enabled: true }
            ? FromLedgerOrAsync(ledger, callId, ct => FromApiAsync(callId, startedFrom, startedTo, campaign, ct), cancellationToken)
            : FromApiAsync(callId, startedFrom, startedTo, campaign, cancellationToken);

    private Task<CallRecord?> FromApiAsync(string callId, DateTimeOffset startedFrom, DateTimeOffset startedTo, CampaignBudget? campaign, CancellationToken cancellationToken) =>
        harvester.EnabledFor(campaign?.RecordsApi ?? budget.DefaultRecordsApi)
            ? harvester.WaitAsync(callId, startedFrom, startedTo, campaign, cancellationToken)
            : FetchAsync(callId, campaign, cancellationToken);

    /// <summary>
    /// Records first (<see cref="WatchOptions.RecordsFirst"/>): the record of the call just placed, looked for from now
    /// on; its completion ends the call's watch. Null when this campaign's records are not looked for that way (records
    /// not read by filter, or callbacks in use): then use <see cref="FetchAsync(string, DateTimeOffset, DateTimeOffset, CampaignBudget?, CancellationToken)"/>
    /// once the call has ended. Tell <see cref="CallEnded"/> when the watch sees the end.
    /// </summary>
    public Task<CallRecord?>? WaitFromStartAsync(
        string callId, DateTimeOffset startedFrom, DateTimeOffset startedTo, CampaignBudget? campaign, CancellationToken cancellationToken, bool windowMeasuredHere = true) =>
        watch.RecordsFirst && ledger is not { Enabled: true } && harvester.EnabledFor(campaign?.RecordsApi ?? budget.DefaultRecordsApi)
            ? harvester.WaitFromStartAsync(callId, startedFrom, startedTo, campaign, cancellationToken, windowMeasuredHere)
            : null;

    /// <summary>Records first: the call's watch saw it end (or gave up); its record is awaited <c>RecordMaxWaitSeconds</c> from now.</summary>
    public void CallEnded(string callId, CampaignBudget? campaign) => harvester.CallEnded(callId, campaign);

    /// <summary>The record of an ended call by its CallId, or null when it did not come within the configured wait.</summary>
    public async Task<CallRecord?> FetchAsync(string callId, CampaignBudget? campaign, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + watch.Scaled(watch.RecordMaxWaitSeconds);
        var pause = watch.Scaled(watch.RecordDelaySeconds);
        while (true)
        {
            await Task.Delay(pause, time, cancellationToken).ConfigureAwait(false);
            try
            {
                await budget.AcquireRecordAsync(campaign, campaign?.RecordsApi, byCallId: true, cancellationToken).ConfigureAwait(false);
                return await client.GetRecordByCallIdAsync(callId, campaign?.RecordsApi, cancellationToken).ConfigureAwait(false);
            }
            catch (TencentCallException e) when (e.IsTransient || e.Kind == TencentErrorKind.Unknown)
            {
                // Not there yet (101050), 101001, a frequency limit: wait longer each time, within the deadline.
            }
            catch (HttpRequestException)
            {
            }

            if (time.GetUtcNow() + pause > deadline)
            {
                return null;
            }

            pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, watch.Scaled(60).Ticks));
        }
    }

    /// <summary>
    /// Finds the call placed with <paramref name="roomId"/> by <paramref name="robot"/>, claimed at <paramref name="since"/>
    /// (how a start whose answer was lost is reconciled: no API finds a call by UserData). Only the few seconds its
    /// call can have begun in are searched (<see cref="LostStartWindow"/>), on the harvester's shared pages
    /// (<see cref="RecordHarvester.FindRoomAsync"/>): first once the ring timeout plus the record delay has passed,
    /// then again while the reconcile window lasts (an answered call has no record until it ends; the record is
    /// found by its start time, so the range stays narrow). Null when nothing was found.
    /// </summary>
    public async Task<CallRecord?> FindByRoomAsync(
        string robot, IReadOnlyList<string> callees, string roomId, DateTimeOffset since, TimeSpan ringTimeout, CampaignBudget? campaign, CancellationToken cancellationToken)
    {
        using var reconciling = CampaignMetrics.ReconcileStarted();
        var (from, to) = LostStartWindow.Of(since, requestTimeout);
        var firstLook = since + (ringTimeout / watch.TimeScale) + watch.Scaled(watch.RecordDelaySeconds);
        var giveUp = since + watch.Scaled(watch.ReconcileWindowSeconds);
        var lookup = new RecordLookup { RobotAccount = robot, Callees = callees, RoomId = roomId, From = from, To = to };
        return await harvester.FindRoomAsync(lookup, firstLook, giveUp, campaign, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// One search, now, for the call of a start claimed at <paramref name="claimed"/> with <paramref name="roomId"/>
    /// whose answer was lost: over the few seconds its call can have begun in (<see cref="LostStartWindow"/>), under
    /// the records budget (and <paramref name="campaign"/>'s records cap and generation, when given); null when not
    /// found (or the vendor failed). What the sweeper asks, long after the batch stopped looking.
    /// </summary>
    public async Task<CallRecord?> SearchLostStartAsync(
        string robot, IReadOnlyList<string> callees, string roomId, DateTimeOffset claimed, CampaignBudget? campaign, CancellationToken cancellationToken)
    {
        try
        {
            // A by-filter lookup (200/s on both generations): every page it reads is a request, each charged to
            // the records budget and the campaign's records cap; the narrow range keeps it to a page or two.
            var (from, to) = LostStartWindow.Of(claimed, requestTimeout);
            var now = time.GetUtcNow();
            return await client.FindRecordByRoomAsync(
                new RecordLookup { RobotAccount = robot, Callees = callees, RoomId = roomId, From = from, To = to < now ? to : now },
                campaign?.RecordsApi,
                ct => budget.AcquireRecordAsync(campaign, campaign?.RecordsApi, byCallId: false, ct),
                cancellationToken).ConfigureAwait(false);
        }
        catch (TencentCallException e) when (e.IsTransient || e.Kind is TencentErrorKind.Unknown or TencentErrorKind.Invalid)
        {
            return null; // looked for again on the next round (Invalid: more pages than the lookup reads)
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }
}
