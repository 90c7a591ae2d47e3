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
/// next round (pure logic: a fake vendor, the system clock, sub-second waits).
/// </summary>
public sealed class RecordsFirstHarvesterTests
{
    [Fact]
    public async Task LastAskGetsNoAnswer_AskedAgain_TheRecordThatExistsIsNotMarkedMissing()
    {
        using var budget = Budget(maxPollSeconds: 0.5, recordMaxWaitSeconds: 2, out var options);
        var start = DateTimeOffset.UtcNow;

        // The record's start is a minute before the call's bucket (a vendor clock that disagrees): no page finds it.
        // Asked by CallId, the vendor answers 101001 until past the call's deadline (2 s after its end, at most one
        // 1 s grid step later).
        var vendor = new FlakyRecords(new CallRecord { CallId = "c1", StartTime = start.AddMinutes(-1) }, failUntil: start + TimeSpan.FromSeconds(3.3));
        using var harvester = new RecordHarvester(vendor, budget, options, TimeProvider.System, NullLogger<RecordHarvester>.Instance);

        var waiting = harvester.WaitFromStartAsync("c1", start, start, null, CancellationToken.None);
        harvester.CallEnded("c1", null);
        var record = await waiting.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.NotNull(record); // before: the failed ask at the deadline gave RecordMissing
        Assert.True(vendor.FailedAsks >= 2, $"{vendor.FailedAsks} failed asks: the deadline's ask did not fail, the test proves nothing");
        Assert.True(DateTimeOffset.UtcNow - start >= TimeSpan.FromSeconds(3.3));
    }

    [Fact]
    public async Task EndSeenTwice_TheFirstEndCounts()
    {
        using var budget = Budget(maxPollSeconds: 0.25, recordMaxWaitSeconds: 3, out var options);
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
    private sealed class FlakyRecords(CallRecord? record, DateTimeOffset failUntil) : ITencentCallClient
    {
        private int failed;

        public int FailedAsks => Volatile.Read(ref failed);

        public Task<CallRecord> GetRecordByCallIdAsync(string callId, ApiGeneration? generation, CancellationToken cancellationToken = default)
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

        public Task<CallRecord> GetRecordByCallIdAsync(string callId, CancellationToken cancellationToken = default) => GetRecordByCallIdAsync(callId, null, cancellationToken);

        public Task<CallRecordPage> GetRecordsByFilterAsync(RecordFilter filter, ApiGeneration? generation, CancellationToken cancellationToken = default) =>
            Task.FromResult(new CallRecordPage(0, 0, [], false));

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
