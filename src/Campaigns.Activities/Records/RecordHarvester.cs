using Campaigns.Activities.Budget;
using Campaigns.Activities.Caps;
using Campaigns.TencentCall;
using Campaigns.TencentCall.Errors;
using Campaigns.TencentCall.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Campaigns.Activities.Records;

/// <summary>
/// Fetches the records of many ended calls with the by-filter query (up to 100 records per request)
/// instead of one by-CallId request each: every call of this worker waiting for its record is a waiter,
/// and one pump reads, for the waiters that are due, the pages of records started in their time range,
/// handing each record to the waiter with its CallId. At full rate (200 calls/s) a page serves ~100
/// calls, where by-CallId needs at least one request per call (and the v1 by-CallId API allows 20/s).
/// A record not there yet is looked for again later (doubling gaps); one that never comes yields null
/// at the deadline. When only a few waiters are due the pump asks by CallId (cheaper than a page).
/// The filter works on the vendor's clock (record start times): it is used only when that is the
/// worker's clock (<see cref="WatchOptions.TimeScale"/> 1); a scaled simulator is asked by CallId.
/// Waiters are kept per records generation (each campaign reads v4 or v1): a page of one generation
/// serves that generation's waiters only. A campaign with its own records cap (<c>budgets.records</c>)
/// has its own ranges and pages, each charged to its cap (and the worker's share), and at most its
/// cap × one round's length of requests per round, the rest in the next: a capped campaign never holds
/// up the others. Every other campaign's waiters share pages, charged to the worker's share only.
/// A record found on any page goes to its waiter, whoever's page it was. Calls whose start answer was lost
/// are awaited by RoomId on the same pages (RecordHarvester.Rooms.cs).
/// </summary>
public sealed partial class RecordHarvester : IDisposable
{
    // Room for clock skew between worker, database and vendor, and for the time a start spends in flight.
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(3);
    private readonly ITencentCallClient client;
    private readonly ApiBudget budget;
    private readonly WatchOptions options;
    private readonly TimeProvider time;
    private readonly ILogger<RecordHarvester> logger;
    private readonly Dictionary<ApiGeneration, Dictionary<string, Waiter>> waiters = new()
    {
        [ApiGeneration.V4] = new(StringComparer.Ordinal),
        [ApiGeneration.V1] = new(StringComparer.Ordinal),
    };

    private readonly Lock sync = new();
    private readonly CancellationTokenSource stopping = new();
    private Task? pump;
    private static readonly TimeSpan MaxRange = TimeSpan.FromMinutes(1);
    private readonly int[] filterRefused = new int[2];
    private readonly int[] invalidAnswers = new int[2];
    private readonly TimeSpan tick;

    /// <summary>Creates the harvester; its pump starts with the first waiter.</summary>
    public RecordHarvester(ITencentCallClient client, ApiBudget budget, IOptions<CampaignWorkerOptions> options, TimeProvider time, ILogger<RecordHarvester> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.client = client;
        this.budget = budget;
        this.options = options.Value.Watch;
        this.time = time;
        Pulse = new LoopPulse(time);
        this.logger = logger;
        tick = TimeSpan.FromMilliseconds(Math.Clamp(this.options.Scaled(1).TotalMilliseconds, 20, 1000));
    }

    /// <summary>Whether records of <paramref name="generation"/> are harvested by filter on this worker (configured on, unscaled time, not refused).</summary>
    public bool EnabledFor(ApiGeneration generation) =>
        options.RecordsByFilter && options.TimeScale == 1 && Volatile.Read(ref filterRefused[(int)generation]) == 0;

    /// <summary>Record pages read by filter, and records fetched by CallId (for figures and tests).</summary>
    public (long Pages, long ByCallId) Requests => (Interlocked.Read(ref pages), Interlocked.Read(ref byCallId));

    private long pages;
    private long byCallId;

    /// <summary>
    /// The record of the call <paramref name="callId"/>, started between <paramref name="startedFrom"/> and
    /// <paramref name="startedTo"/> and ended by now; null when it did not come within the configured wait.
    /// <paramref name="campaign"/> gives the records generation and the campaign's records cap (null: the worker's generation, no cap).
    /// </summary>
    public async Task<CallRecord?> WaitAsync(string callId, DateTimeOffset startedFrom, DateTimeOffset startedTo, CampaignBudget? campaign, CancellationToken cancellationToken)
    {
        var generation = campaign?.RecordsApi ?? budget.DefaultRecordsApi;
        var now = time.GetUtcNow();
        var delay = options.Scaled(options.RecordDelaySeconds);
        if (startedTo < startedFrom)
        {
            (startedFrom, startedTo) = (startedTo, startedFrom); // clocks of two machines disagree
        }

        return await AwaitAsync(
            waiters[generation],
            callId,
            () => new Waiter(callId, startedFrom - Slack, startedTo + Slack, now + delay, now + options.Scaled(options.RecordMaxWaitSeconds), delay)
            {
                Generation = generation,
                Campaign = campaign?.Records is not null ? campaign : null,
            },
            cancellationToken).ConfigureAwait(false);
    }

    // Waits for the waiter of <key> in <table>, made by <create> unless there is one.
    private async Task<CallRecord?> AwaitAsync(Dictionary<string, Waiter> table, string key, Func<Waiter> create, CancellationToken cancellationToken)
    {
        Waiter waiter;
        lock (sync)
        {
            // The same call awaited twice (a retried batch while the first execution still runs): one lookup,
            // and each caller waits with its own token.
            if (!table.TryGetValue(key, out waiter!))
            {
                waiter = create();
                table[key] = waiter;
            }

            waiter.Callers++;
            pump ??= Task.Run(PumpAsync, CancellationToken.None);
        }

        try
        {
            return await waiter.Result.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            lock (sync)
            {
                // The last caller gone: nobody needs the record any more.
                if (--waiter.Callers == 0 && table.TryGetValue(key, out var current) && ReferenceEquals(current, waiter))
                {
                    table.Remove(key);
                }
            }
        }
    }

    /// <summary>When the pump last began a round (every tick, whether or not any record is due).</summary>
    public LoopPulse Pulse { get; }

    /// <inheritdoc />
    public void Dispose()
    {
        stopping.Cancel();
        stopping.Dispose();
    }

    private async Task PumpAsync()
    {
        var token = stopping.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(tick, time, token).ConfigureAwait(false);
                Pulse.Turn();
                await RoundAsync(token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // the harvester loop must survive: the next round tries again
            catch (Exception e)
#pragma warning restore CA1031
            {
                CampaignMetrics.LoopRestarted("record_harvester");
                LogRoundFailed(e.Message); // the waiters stay; the next round tries again
            }
        }
    }

    private async Task RoundAsync(CancellationToken token)
    {
        var now = time.GetUtcNow();
        List<Waiter> due;
        lock (sync)
        {
            due = [.. AllWaiters().Where(w => w.NextLook <= now).OrderBy(w => w.From)];
        }

        if (due.Count == 0)
        {
            return;
        }

        try
        {
            // One group per generation, and one per campaign with a records cap: the groups run side by side, so
            // a campaign held to a few requests a second does not hold up the others' records.
            var groups = due.GroupBy(w => (w.Generation, w.Campaign?.CampaignId));
            await Task.WhenAll(groups.Select(g => GroupRoundAsync(g.Key.Generation, g.First().Campaign, [.. g], now, token))).ConfigureAwait(false);
        }
        finally
        {
            Reschedule(due);
        }
    }

    private async Task GroupRoundAsync(ApiGeneration generation, CampaignBudget? capped, List<Waiter> due, DateTimeOffset now, CancellationToken token)
    {
        // A capped campaign gets what its cap allows in one round; the rest wait for the next (no look counted).
        var quota = capped?.Records is { } cap ? Math.Max(1, (int)Math.Ceiling(cap * tick.TotalSeconds)) : int.MaxValue;

        // Calls awaited from their start (records first) are read bucket by bucket (RecordHarvester.FromStart.cs).
        var byCallId = new List<Waiter>();
        quota = await FromStartRoundAsync(generation, capped, [.. due.Where(w => w.FromStart)], now, quota, byCallId, token).ConfigureAwait(false);
        due = [.. due.Where(w => !w.FromStart)];

        // A call the filter missed twice (a late record, or a start time outside its range: clock skew) and
        // a call at its last look are asked by CallId, so a record that exists is never marked missing.
        // A room waiter has no CallId: only a page finds it.
        byCallId.AddRange(due.Where(w => w.Room is null && (w.FilterMisses >= 2 || now >= w.Deadline)));
        foreach (var range in Ranges(due.Where(w => w.Room is not null || (w.FilterMisses < 2 && now < w.Deadline))))
        {
            // A page holds 100 records of the whole app in the range: worth it when enough of ours are due
            // there (or a room waiter is); a few stragglers are cheaper asked by CallId.
            var room = range.Any(w => w.Room is not null);
            if ((room || (EnabledFor(generation) && range.Count >= options.RecordsFilterMinCalls)) && quota > 0)
            {
                quota -= (await ReadRangeAsync(generation, capped, range, token).ConfigureAwait(false)).Requests;
                continue;
            }

            byCallId.AddRange(range.Where(w => w.Room is null));
            foreach (var waiter in range.Where(w => w.Room is not null))
            {
                waiter.Postponed = true; // its campaign's cap is spent this round
            }
        }

        foreach (var waiter in byCallId.Where(w => !w.Result.Task.IsCompleted))
        {
            if (quota-- <= 0)
            {
                waiter.Postponed = true;
                waiter.AskedByCallId = false; // not asked after all
                continue;
            }

            await ReadOneAsync(waiter, capped, token).ConfigureAwait(false);
        }
    }

    private void Reschedule(List<Waiter> due)
    {
        var now = time.GetUtcNow();
        foreach (var waiter in due.Where(w => !w.Result.Task.IsCompleted))
        {
            if (waiter.Postponed)
            {
                // Not looked for this round (its campaign's cap was spent, or its last ask got no answer): the next
                // round, same gap, even past the deadline.
                waiter.Postponed = false;
                continue;
            }

            if (now >= waiter.Deadline && waiter.FromStart && !waiter.LookedAtDeadline)
            {
                // Records first: given up on only after a look at (or past) its deadline; a round that began before
                // the deadline and ended after it did not make that look.
                waiter.NextLook = now;
                continue;
            }

            if (now >= waiter.Deadline)
            {
                waiter.Result.TrySetResult(null); // never came: the outcome says RecordMissing
                Forget(waiter);
                continue;
            }

            if (waiter.FromStart)
            {
                RescheduleFromStart(waiter, now);
                continue;
            }

            // Doubling gaps, and one last look at the deadline itself.
            waiter.Gap = TimeSpan.FromTicks(Math.Min(waiter.Gap.Ticks * 2, MaxGap(waiter).Ticks));
            waiter.NextLook = now + waiter.Gap < waiter.Deadline ? now + waiter.Gap : waiter.Deadline;
        }
    }

    // Due waiters sorted by start, grouped where their start ranges touch; a group spans at most a minute
    // of starts, so one round never pages through a long stretch of the app's records.
    private static List<List<Waiter>> Ranges(IEnumerable<Waiter> due)
    {
        var ranges = new List<List<Waiter>>();
        var to = DateTimeOffset.MinValue;
        foreach (var waiter in due)
        {
            if (ranges.Count > 0 && waiter.From <= to && waiter.To - ranges[^1][0].From <= MaxRange)
            {
                ranges[^1].Add(waiter);
                to = waiter.To > to ? waiter.To : to;
            }
            else
            {
                ranges.Add([waiter]);
                to = waiter.To;
            }
        }

        return ranges;
    }

    // Reads the pages of one range (widened each side by widen) until its targets (all its waiters unless given) are
    // found or the pages end. Returns how many requests it made, and whether the read is complete: every target found,
    // or every page read (with countAll, only if the distinct records read reach the vendor's last TotalNum: pages
    // of records tied on a whole second may come in another order on each request).
    private async Task<(int Requests, bool Complete)> ReadRangeAsync(
        ApiGeneration generation, CampaignBudget? capped, List<Waiter> range, CancellationToken token, TimeSpan widen = default, Func<Waiter, bool>? target = null, bool countAll = false)
    {
        var from = range[0].From - widen;
        var to = range.Max(w => w.To) + widen;
        var began = time.GetUtcNow();
        var failures = 0;
        var requests = 0;
        var ofGeneration = waiters[generation];
        var targets = target is null ? range : [.. range.Where(target)];
        var seen = countAll ? new HashSet<string>(StringComparer.Ordinal) : null;
        long total = 0;
        var reachedEnd = false;
        for (var page = 1; targets.Any(w => !w.Result.Task.IsCompleted);)
        {
            CallRecordPage result;
            try
            {
                await budget.AcquireRecordAsync(capped, generation, byCallId: false, token).ConfigureAwait(false);
                Interlocked.Increment(ref pages);
                requests++;
                result = await client.GetRecordsByFilterAsync(new RecordFilter(from, to, 100, page), generation, token).ConfigureAwait(false);
                Volatile.Write(ref invalidAnswers[(int)generation], 0);
            }
            catch (TencentCallException e) when (e.Kind == TencentErrorKind.Auth)
            {
                foreach (var waiter in range)
                {
                    if (waiter.Result.TrySetException(e))
                    {
                        Forget(waiter);
                    }
                }

                return (requests, false);
            }
            catch (TencentCallException e) when (e.Kind == TencentErrorKind.Invalid)
            {
                // The vendor refuses the query: after three refusals in a row, by CallId from now on (for this generation).
                if (Interlocked.Increment(ref invalidAnswers[(int)generation]) >= 3)
                {
                    Volatile.Write(ref filterRefused[(int)generation], 1);
                    LogFilterRefused(generation.ToString(), e.Message);
                }

                return (requests, false);
            }
            catch (Exception e) when (e is TencentCallException or HttpRequestException || (e is TaskCanceledException && !token.IsCancellationRequested))
            {
                // 101001, a frequency limit, a timeout: the same page again, twice, then next round (no miss counted).
                LogRoundFailed(e.Message);
                if (++failures > 2)
                {
                    return (requests, false);
                }

                continue;
            }

            if (page == 1)
            {
                Estimate(generation, range, result.TotalNum);
            }

            total = result.TotalNum;
            foreach (var record in result.Records)
            {
                seen?.Add(record.CallId);
                Waiter? waiter;
                lock (sync)
                {
                    ofGeneration.TryGetValue(record.CallId, out waiter);
                }

                if (waiter is not null && waiter.Result.TrySetResult(record))
                {
                    NoteClock(waiter, record, from, to);
                    Forget(waiter);
                }

                // Every room waiter is matched, due or not: a lost start is found on pages read for others.
                if (RoomOf(generation, record) is { } room && room.Result.TrySetResult(record))
                {
                    Forget(room);
                }
            }

            if (!result.HasMore || result.Records.Count == 0)
            {
                reachedEnd = true;
                break;
            }

            page++;
        }

        foreach (var waiter in range.Where(w => !w.Result.Task.IsCompleted))
        {
            waiter.FilterMisses++;
        }

        if (!reachedEnd)
        {
            return (requests, true); // every target found before the last page
        }

        if (seen is not null && seen.Count < total)
        {
            return (requests, false);
        }

        foreach (var waiter in range)
        {
            waiter.PageLookedAt = began; // every record there when the read began was on its pages
        }

        return (requests, true);
    }

    private async Task ReadOneAsync(Waiter waiter, CampaignBudget? capped, CancellationToken token)
    {
        if (waiter.Result.Task.IsCompleted)
        {
            return;
        }

        var asked = DateTimeOffset.MinValue; // not asked yet: no failure before the send counts as a look at the deadline
        try
        {
            // v1 by CallId also passes the worker-wide 20/s gate of that API.
            await budget.AcquireRecordAsync(capped, waiter.Generation, byCallId: true, token).ConfigureAwait(false);
            asked = time.GetUtcNow();
            Interlocked.Increment(ref byCallId);
            var record = await client.GetRecordByCallIdAsync(waiter.CallId, waiter.Generation, token).ConfigureAwait(false);
            if (waiter.Result.TrySetResult(record))
            {
                NoteClock(waiter, record);
                Forget(waiter);
            }
        }
        catch (TencentCallException e) when (e.Kind == TencentErrorKind.Auth)
        {
            if (waiter.Result.TrySetException(e))
            {
                Forget(waiter);
            }
        }
        catch (TencentCallException e) when (e.Kind == TencentErrorKind.NotFoundYet)
        {
            // Not there yet (101050, v1 empty data): looked for again after a longer gap, or given up at the deadline.
            waiter.LookedAtDeadline |= asked >= waiter.Deadline;
        }
        catch (Exception e) when (e is TencentCallException or HttpRequestException || (e is TaskCanceledException && !token.IsCancellationRequested))
        {
            // 101001, a frequency limit, a timeout: no answer. Looked for again after a longer gap; at the deadline,
            // in the next round (a few times), never given up on for want of an answer.
            if (time.GetUtcNow() >= waiter.Deadline && waiter.FailedLastAsks++ < MaxFailedLastAsks)
            {
                waiter.Postponed = true;
            }
            else
            {
                waiter.LookedAtDeadline |= asked >= waiter.Deadline; // asked enough: given up (RecordMissing)
            }
        }
    }

    private const int MaxFailedLastAsks = 5;

    private void Forget(Waiter waiter)
    {
        lock (sync)
        {
            var table = TableOf(waiter);
            if (table.TryGetValue(waiter.CallId, out var current) && ReferenceEquals(current, waiter))
            {
                table.Remove(waiter.CallId);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Record harvest round failed, retrying: {Reason}")]
    private partial void LogRoundFailed(string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The {Generation} records by-filter query was refused ({Reason}); its records are fetched by CallId from now on")]
    private partial void LogFilterRefused(string generation, string reason);

    // A call awaited by CallId, or (Room set) by RoomId: then CallId holds the RoomId, its key.
    private sealed class Waiter(string callId, DateTimeOffset from, DateTimeOffset to, DateTimeOffset nextLook, DateTimeOffset deadline, TimeSpan gap)
    {
        public string CallId { get; } = callId;

        public RecordLookup? Room { get; init; }

        public DateTimeOffset From { get; } = from;

        public DateTimeOffset To { get; } = to;

        public DateTimeOffset NextLook { get; set; } = nextLook;

        // Records first: set from another thread (the call's watch) while the pump reads them, hence ticks read and
        // written whole.
        private long endedAt;
        private long endedDeadline;

        public DateTimeOffset Deadline =>
            Volatile.Read(ref endedDeadline) is var ticks and > 0 && ticks < deadline.UtcTicks ? new(ticks, TimeSpan.Zero) : deadline;

        // Records first: awaited from the call's start (From..To is then its start bucket); EndedAt is when its
        // watch saw the end (null: not yet), from which its record wait counts.
        public bool FromStart { get; init; }

        // Records first: when the call was claimed and when its start answer came (the vendor's start lies between).
        public DateTimeOffset StartedFrom { get; init; }

        public DateTimeOffset StartedTo { get; init; }

        // Records first: asked by CallId once after its end, its bucket too sparse to read.
        public bool AskedByCallId { get; set; }

        // Records first: whether the claim-to-answer window was measured by this process (not another worker's clock).
        public bool WindowMeasuredHere { get; init; }

        // Records first: when the last complete page read of its range began (records there then were on its pages).
        public DateTimeOffset PageLookedAt { get; set; } = DateTimeOffset.MinValue;

        // Records first: looked for at or past its deadline (a complete page read, a not-found or given-up ask):
        // only then is it marked missing.
        public bool LookedAtDeadline { get; set; }

        // Records first: a page read at its deadline failed; asked by CallId from then on.
        public bool DeadlineReadFailed { get; set; }

        public DateTimeOffset? EndedAt => Volatile.Read(ref endedAt) is var ticks and > 0 ? new(ticks, TimeSpan.Zero) : null;

        // The first end seen counts (a retried batch sharing the waiter sees it again later).
        public void Ended(DateTimeOffset at, DateTimeOffset recordDeadline)
        {
            if (Interlocked.CompareExchange(ref endedDeadline, recordDeadline.UtcTicks, 0) == 0)
            {
                Volatile.Write(ref endedAt, at.UtcTicks);
            }
        }

        // Asks at or after the deadline that got no answer (101001, a frequency limit, a timeout): each is tried
        // again in the next round, a few times, so one failed request never marks a record missing.
        public int FailedLastAsks { get; set; }

        public TimeSpan Gap { get; set; } = gap;

        public int FilterMisses { get; set; }

        public ApiGeneration Generation { get; init; }

        // Set only when the campaign has its own records cap.
        public CampaignBudget? Campaign { get; init; }

        public bool Postponed { get; set; }

        public int Callers { get; set; }

        public TaskCompletionSource<CallRecord?> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
