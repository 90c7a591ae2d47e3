using System.Diagnostics;
using Campaigns.TencentCall;
using Campaigns.TencentCall.Errors;
using Campaigns.TencentCall.Models;

namespace Campaigns.Bench;

/// <summary>
/// The same campaign as a competent hand-written, non-durable async script: no store, no Temporal, no crash
/// safety, and none of the project's code but its HTTP client. Starts follow a timeline — start i is sent at
/// t0 + i ÷ rate, each in a task of its own (no shared gate or turnstile: a slow answer delays nobody else).
/// Each call is then watched with <c>get_call_info</c> (first after FirstPoll, then ×1.5 up to MaxPoll) until
/// it has ended, and its record fetched by CallId (first after RecordDelay, then doubling up to 60 s, for at
/// most RecordMaxWait after the end was seen). <c>get_call_info</c> and the records API have a vendor limit
/// of their own (200/s each), so each request of those two reserves the next free slot of a
/// <see cref="Pacer"/> at the same rate as the starts — a reservation, not a queue the starts wait in.
/// An outcome is "record fetched" (or, for a start that rang nobody, its answer).
/// </summary>
internal sealed class PlainCampaign(ITencentCallClient client, double perSecond, PlainCampaign.Timing timing)
{
    private readonly Pacer polls = new(perSecond);
    private readonly Pacer records = new(perSecond);
    private int placed;
    private int lost;
    private int recorded;
    private int gaveUp;
    private DateTimeOffset?[] outcomeAt = [];
    private string?[] callIds = [];

    /// <summary>The watch settings (the worker's), in seconds.</summary>
    public sealed record Timing(double FirstPoll, double MaxPoll, double RecordDelay, double RecordMaxWait);

    /// <summary>Starts answered with a CallId.</summary>
    public int Placed => placed;

    /// <summary>Starts that failed for good (a plain script has no ledger to reconcile with).</summary>
    public int Lost => lost;

    /// <summary>Records fetched.</summary>
    public int Recorded => recorded;

    /// <summary>Calls whose record did not come within RecordMaxWait.</summary>
    public int GaveUp => gaveUp;

    /// <summary>When the script started (start i is due at T0 + i ÷ rate).</summary>
    public DateTimeOffset T0 { get; private set; }

    /// <summary>Each call's outcome time (record fetched, or a start that rang nobody), by CallId.</summary>
    public Dictionary<string, DateTimeOffset> OutcomesByCall() => Enumerable.Range(0, callIds.Length)
        .Where(i => callIds[i] is not null && outcomeAt[i] is not null)
        .ToDictionary(i => callIds[i]!, i => outcomeAt[i]!.Value, StringComparer.Ordinal);

    /// <summary>Rings every callee once and waits until every call has its record (or was given up); returns the wall time.</summary>
    public async Task<TimeSpan> RunAsync(IReadOnlyList<string> callees, string robot, int ringTimeoutMs)
    {
        outcomeAt = new DateTimeOffset?[callees.Count];
        callIds = new string?[callees.Count];
        var calls = new Task[callees.Count];
        T0 = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < callees.Count; i++)
        {
            // The timeline: start i is due at i ÷ rate. A late wake-up sends every start already due at once.
            var due = TimeSpan.FromSeconds(i / perSecond);
            var wait = due - clock.Elapsed;
            if (wait > TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(wait);
            }

            var request = new StartCallRequest
            {
                RobotAccount = robot, Callees = [callees[i]], TimeoutMs = ringTimeoutMs, RoomId = $"plain-{i}", RoomIdType = 2,
            };
            var index = i;
            calls[i] = Task.Run(() => CallAsync(index, request));
        }

        await Task.WhenAll(calls);
        return clock.Elapsed;
    }

    private async Task CallAsync(int index, StartCallRequest request)
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
            }
            catch (Exception e) when (e is TencentCallException or HttpRequestException or TaskCanceledException)
            {
                Interlocked.Increment(ref lost);
                return;
            }
        }

        Interlocked.Increment(ref placed);
        callIds[index] = started.CallId;
        if (started.Callees.Count > 0 && started.Callees.All(c => c.ResultCode != 0))
        {
            outcomeAt[index] = DateTimeOffset.UtcNow; // nobody rung: the answer is the outcome
            return;
        }

        var interval = TimeSpan.FromSeconds(timing.FirstPoll);
        while (true)
        {
            await Task.Delay(interval);
            await polls.WaitAsync();
            try
            {
                if ((await client.GetCallInfoAsync(started.CallId)).HasEnded)
                {
                    break;
                }

                interval = TimeSpan.FromSeconds(Math.Min(interval.TotalSeconds * 1.5, timing.MaxPoll));
            }
            catch (TencentCallException e) when (e.Kind is TencentErrorKind.Auth or TencentErrorKind.Invalid)
            {
                Interlocked.Increment(ref lost);
                return;
            }
            catch (Exception e) when (e is TencentCallException or HttpRequestException or TaskCanceledException)
            {
                interval = TimeSpan.FromSeconds(timing.FirstPoll);
            }
        }

        var deadline = DateTimeOffset.UtcNow.AddSeconds(timing.RecordMaxWait);
        var pause = TimeSpan.FromSeconds(timing.RecordDelay);
        while (DateTimeOffset.UtcNow + pause <= deadline)
        {
            await Task.Delay(pause);
            await records.WaitAsync();
            try
            {
                await client.GetRecordByCallIdAsync(started.CallId);
                outcomeAt[index] = DateTimeOffset.UtcNow;
                Interlocked.Increment(ref recorded);
                return;
            }
            catch (Exception e) when (e is TencentCallException or HttpRequestException or TaskCanceledException)
            {
                pause = TimeSpan.FromSeconds(Math.Min(pause.TotalSeconds * 2, 60));
            }
        }

        Interlocked.Increment(ref gaveUp);
    }

    /// <summary>
    /// Spaces requests of one API 1 ÷ rate apart: each caller reserves the next free slot and sleeps until it
    /// (a leaky bucket by reservation; callers never wait on one another's requests).
    /// </summary>
    private sealed class Pacer(double perSecond)
    {
        private readonly Lock gate = new();
        private readonly Stopwatch clock = Stopwatch.StartNew();
        private readonly TimeSpan spacing = TimeSpan.FromSeconds(1 / perSecond);
        private TimeSpan next;

        public Task WaitAsync()
        {
            TimeSpan wait;
            lock (gate)
            {
                var now = clock.Elapsed;
                var slot = next > now ? next : now;
                next = slot + spacing;
                wait = slot - now;
            }

            return wait > TimeSpan.FromMilliseconds(1) ? Task.Delay(wait) : Task.CompletedTask;
        }
    }
}
