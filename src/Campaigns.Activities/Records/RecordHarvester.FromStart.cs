using Campaigns.Activities.Caps;
using Campaigns.TencentCall;
using Campaigns.TencentCall.Models;

namespace Campaigns.Activities.Records;

// Records first (WatchOptions.RecordsFirst). A call's record is awaited from its start, not from the end a poll saw:
// the record says the call has ended and carries its outcome, so most calls are never polled.
//
// The by-filter query returns the app's records by start time, 100 a page, and cannot skip what was read before. So
// every read of a range costs a request per 100 records in it. Reads are therefore shared: waiters are grouped by the
// few seconds their call began in (a bucket of 2 x FirstPollSeconds, aligned on the clock), and each bucket is read
// on one schedule for all its calls. The first read is FirstPollSeconds + RecordDelaySeconds after the bucket ends,
// and the gaps grow x1.5 up to 2/3 x MaxPollIntervalSeconds. Early reads are cheap because few records exist yet, and
// a read stops at the page where the bucket's last waiting call is found. A bucket is read only while the calls
// whose record may just have come (not yet polled, or seen ended lately) fill its pages: a call polled and found
// live has no record yet, and its end, seen by a later poll, makes it count again.
//
// A call whose record is still missing RecordDelaySeconds + MaxPollIntervalSeconds after its watch saw the end is
// a straggler (a late or missing record). It gets one more page look half-way through RecordMaxWaitSeconds, aligned
// on its bucket so that the bucket's stragglers share it. At its deadline it is asked by CallId, so a record that
// exists is never marked missing. Deadlines fall on a grid of 2 x MaxPollIntervalSeconds from the bucket's end. A
// record is never given up on before RecordMaxWaitSeconds after the end; it may be given up on up to one grid step
// later.
//
// When a bucket's range holds more pages than such calls (an app busy with other traffic, or the bucket's last few
// calls), it is not read. Each of its calls seen ended is asked by CallId once; then it waits for its straggler looks.
public sealed partial class RecordHarvester
{
    private readonly Dictionary<(ApiGeneration Generation, long Bucket), long> bucketTotals = [];

    // A bucket's range begins this much before its own seconds: a call begins shortly before its start answer.
    private static readonly TimeSpan EdgeSlack = TimeSpan.FromSeconds(1);

    private TimeSpan BucketWidth => options.Scaled(options.FirstPollSeconds * 2);

    private TimeSpan Grid => options.Scaled(options.MaxPollIntervalSeconds * 2);

    /// <summary>
    /// Records first: the record of the call <paramref name="callId"/>, placed between <paramref name="startedFrom"/> and
    /// <paramref name="startedTo"/> and perhaps still live. It is looked for on the pages of its start bucket from now
    /// on. Call <see cref="CallEnded"/> when the call's watch sees the end: its record wait counts from then. Null when
    /// no record came within <c>RecordMaxWaitSeconds</c> of that end.
    /// </summary>
    public Task<CallRecord?> WaitFromStartAsync(string callId, DateTimeOffset startedFrom, DateTimeOffset startedTo, CampaignBudget? campaign, CancellationToken cancellationToken)
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
    // Waiters at their deadline and sparse ranges' ended calls are added to byCallId.
    private async Task<int> FromStartRoundAsync(
        ApiGeneration generation, CampaignBudget? capped, List<Waiter> due, DateTimeOffset now, int quota, List<Waiter> byCallId, CancellationToken token)
    {
        byCallId.AddRange(due.Where(w => now >= w.Deadline));

        // Stragglers at their half-way look: one page read of their range widened by Slack (a start outside its
        // bucket is found there) where they fill its pages; otherwise each is asked by CallId.
        foreach (var range in Ranges(due.Where(w => w.Straggling && now < w.Deadline)))
        {
            if (EnabledFor(generation) && range.Count >= PagesOf(generation, range) * 2 && quota > 0)
            {
                quota -= await ReadRangeAsync(generation, capped, range, token, Slack).ConfigureAwait(false);
                continue;
            }

            byCallId.AddRange(range);
        }

        var recordDelay = options.Scaled(options.RecordDelaySeconds);
        foreach (var range in Ranges(due.Where(w => !w.Straggling && now < w.Deadline)))
        {
            // A page is read when the calls whose record may have just come fill its pages: calls not yet polled,
            // and calls whose end was seen lately. A call polled and still live has no record yet; a straggler
            // waits for its own looks (both come along on pages read for the others).
            var fresh = range.Count(w => Fresh(w, now));
            if (fresh > 0 && EnabledFor(generation) && fresh >= PagesOf(generation, range) && quota > 0)
            {
                quota -= await ReadRangeAsync(generation, capped, range, token).ConfigureAwait(false);
                continue;
            }

            // More pages than such calls: by CallId, once for each call whose end was seen and whose record can be
            // there; then it waits for its straggler looks.
            foreach (var waiter in range.Where(w => !w.AskedByCallId && w.EndedAt is { } ended && now >= ended + recordDelay))
            {
                waiter.AskedByCallId = true;
                byCallId.Add(waiter);
            }
        }

        return quota;
    }

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
            // The bucket's schedule: every waiter of the bucket read in this round gets the same next look. Gaps of
            // at most two thirds of a poll gap: a record waits at most that long for the read that finds it.
            waiter.NextLook = now + waiter.Gap < waiter.Deadline ? now + waiter.Gap : waiter.Deadline;
            var max = options.Scaled(options.MaxPollIntervalSeconds * 2 / 3);
            waiter.Gap = TimeSpan.FromTicks(Math.Min((long)(waiter.Gap.Ticks * 1.5), max.Ticks));
            return;
        }

        // A straggler: one look half-way through its record wait (on its bucket's grid, so that the bucket's
        // stragglers share it), then the deadline.
        var halfway = OnGrid(waiter, ended + options.Scaled(options.RecordMaxWaitSeconds / 2));
        waiter.NextLook = !waiter.Straggling && halfway < waiter.Deadline ? halfway : waiter.Deadline;
        waiter.Straggling = true;
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
