using System.Diagnostics.Metrics;
using Campaigns.Activities.Budget;
using Campaigns.Activities.Watching;
using Campaigns.TencentCall;
using Campaigns.TencentCall.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Campaigns.Activities.Tests;

/// <summary>
/// Issue 18 item 8: the call watcher's pump is a guarded loop. A fault injected into the loop (or thrown where
/// nobody expected one) is logged, counted in <c>campaigns.loops.restarts</c>, and the pump runs again: the
/// calls it watches still end (pure logic: a fake vendor, the system clock, short polls).
/// </summary>
public sealed class CallWatcherLoopTests
{
    [Fact]
    public async Task PumpFault_IsCountedAndTheLoopRestarts_TheWatchedCallsStillEnd()
    {
        using var restarts = new RestartCounter(CallWatcher.LoopName);
        using var budget = Budget(out var options);
        using var watcher = new CallWatcher(new EndsAfterPolls(1), budget, options, TimeProvider.System, NullLogger<CallWatcher>.Instance);
        var faults = 0;
        watcher.OnPumpTurn = () =>
        {
            if (Interlocked.Increment(ref faults) <= 3)
            {
                throw new InvalidOperationException("injected into the pump");
            }
        };

        var ended = await Task.WhenAll(Enumerable.Range(1, 5).Select(i => watcher.WaitForEndAsync(new WatchedCall($"call-{i}"), CancellationToken.None)))
            .WaitAsync(TimeSpan.FromSeconds(30));

        Assert.All(ended, s => Assert.True(s.HasEnded));
        Assert.Equal(3, restarts.Count);
    }

    [Fact]
    public async Task UnexpectedPollError_TheCallIsPolledAgain_NotLost()
    {
        var vendor = new EndsAfterPolls(1) { ThrowFirst = new InvalidOperationException("a bug, not a vendor fault") };
        using var budget = Budget(out var options);
        using var watcher = new CallWatcher(vendor, budget, options, TimeProvider.System, NullLogger<CallWatcher>.Instance);

        var ended = await watcher.WaitForEndAsync(new WatchedCall("call-1"), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(ended.HasEnded);
        Assert.Equal(2, vendor.Polls);
    }

    private static ApiBudget Budget(out IOptions<CampaignWorkerOptions> options)
    {
        options = Options.Create(new CampaignWorkerOptions
        {
            Budget = new BudgetOptions { Workers = 1 },
            Watch = new WatchOptions { FirstPollSeconds = 0.01, MaxPollIntervalSeconds = 0.05 },
        });
        return new ApiBudget(options, Options.Create(new TencentCallOptions()), TimeProvider.System);
    }

    /// <summary>Counts <c>campaigns.loops.restarts</c> of one loop while alive.</summary>
    private sealed class RestartCounter : IDisposable
    {
        private readonly MeterListener listener = new();
        private long count;

        public RestartCounter(string loop)
        {
            listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == CampaignMetrics.MeterName && instrument.Name == "campaigns.loops.restarts")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            };
            listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                foreach (var tag in tags)
                {
                    if (tag.Key == "loop" && Equals(tag.Value, loop))
                    {
                        Interlocked.Add(ref count, value);
                    }
                }
            });
            listener.Start();
        }

        public long Count => Interlocked.Read(ref count);

        public void Dispose() => listener.Dispose();
    }

    /// <summary>A vendor whose calls end at their n-th poll; optionally the very first poll throws.</summary>
    private sealed class EndsAfterPolls(int polls) : ITencentCallClient
    {
        private readonly Dictionary<string, int> seen = [];
        private int total;

        public Exception? ThrowFirst { get; init; }

        public int Polls => Volatile.Read(ref total);

        public Task<CallStatus> GetCallInfoAsync(string callId, CancellationToken cancellationToken = default)
        {
            if (Interlocked.Increment(ref total) == 1 && ThrowFirst is { } e)
            {
                throw e;
            }

            lock (seen)
            {
                seen[callId] = seen.GetValueOrDefault(callId) + 1;
                return Task.FromResult(seen[callId] >= polls
                    ? CallStatus.Ended(callId)
                    : new CallStatus(callId, false, null, null, null, null, []));
            }
        }

        public Task<StartCallResult> StartCallByRobotAsync(StartCallRequest request, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<bool> EndCallAsync(string callId, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<CallRecord> GetRecordByCallIdAsync(string callId, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<CallRecord> GetRecordByCallIdAsync(string callId, ApiGeneration? generation, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<CallRecordPage> GetRecordsByFilterAsync(RecordFilter filter, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<CallRecordPage> GetRecordsByFilterAsync(RecordFilter filter, ApiGeneration? generation, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<CallRecord?> FindRecordByRoomAsync(RecordLookup lookup, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<CallRecord?> FindRecordByRoomAsync(RecordLookup lookup, ApiGeneration? generation, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<CallRecord?> FindRecordByRoomAsync(
            RecordLookup lookup, ApiGeneration? generation, Func<CancellationToken, ValueTask>? beforeEachPage, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();
    }
}
