using Campaigns.Activities.Caps;
using Campaigns.TencentCall;
using Campaigns.TencentCall.Models;
using Microsoft.Extensions.Logging;

namespace Campaigns.Activities.Records;

// Records first (WatchOptions.RecordsFirst). A call's record is awaited from its start, not from the end a poll saw:
// the record says the call has ended and carries its outcome, so most calls are never polled.
//
// The by-filter query returns the app's records by start time, 100 a page, and cannot skip what was read before. So
// every read of a range costs a request per 100 records in it: a read costs what has ended there, not what is found.
// Reads are therefore shared and few: waiters are grouped by the few seconds their call began in (a bucket of
// 2 x FirstPollSeconds, aligned on the clock), and each bucket is read on one schedule for all its calls. The first
// read is FirstPollSeconds + RecordDelaySeconds after the bucket ends (cheap: few of its calls have ended), and the
// gaps double up to MaxPollIntervalSeconds. A read stops at the page where the bucket's last call whose record may
// have come is found. A bucket is read only while such calls (not yet polled, or seen ended lately) fill its pages: a
// call polled and found live has no record yet, and its end, seen by a later poll, makes it count again.
//
// A call whose record is still missing RecordDelaySeconds + MaxPollIntervalSeconds after its watch saw the end is
// a straggler (a late or missing record). It is looked for once more, at its deadline: RecordMaxWaitSeconds after the
// end, rounded up to its bucket's grid of 4 x MaxPollIntervalSeconds so that the bucket's stragglers share the look
// (a record is never given up on earlier, and at most one grid step later). Where they fill its pages, the look is
// one read of the bucket's pages, a second wider each side; a straggler not on them is marked missing only when the
// vendor's clock has been seen to agree with this worker's (StartTime within its claim-to-answer window, for every
// record so far) and its own window lies inside the read. Every other straggler is asked by CallId, so a record that
// exists is never marked missing for a clock that disagrees. A late record of the bucket found on a page read for
// the others ends its wait early.
//
// When a bucket's range holds more pages than such calls (an app busy with other traffic, or the bucket's last few
// calls), it is not read. Each of its calls seen ended is asked by CallId once; then it waits for its deadline.
public sealed partial class RecordHarvester
{
    private readonly Dictionary<(ApiGeneration Generation, long Bucket), long> bucketTotals = [];

    // A bucket's range begins this much before its own seconds: a call begins shortly before its start answer.
    private static readonly TimeSpan EdgeSlack = TimeSpan.FromSeconds(1);

    private TimeSpan BucketWidth => options.Scaled(options.FirstPollSeconds * 2);

    private TimeSpan Grid => options.Scaled(options.MaxPollIntervalSeconds * 4);

    // How far the vendor's start time may lie outside a call's claim-to-answer window (clock skew) with the clocks
    // still said to agree; plus the second the vendor's whole-second StartTime rounds down.
    private static readonly TimeSpan ClockTolerance = TimeSpan.FromSeconds(0.5);

    // Records seen to agree with this worker's clock before a deadline read by page is trusted.
    private const int ClockEvidence = 20;

    // Per records generation (v4 and v1 are separate services): records found on pages that prove the pages work as
    // the deadline read assumes, and whether any record ever disagreed with its call's window.
    private readonly long[] clockAgreed = new long[2];
    private readonly int[] clockDisagreed = new int[2];

    /// <summary>
    /// Records first, per records generation: records found on pages that agreed with their call's claim-to-answer
    /// window and outlived the read's range (so the query filters on start time), and whether one ever disagreed.
    /// </summary>
    public (long Agreed, bool Disagreed) ClockEvidenceSeen(ApiGeneration generation) =>
        (Interlocked.Read(ref clockAgreed[(int)generation]), Volatile.Read(ref clockDisagreed[(int)generation]) != 0);

    // Whether a page read is proof that a straggler's record is not there yet (see the top).
    private bool PagesAreProof(ApiGeneration generation) =>
        Volatile.Read(ref clockDisagreed[(int)generation]) == 0 && Interlocked.Read(ref clockAgreed[(int)generation]) >= ClockEvidence;

    /// <summary>
    /// Records first: the record of the call <paramref name="callId"/>, placed between <paramref name="startedFrom"/> and
    /// <paramref name="startedTo"/> and perhaps still live. It is looked for on the pages of its start bucket from now
    /// on. Call <see cref="CallEnded"/> when the call's watch sees the end: its record wait counts from then. Null when
    /// no record came within <c>RecordMaxWaitSeconds</c> of that end. <paramref name="windowMeasuredHere"/> is false when
    /// another process claimed or dialed the call: its window is on another clock, so no page read proves its record absent.
    /// </summary>
    public Task<CallRecord?> WaitFromStartAsync(
        string callId, DateTimeOffset startedFrom, DateTimeOffset startedTo, CampaignBudget? campaign, CancellationToken cancellationToken, bool windowMeasuredHere = true)
    {
        var generation = campaign?.RecordsApi ?? budget.DefaultRecordsApi;
        var now = time.GetUtcNow();
        // The start answer's time: the call began just before it (at most the request's round trip and the store's
        // write earlier, which the second before the bucket covers). A call found again long after its claim (its start
        // answer lost) is placed by its claim.
        var anchor = startedTo - startedFrom > Slack || startedTo < startedFrom ? startedFrom : startedTo;
        var width = BucketWidth;
        var bucket = new DateTimeOffset(anchor.UtcTicks - (anchor.UtcTicks % width.Ticks), TimeSpan.Zero);
        var from = bucket - EdgeSlack;
        var to = bucket + width;
        var firstLook = to + options.Scaled(options.FirstPollSeconds + options.RecordDelaySeconds);

        // Until the end is seen, only the longest call bounds the wait.
        var deadline = now + options.Scaled(options.MaxCallSeconds + options.RecordMaxWaitSeconds);
        return AwaitAsync(
            waiters[generation],
            callId,
            () => new Waiter(callId, from, to, firstLook, deadline, width)
            {
                StartedFrom = startedFrom < startedTo ? startedFrom : startedTo,
                StartedTo = startedFrom < startedTo ? startedTo : startedFrom,
                WindowMeasuredHere = windowMeasuredHere,
                Generation = generation,
                Campaign = campaign?.Records is not null ? campaign : null,
                FromStart = true,
            },
            cancellationToken);
    }

    /// <summary>Records first: the watch of <paramref name="callId"/> saw its end; its record is awaited for <c>RecordMaxWaitSeconds</c> from now.</summary>
    public void CallEnded(string callId, CampaignBudget? campaign)
    {
        var generation = campaign?.RecordsApi ?? budget.DefaultRecordsApi;
        var now = time.GetUtcNow();
        lock (sync)
        {
            if (waiters[generation].TryGetValue(callId, out var waiter) && waiter.FromStart)
            {
                waiter.Ended(now, OnGrid(waiter, now + options.Scaled(options.RecordMaxWaitSeconds)));
            }
        }
    }

    // One round of the due waiters awaited from their start, within the group's quota; returns what is left of it.
    // Waiters at their deadline that no page can settle, and sparse ranges' ended calls, are added to byCallId.
    private async Task<int> FromStartRoundAsync(
        ApiGeneration generation, CampaignBudget? capped, List<Waiter> due, DateTimeOffset now, int quota, List<Waiter> byCallId, CancellationToken token)
    {
        // At their deadline: one read of the range's pages where the calls it can settle fill them (see the top). A
        // range whose read failed once is asked by CallId from then on.
        foreach (var range in Ranges(due.Where(w => now >= w.Deadline)))
        {
            var settled = range.Where(w => Settles(w, range)).ToList();
            var pages = PagesOf(generation, range);
            if (EnabledFor(generation) && PagesAreProof(generation) && settled.Count >= pages && quota >= pages && !range.Any(w => w.DeadlineReadFailed))
            {
                var (requests, complete) = await ReadRangeAsync(generation, capped, range, token, DeadlineWiden, countAll: true).ConfigureAwait(false);
                quota -= requests;
                if (complete)
                {
                    foreach (var waiter in settled)
                    {
                        waiter.LookedAtDeadline = true; // not on a complete read: marked missing when rescheduled
                    }

                    byCallId.AddRange(range.Except(settled));
                    continue;
                }

                foreach (var waiter in range)
                {
                    waiter.DeadlineReadFailed = true;
                }
            }

            byCallId.AddRange(range);
        }

        var recordDelay = options.Scaled(options.RecordDelaySeconds);
        foreach (var range in Ranges(due.Where(w => now < w.Deadline)))
        {
            // A page is read when the calls whose record may have just come fill its pages: calls not yet polled,
            // and calls whose end was seen lately. A call polled and still live has no record yet; a straggler
            // waits for its deadline (both come along on pages read for the others). The read stops once those
            // calls are found.
            var fresh = range.Count(w => Fresh(w, now));
            if (fresh > 0 && EnabledFor(generation) && fresh >= PagesOf(generation, range) && quota > 0)
            {
                quota -= (await ReadRangeAsync(generation, capped, range, token, target: w => Fresh(w, now)).ConfigureAwait(false)).Requests;
                continue;
            }

            // More pages than such calls: by CallId, once for each call seen ended whose record can be there (the end
            // a poll sees is up to a poll gap late, so it mostly is) and that no complete page read has looked for
            // since; then it waits for its deadline.
            foreach (var waiter in range.Where(w => !w.AskedByCallId && w.EndedAt is { } ended && now >= ended + recordDelay && w.PageLookedAt < ended + recordDelay))
            {
                waiter.AskedByCallId = true;
                byCallId.Add(waiter);
            }
        }

        return quota;
    }

    // A deadline read is widened by a second each side: the vendor's whole-second start times and a little skew.
    private static readonly TimeSpan DeadlineWiden = TimeSpan.FromSeconds(1);

    // Whether a complete read of the range (widened) proves the waiter's record absent: its claim-to-answer window
    // was measured by this process's clock (the one the evidence is about), the vendor's start lies in it within the
    // tolerance, and that window lies inside the read.
    private static bool Settles(Waiter waiter, List<Waiter> range) =>
        waiter.WindowMeasuredHere
        && waiter.StartedFrom - ClockTolerance - TimeSpan.FromSeconds(1) >= range[0].From - DeadlineWiden
        && waiter.StartedTo + ClockTolerance <= range.Max(w => w.To) + DeadlineWiden;

    // Evidence for PagesAreProof. A record agrees when it starts in its call's window and was found on a page whose
    // range holds its start but not its end (proof that the query filters on start time); a record from any source
    // that starts outside its call's window disagrees.
    private void NoteClock(Waiter waiter, CallRecord record, DateTimeOffset? pageFrom = null, DateTimeOffset? pageTo = null)
    {
        if (!waiter.FromStart || !waiter.WindowMeasuredHere || record.StartTime is not { } start)
        {
            return;
        }

        var generation = (int)waiter.Generation;
        if (start < waiter.StartedFrom - ClockTolerance - TimeSpan.FromSeconds(1) || start > waiter.StartedTo + ClockTolerance)
        {
            if (Interlocked.Exchange(ref clockDisagreed[generation], 1) == 0)
            {
                LogClockDisagrees(waiter.CallId, start, waiter.StartedFrom, waiter.StartedTo);
            }
        }
        else if (pageFrom is { } from && pageTo is { } to && start >= from && start <= to && record.EndTime is { } end && end > to)
        {
            Interlocked.Increment(ref clockAgreed[generation]);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The record of call {CallId} starts at {Start:O}, outside its claim-to-answer window {From:O} .. {To:O}: the vendor's clock disagrees with this worker's, so records at their deadline are asked by CallId from now on")]
    private partial void LogClockDisagrees(string callId, DateTimeOffset start, DateTimeOffset from, DateTimeOffset to);

    // Whether the waiter's record may have come since the bucket's last read: its call not yet polled (the first
    // poll is RecordsFirstPollSeconds after the start, and the bucket's calls began before its end), or its end seen
    // within the grace.
    private bool Fresh(Waiter waiter, DateTimeOffset now) => waiter.EndedAt is { } ended
        ? now < ended + Grace
        : now < waiter.To + options.Scaled(options.RecordsFirstPollSeconds + (options.MaxPollIntervalSeconds / 6));

    // How long after its end a call's record is looked for on its bucket's schedule: the record delay and one poll
    // gap (the end is seen by a poll up to that late).
    private TimeSpan Grace => options.Scaled(options.RecordDelaySeconds + options.MaxPollIntervalSeconds);

    private void RescheduleFromStart(Waiter waiter, DateTimeOffset now)
    {
        if (waiter.EndedAt is not { } ended || now < ended + Grace)
        {
            // The bucket's schedule: every waiter of the bucket read in this round gets the same next look. Gaps
            // double up to a poll gap: a record waits at most that long for the read that finds it.
            waiter.NextLook = now + waiter.Gap < waiter.Deadline ? now + waiter.Gap : waiter.Deadline;
            var max = options.Scaled(options.MaxPollIntervalSeconds);
            waiter.Gap = TimeSpan.FromTicks(Math.Min(waiter.Gap.Ticks * 2, max.Ticks));
            return;
        }

        // A straggler: its next look is its deadline, on its bucket's grid (shared with the bucket's stragglers).
        waiter.NextLook = waiter.Deadline;
    }

    // The first instant of the waiter's bucket grid at or after at.
    private DateTimeOffset OnGrid(Waiter waiter, DateTimeOffset at)
    {
        var grid = Grid.Ticks;
        var steps = Math.Max(0, (at - waiter.To).Ticks + grid - 1) / grid;
        return waiter.To + TimeSpan.FromTicks(steps * grid);
    }

    // Pages the range held when its buckets were last read (at least 1: unread, or empty then).
    private int PagesOf(ApiGeneration generation, List<Waiter> range)
    {
        long total = 0;
        lock (sync)
        {
            foreach (var bucket in range.Select(w => w.From.UtcTicks).Distinct())
            {
                total += bucketTotals.GetValueOrDefault((generation, bucket));
            }
        }

        return (int)Math.Max(1, (total + 99) / 100);
    }

    // What a read of a from-start range found in all (TotalNum), shared among its buckets for PagesOf.
    private void Estimate(ApiGeneration generation, List<Waiter> range, long totalNum)
    {
        if (!range[0].FromStart)
        {
            return;
        }

        var buckets = range.Select(w => w.From.UtcTicks).Distinct().ToList();
        lock (sync)
        {
            foreach (var bucket in buckets)
            {
                bucketTotals[(generation, bucket)] = totalNum / buckets.Count;
            }

            if (bucketTotals.Count > 4096)
            {
                // Buckets older than the longest record wait are read no more.
                var old = (time.GetUtcNow() - options.Scaled(options.MaxCallSeconds + options.RecordMaxWaitSeconds)).UtcTicks;
                foreach (var key in bucketTotals.Keys.Where(k => k.Bucket < old).ToList())
                {
                    bucketTotals.Remove(key);
                }
            }
        }
    }
}
