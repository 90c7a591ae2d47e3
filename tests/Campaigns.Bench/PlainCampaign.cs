using System.Diagnostics;
using Campaigns.Activities.Budget;
using Campaigns.TencentCall;
using Campaigns.TencentCall.Errors;
using Campaigns.TencentCall.Models;

namespace Campaigns.Bench;

/// <summary>
/// The same campaign as a plain, non-durable async program: one task per callee, the worker's rate limits (a
/// <see cref="SlidingWindowGate"/> per API at limit × headroom), the worker's poll and record sequence (first
/// <c>get_call_info</c> after FirstPoll, then ×1.5 up to MaxPoll; the record after RecordDelay, then doubling),
/// and no store, no Temporal, no crash safety. What the durable campaign is compared with.
/// </summary>
internal sealed class PlainCampaign(ITencentCallClient client, int perSecond, PlainCampaign.Timing timing) : IDisposable
{
    private readonly SlidingWindowGate starts = new(perSecond, TimeProvider.System);
    private readonly SlidingWindowGate infos = new(perSecond, TimeProvider.System);
    private readonly SlidingWindowGate records = new(perSecond, TimeProvider.System);
    private int placed;
    private int lost;
    private int recorded;

    /// <summary>The worker's watch settings, in seconds.</summary>
    public sealed record Timing(double FirstPoll, double MaxPoll, double RecordDelay, double RecordMaxWait);

    public int Placed => placed;

    public int Lost => lost;

    public int Recorded => recorded;

    /// <summary>Rings every callee once and waits until every call's record is read; returns the wall time.</summary>
    public async Task<TimeSpan> RunAsync(IReadOnlyList<string> callees, string robot, int ringTimeoutMs)
    {
        var clock = Stopwatch.StartNew();
        var calls = new List<Task>(callees.Count);
        for (var i = 0; i < callees.Count; i++)
        {
            await starts.PassAsync(CancellationToken.None);
            var request = new StartCallRequest
            {
                RobotAccount = robot, Callees = [callees[i]], TimeoutMs = ringTimeoutMs, RoomId = $"plain-{i}", RoomIdType = 2,
            };
            calls.Add(CallAsync(request));
        }

        await Task.WhenAll(calls);
        return clock.Elapsed;
    }

    private async Task CallAsync(StartCallRequest request)
    {
        StartCallResult? started = null;
        for (var tries = 1; started is null; tries++)
        {
            try
            {
                started = await client.StartCallByRobotAsync(request);
            }
            catch (TencentCallException e) when (e.CallId is { Length: > 0 } callId)
            {
                started = new StartCallResult(callId, [], null);
            }
            catch (TencentCallException e) when (e.IsTransient && !e.RequestMayHaveTakenEffect && tries < 8)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200 * Math.Pow(2, tries - 1)));
                await starts.PassAsync(CancellationToken.None);
            }
            catch (TencentCallException)
            {
                Interlocked.Increment(ref lost); // a plain program has no ledger to reconcile with
                return;
            }
        }

        Interlocked.Increment(ref placed);
        if (started.Callees.Count > 0 && started.Callees.All(c => c.ResultCode != 0))
        {
            return; // nobody rung
        }

        var interval = TimeSpan.FromSeconds(timing.FirstPoll);
        while (true)
        {
            await Task.Delay(interval);
            await infos.PassAsync(CancellationToken.None);
            try
            {
                if ((await client.GetCallInfoAsync(started.CallId)).HasEnded)
                {
                    break;
                }

                interval = TimeSpan.FromSeconds(Math.Min(interval.TotalSeconds * 1.5, timing.MaxPoll));
            }
            catch (TencentCallException e) when (e.Kind is not (TencentErrorKind.Auth or TencentErrorKind.Invalid))
            {
                interval = TimeSpan.FromSeconds(timing.FirstPoll);
            }
        }

        var deadline = DateTimeOffset.UtcNow.AddSeconds(timing.RecordMaxWait);
        var pause = TimeSpan.FromSeconds(timing.RecordDelay);
        while (DateTimeOffset.UtcNow + pause <= deadline)
        {
            await Task.Delay(pause);
            await records.PassAsync(CancellationToken.None);
            try
            {
                await client.GetRecordByCallIdAsync(started.CallId);
                Interlocked.Increment(ref recorded);
                return;
            }
            catch (TencentCallException e) when (e.IsTransient || e.Kind == TencentErrorKind.Unknown)
            {
                pause = TimeSpan.FromSeconds(Math.Min(pause.TotalSeconds * 2, 60));
            }
        }
    }

    public void Dispose()
    {
        starts.Dispose();
        infos.Dispose();
        records.Dispose();
    }
}
