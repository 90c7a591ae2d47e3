using Campaigns.Activities.Budget;
using Campaigns.Activities.Records;
using Campaigns.TencentCall;
using Campaigns.TencentCall.Errors;
using Campaigns.TencentCall.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Campaigns.Activities.Tests;

/// <summary>
/// Records first (issue 17): the harvester looks for a call's record from its start. A record that exists is never
/// marked missing for want of an answer: the ask at the deadline that gets 101001 (or a timeout) is made again in the
/// next round; stragglers at their deadline share one page read once the vendor's clock is seen to agree (pure logic: a fake
/// vendor, the system clock, waits of seconds).
/// </summary>
public sealed class RecordsFirstHarvesterTests
{
    [Fact]
    public async Task LastAskGetsNoAnswer_AskedAgain_TheRecordThatExistsIsNotMarkedMissing()
    {
        using var budget = Budget(maxPollSeconds: 0.25, recordMaxWaitSeconds: 2, out var options);
        var start = DateTimeOffset.UtcNow;

        // The record's start is a minute before the call's bucket (a vendor clock that disagrees): no page finds it.
        // Asked by CallId, the vendor answers 101001 until past the call's deadline (2 s after its end, at most one
        // 1 s grid step later).
        var vendor = new FlakyRecords(new CallRecord { CallId = "c1", StartTime = start.AddMinutes(-1) }, failUntil: start + TimeSpan.FromSeconds(4.5));
        using var harvester = new RecordHarvester(vendor, budget, options, TimeProvider.System, NullLogger<RecordHarvester>.Instance);

        var waiting = harvester.WaitFromStartAsync("c1", start, start, null, CancellationToken.None);
        harvester.CallEnded("c1", null);
        var record = await waiting.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.NotNull(record); // before: the failed ask at the deadline gave RecordMissing
        Assert.True(vendor.FailedAsks >= 2, $"{vendor.FailedAsks} failed asks: the deadline's ask did not fail, the test proves nothing");
        Assert.True(DateTimeOffset.UtcNow - start >= TimeSpan.FromSeconds(4.5));
    }

    [Fact]
    public async Task EndSeenTwice_TheFirstEndCounts()
    {
        using var budget = Budget(maxPollSeconds: 0.125, recordMaxWaitSeconds: 3, out var options);
        var vendor = new FlakyRecords(record: null, failUntil: DateTimeOffset.MinValue);
        using var harvester = new RecordHarvester(vendor, budget, options, TimeProvider.System, NullLogger<RecordHarvester>.Instance);
        var start = DateTimeOffset.UtcNow;

        // A retried batch shares the waiter and sees the end again later: the record wait still counts from the first
        // (given up 3-3.5 s after it, in the next 1 s round; from the second: 5.5 s or later).
        var waiting = harvester.WaitFromStartAsync("c2", start, start, null, CancellationToken.None);
        harvester.CallEnded("c2", null);
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        harvester.CallEnded("c2", null);
        var record = await waiting.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Null(record); // never written: RecordMissing
        var waited = DateTimeOffset.UtcNow - start;
        Assert.True(waited < TimeSpan.FromSeconds(5), $"given up {waited.TotalSeconds:F1} s after the first end: the second end moved the deadline");
    }

    [Fact]
    public async Task StragglersAtTheirDeadline_TheClocksAgree_OnePageReadSettlesThem_NoAskByCallId()
    {
        using var budget = Budget(maxPollSeconds: 2, recordMaxWaitSeconds: 3, out var options);
        var start = DateTimeOffset.UtcNow;

        // 30 calls of one bucket, all ended: 20 records are there (their start times agree with the calls' windows),
        // one comes after the calls' grace (2 s) and before their deadline (3-11 s), 9 never come.
        var vendor = new PagedRecords(Enumerable.Range(0, 21).Select(i => Record($"c{i}", start)));
        vendor.ShowAt("c20", start.AddSeconds(2.5));
        using var harvester = new RecordHarvester(vendor, budget, options, TimeProvider.System, NullLogger<RecordHarvester>.Instance);
        var records = await WaitAllAsync(harvester, start, 30);

        Assert.Equal(21, records.Count(r => r is not null));
        Assert.NotNull(records[20]); // the late record, found by the stragglers' deadline read
        Assert.True(harvester.ClockEvidenceSeen(ApiGeneration.V4).Agreed >= 20);
        // Before: each straggler was asked by CallId (at the end of its grace, half-way, and at its deadline).
        Assert.Equal(0, vendor.ByCallId);
        Assert.Equal(0, harvester.Requests.ByCallId);
    }

    [Fact]
    public async Task AReadAtTheDeadlineMissesARecordItCounts_TheStragglersAreAskedByCallId_NoneMarkedMissingWhileThere()
    {
        using var budget = Budget(maxPollSeconds: 2, recordMaxWaitSeconds: 3, out var options);
        var start = DateTimeOffset.UtcNow;

        // 20 records on the pages (clock evidence), 10 stragglers: one record the vendor counts in TotalNum but leaves
        // off every page (records tied on a second, ordered anew per request), the other 9 never come.
        var vendor = new PagedRecords(Enumerable.Range(0, 21).Select(i => Record($"c{i}", start)));
        vendor.HideFromPages("c20");
        using var harvester = new RecordHarvester(vendor, budget, options, TimeProvider.System, NullLogger<RecordHarvester>.Instance);
        var records = await WaitAllAsync(harvester, start, 30);

        Assert.NotNull(records[20]); // before: the read seemed complete, and the record was marked missing
        Assert.Equal(9, records.Count(r => r is null));
        Assert.True(vendor.ByCallId >= 10, $"{vendor.ByCallId} asks by CallId: the stragglers were settled by an incomplete read");
    }

    [Fact]
    public async Task VendorClockDisagrees_PagesNeverProveARecordAbsent_StragglersAreAskedByCallId()
    {
        using var budget = Budget(maxPollSeconds: 2, recordMaxWaitSeconds: 3, out var options);

        // First a vendor clock 5 s ahead: no page holds these records; each is asked by CallId at its deadline (none
        // is marked missing), and the disagreement is seen.
        var start = DateTimeOffset.UtcNow;
        var vendor = new PagedRecords(Enumerable.Range(0, 10).Select(i => Record($"s{i}", start.AddSeconds(5))));
        using var harvester = new RecordHarvester(vendor, budget, options, TimeProvider.System, NullLogger<RecordHarvester>.Instance);
        var skewed = await WaitAllAsync(harvester, start, 10, "s");
        Assert.All(skewed, Assert.NotNull);
        Assert.True(harvester.ClockEvidenceSeen(ApiGeneration.V4).Disagreed);

        // Then 20 records that agree, and 10 stragglers: the pages are no proof any more, so each straggler is asked.
        start = DateTimeOffset.UtcNow;
        vendor.Add(Enumerable.Range(0, 20).Select(i => Record($"c{i}", start)));
        var asked = vendor.ByCallId;
        var records = await WaitAllAsync(harvester, start, 30);
        Assert.Equal(20, records.Count(r => r is not null));
        Assert.True(vendor.ByCallId - asked >= 10, $"{vendor.ByCallId - asked} asks by CallId after the disagreement: a page read settled the stragglers");
    }

    // Waits for the records of count calls prefix0.. started at start, all ended at once.
    private static async Task<CallRecord?[]> WaitAllAsync(RecordHarvester harvester, DateTimeOffset start, int count, string prefix = "c")
    {
        var waiting = Enumerable.Range(0, count).Select(i => harvester.WaitFromStartAsync($"{prefix}{i}", start, start, null, CancellationToken.None)).ToList();
        for (var i = 0; i < count; i++)
        {
            harvester.CallEnded($"{prefix}{i}", null);
        }

        return await Task.WhenAll(waiting).WaitAsync(TimeSpan.FromSeconds(60));
    }

    // A call's record: started in the whole second the vendor writes, ended a minute later.
    private static CallRecord Record(string callId, DateTimeOffset start) =>
        new() { CallId = callId, StartTime = Seconds(start), EndTime = Seconds(start).AddMinutes(1) };

    // The vendor's start times are whole seconds.
    private static DateTimeOffset Seconds(DateTimeOffset at) => DateTimeOffset.FromUnixTimeSeconds(at.ToUnixTimeSeconds());

    // Real time (the by-filter harvest runs only at TimeScale 1) with sub-second waits.
    private static ApiBudget Budget(double maxPollSeconds, double recordMaxWaitSeconds, out IOptions<CampaignWorkerOptions> options)
    {
        options = Options.Create(new CampaignWorkerOptions
        {
            Budget = new BudgetOptions { Workers = 1 },
            Watch = new WatchOptions { FirstPollSeconds = 0.05, MaxPollIntervalSeconds = maxPollSeconds, RecordDelaySeconds = 0.05, RecordMaxWaitSeconds = recordMaxWaitSeconds },
        });
        return new ApiBudget(options, Options.Create(new TencentCallOptions()), TimeProvider.System);
    }

    /// <summary>A records API with one record that no page holds; asked by CallId it answers 101001 until <paramref name="failUntil"/>.</summary>
    private sealed class FlakyRecords(CallRecord? record, DateTimeOffset failUntil) : RecordsOnly
    {
        private int failed;

        public int FailedAsks => Volatile.Read(ref failed);

        public override Task<CallRecord> GetRecordByCallIdAsync(string callId, ApiGeneration? generation, CancellationToken cancellationToken = default)
        {
            if (DateTimeOffset.UtcNow < failUntil)
            {
                Interlocked.Increment(ref failed);
                throw new TencentCallException("internal server error", TencentErrorKind.Retryable, TencentApi.GetRecordByCallId, ApiGeneration.V4, 101001);
            }

            return record is not null && record.CallId == callId
                ? Task.FromResult(record)
                : throw new TencentCallException("record does not exist", TencentErrorKind.NotFoundYet, TencentApi.GetRecordByCallId, ApiGeneration.V4, 101050);
        }

        public override Task<CallRecordPage> GetRecordsByFilterAsync(RecordFilter filter, ApiGeneration? generation, CancellationToken cancellationToken = default) =>
            Task.FromResult(new CallRecordPage(0, 0, [], false));
    }

    /// <summary>
    /// A records API holding <paramref name="records"/>: pages by start time (100 a page, whole seconds), and by CallId.
    /// A record can be shown from a given time on, or left off every page while counted in TotalNum.
    /// </summary>
    private sealed class PagedRecords(IEnumerable<CallRecord> records) : RecordsOnly
    {
        private readonly Lock sync = new();
        private readonly List<CallRecord> all = [.. records];
        private readonly Dictionary<string, DateTimeOffset> shownAt = new(StringComparer.Ordinal);
        private readonly HashSet<string> hidden = new(StringComparer.Ordinal);
        private int pages;
        private int byCallId;

        public int Pages => Volatile.Read(ref pages);

        public int ByCallId => Volatile.Read(ref byCallId);

        public void Add(IEnumerable<CallRecord> more)
        {
            lock (sync)
            {
                all.AddRange(more);
            }
        }

        public void ShowAt(string callId, DateTimeOffset at)
        {
            lock (sync)
            {
                shownAt[callId] = at;
            }
        }

        public void HideFromPages(string callId)
        {
            lock (sync)
            {
                hidden.Add(callId);
            }
        }

        public override Task<CallRecord> GetRecordByCallIdAsync(string callId, ApiGeneration? generation, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref byCallId);
            lock (sync)
            {
                return Visible().FirstOrDefault(r => r.CallId == callId) is { } record
                    ? Task.FromResult(record)
                    : throw new TencentCallException("record does not exist", TencentErrorKind.NotFoundYet, TencentApi.GetRecordByCallId, ApiGeneration.V4, 101050);
            }
        }

        public override Task<CallRecordPage> GetRecordsByFilterAsync(RecordFilter filter, ApiGeneration? generation, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref pages);
            var from = filter.From!.Value.ToUnixTimeSeconds();
            var to = filter.To!.Value.ToUnixTimeSeconds();
            lock (sync)
            {
                var matching = Visible().Where(r => r.StartTime!.Value.ToUnixTimeSeconds() >= from && r.StartTime!.Value.ToUnixTimeSeconds() <= to).OrderBy(r => r.StartTime).ToList();
                var slice = matching.Where(r => !hidden.Contains(r.CallId)).Skip((filter.Page - 1) * filter.NumberPerPage).Take(filter.NumberPerPage).ToList();
                var more = ((filter.Page - 1) * filter.NumberPerPage) + slice.Count < matching.Count(r => !hidden.Contains(r.CallId));
                return Task.FromResult(new CallRecordPage(matching.Count, more ? filter.Page : 0, slice, more));
            }
        }

        private IEnumerable<CallRecord> Visible() => all.Where(r => !shownAt.TryGetValue(r.CallId, out var at) || DateTimeOffset.UtcNow >= at);
    }

    /// <summary>A vendor that answers only the records APIs (the harvester asks nothing else).</summary>
    private abstract class RecordsOnly : ITencentCallClient
    {
        public abstract Task<CallRecord> GetRecordByCallIdAsync(string callId, ApiGeneration? generation, CancellationToken cancellationToken = default);

        public abstract Task<CallRecordPage> GetRecordsByFilterAsync(RecordFilter filter, ApiGeneration? generation, CancellationToken cancellationToken = default);

        public Task<CallRecord> GetRecordByCallIdAsync(string callId, CancellationToken cancellationToken = default) => GetRecordByCallIdAsync(callId, null, cancellationToken);

        public Task<CallRecordPage> GetRecordsByFilterAsync(RecordFilter filter, CancellationToken cancellationToken = default) => GetRecordsByFilterAsync(filter, null, cancellationToken);

        public Task<StartCallResult> StartCallByRobotAsync(StartCallRequest request, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<CallStatus> GetCallInfoAsync(string callId, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<bool> EndCallAsync(string callId, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<CallRecord?> FindRecordByRoomAsync(RecordLookup lookup, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<CallRecord?> FindRecordByRoomAsync(RecordLookup lookup, ApiGeneration? generation, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<CallRecord?> FindRecordByRoomAsync(
            RecordLookup lookup, ApiGeneration? generation, Func<CancellationToken, ValueTask>? beforeEachPage, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();
    }
}
