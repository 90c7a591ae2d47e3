using Campaigns.Activities.Budget;
using Campaigns.Activities.Caps;
using Campaigns.TencentCall;
using Campaigns.TencentCall.Errors;
using Campaigns.TencentCall.Http;
using Campaigns.TencentCall.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Campaigns.Activities.Watching;

/// <summary>
/// Watches every call in flight on this worker with <c>get_call_info</c> until it ends (101004). The API's
/// budget is shared by all calls, so there is no timer per call: one queue ordered by when each call is due
/// spends the budget on the most overdue call first, and a call's gap between polls grows while it goes on
/// (a call that has rung or talked for a while is less likely to end in the next second than a young one is
/// to be answered). When the budget is short, calls are simply polled later, never more often; a campaign
/// with its own cap (<c>budgets.getCallInfo</c>) has its calls polled later still, without delaying others.
/// The pump is a <see cref="GuardedLoop"/> (<c>call_watcher</c>): whatever escapes it is logged and counted, the
/// call it was handling goes back in the queue, and the pump runs again after a short back-off.
/// With callbacks (<see cref="CallLedgerFeed.Enabled"/>), a call whose end reaches the ledger ends at once, unpolled,
/// and a poll falls due only once the call has been silent (no event, no poll) for the feed's silence bound, or
/// shortly after its callees all left without an end: a lost callback costs latency, never the outcome.
/// Each poll of the schedule skipped that way is counted as avoided.
/// </summary>
public sealed partial class CallWatcher : IDisposable
{
    private readonly ITencentCallClient client;
    private readonly ApiBudget budget;
    private readonly WatchOptions options;
    private readonly TimeProvider time;
    private readonly ILogger<CallWatcher> logger;
    private readonly CallLedgerFeed? ledger;
    private readonly PriorityQueue<(Watched Entry, int Version), DateTimeOffset> due = new();
    private readonly Lock gate = new();
    private readonly SemaphoreSlim polls = new(64);
    private readonly CancellationTokenSource stopping = new();
    private Task? pump;

    /// <summary>Creates the watcher; its pump starts with the first call watched.</summary>
    public CallWatcher(
        ITencentCallClient client, ApiBudget budget, IOptions<CampaignWorkerOptions> options, TimeProvider time, ILogger<CallWatcher> logger, CallLedgerFeed? ledger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.client = client;
        this.budget = budget;
        this.options = options.Value.Watch;
        this.time = time;
        Pulse = new LoopPulse(time);
        this.logger = logger;
        this.ledger = ledger is { Enabled: true } ? ledger : null;
    }

    /// <summary>The loop's name in logs and in <c>campaigns.loops.restarts</c>.</summary>
    internal const string LoopName = "call_watcher";

    /// <summary>Called at the top of every turn of the pump; for tests (a fault injected into the loop).</summary>
    internal Action? OnPumpTurn { get; set; }

    /// <summary>Calls being watched.</summary>
    public int Count
    {
        get
        {
            lock (gate)
            {
                return due.Count;
            }
        }
    }

    /// <summary>
    /// Completes when the call has ended. <paramref name="watch"/> exposes the last status seen (a cancel
    /// hangs up calls whose callees are still Waiting).
    /// </summary>
    public Task<CallStatus> WaitForEndAsync(WatchedCall watch, CancellationToken cancellationToken) => WaitForEndAsync(watch, null, cancellationToken);

    /// <summary>
    /// <see cref="WaitForEndAsync(WatchedCall, CancellationToken)"/> for a call placed at <paramref name="placedAt"/>
    /// (by an earlier execution: null, now): its first poll is due a first-poll delay after it was placed, never
    /// later than one from now.
    /// </summary>
    public Task<CallStatus> WaitForEndAsync(WatchedCall watch, DateTimeOffset? placedAt, CancellationToken cancellationToken) =>
        WaitForEndAsync(watch, placedAt, null, cancellationToken);

    /// <summary>
    /// <see cref="WaitForEndAsync(WatchedCall, DateTimeOffset?, CancellationToken)"/> with its own first-poll delay
    /// (null: <c>FirstPollSeconds</c>); records first, a call is first polled only when no record has ended its
    /// watch by then.
    /// </summary>
    public Task<CallStatus> WaitForEndAsync(WatchedCall watch, DateTimeOffset? placedAt, TimeSpan? firstPoll, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(watch);
        var entry = new Watched(watch, firstPoll ?? options.Scaled(options.FirstPollSeconds), cancellationToken) { LastNews = time.GetUtcNow() };
        watch.Entry = entry;
        CampaignMetrics.Watching(entry.Done.Task);
        if (ledger is not null)
        {
            entry.Ledger = ledger.Hold(watch.CallId);
            _ = EndByLedgerAsync(entry, entry.Ledger);
        }

        Enqueue(entry, FirstPollAt(time.GetUtcNow(), entry.Interval, placedAt));
        EnsurePump();
        return entry.Done.Task;
    }

    /// <summary>
    /// When a call placed at <paramref name="placedAt"/> (null: now) is first polled: <paramref name="firstPoll"/>
    /// after it was placed, but not before <paramref name="now"/> nor later than <paramref name="firstPoll"/> from it.
    /// </summary>
    internal static DateTimeOffset FirstPollAt(DateTimeOffset now, TimeSpan firstPoll, DateTimeOffset? placedAt)
    {
        var due = (placedAt ?? now) + firstPoll;
        return due < now ? now : due > now + firstPoll ? now + firstPoll : due;
    }

    /// <summary>
    /// Stops watching <paramref name="watch"/> (its record came: the call has ended). Its wait ends as cancelled now;
    /// its place in the queue is dropped when the pump reaches it, unpolled.
    /// </summary>
    public void Stop(WatchedCall watch)
    {
        ArgumentNullException.ThrowIfNull(watch);
        if (watch.Entry?.Done.TrySetCanceled() == true)
        {
            Interlocked.Increment(ref endedByRecord);
        }
    }

    private long endedByRecord;

    /// <summary>Watches ended by the call's record (records first), the call unpolled since (for figures and tests).</summary>
    public long EndedByRecord => Interlocked.Read(ref endedByRecord);

    /// <summary>Polls <paramref name="watch"/> as soon as the budget allows (after a hang-up, say).</summary>
    public void PollSoon(WatchedCall watch)
    {
        ArgumentNullException.ThrowIfNull(watch);
        if (watch.Entry is { Polling: false } entry)
        {
            entry.Urgent = true; // asked for (after a hang-up): not put off for want of news
            Enqueue(entry, time.GetUtcNow());
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        stopping.Cancel();
        stopping.Dispose();
        polls.Dispose();
    }

    /// <summary>When the pump last went round (it goes round every 20 ms at most when idle).</summary>
    public LoopPulse Pulse { get; }

    private void Enqueue(Watched entry, DateTimeOffset at)
    {
        lock (gate)
        {
            // Re-queuing supersedes the entry's earlier place in the queue (see PumpAsync).
            entry.Version++;
            due.Enqueue((entry, entry.Version), at);
        }
    }

    private void EnsurePump()
    {
        lock (gate)
        {
            // Not the first caller's execution context: its log scopes (campaign, attempt) are not the pump's.
            using (ExecutionContext.SuppressFlow())
            {
                pump ??= Task.Run(() => GuardedLoop.RunAsync(LoopName, PumpAsync, logger, time, stopping.Token));
            }
        }
    }

    private async Task PumpAsync(CancellationToken token)
    {
        while (!token.IsCancellationRequested)
        {
            OnPumpTurn?.Invoke();
            Pulse.Turn();
            Watched? next = null;
            lock (gate)
            {
                while (due.TryPeek(out var item, out var dueAt))
                {
                    if (item.Version != item.Entry.Version || item.Entry.Done.Task.IsCompleted)
                    {
                        due.Dequeue(); // superseded by a later Enqueue, or already finished
                        continue;
                    }

                    if (dueAt > time.GetUtcNow() && !item.Entry.Cancel.IsCancellationRequested)
                    {
                        break;
                    }

                    // A campaign at its own get_call_info cap does not hold up the others' polls: its call
                    // waits (in the queue, by due time) until the cap lets one more through.
                    var capWait = item.Entry.Cancel.IsCancellationRequested ? TimeSpan.Zero : budget.CapWait(BudgetedApi.CallInfo, item.Entry.Call.Budget);
                    if (capWait > TimeSpan.Zero)
                    {
                        // The more overdue, the earlier among the campaign's calls (a tie would leave the order to chance).
                        var now = time.GetUtcNow();
                        var earlier = TimeSpan.FromTicks(Math.Min((now - dueAt).Ticks / 1000, capWait.Ticks / 2));
                        due.Dequeue();
                        item.Entry.Version++;
                        due.Enqueue((item.Entry, item.Entry.Version), now + capWait - earlier);
                        continue;
                    }

                    next = due.Dequeue().Entry;
                    next.Polling = true;
                    break;
                }
            }

            if (next is null)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(20), time, token).ConfigureAwait(false);
                continue;
            }

            if (next.Cancel.IsCancellationRequested)
            {
                next.Done.TrySetCanceled(next.Cancel);
                next.Polling = false;
                continue;
            }

            if (PutOff(next))
            {
                continue;
            }

            try
            {
                await budget.AcquireAsync(BudgetedApi.CallInfo, next.Call.Budget, token).ConfigureAwait(false);
                await polls.WaitAsync(token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch
            {
                // Out of the queue but not polled: back in, due now, before the guard restarts the pump.
                next.Polling = false;
                Enqueue(next, time.GetUtcNow());
                throw;
            }

            _ = PollAsync(next);
        }
    }

    private async Task PollAsync(Watched entry)
    {
        using var scope = LogScopes.Call(logger, entry.Call.CallId);
        try
        {
            var status = await client.GetCallInfoAsync(entry.Call.CallId, entry.Cancel).ConfigureAwait(false);
            entry.Call.Polls++;
            if (status.HasEnded)
            {
                entry.Done.TrySetResult(status);
                return;
            }

            entry.Call.LastStatus = status;
            entry.LastNews = time.GetUtcNow();
            entry.Interval = Grown(entry.Interval);
            Enqueue(entry, time.GetUtcNow() + entry.Interval);
        }
        catch (OperationCanceledException) when (entry.Cancel.IsCancellationRequested)
        {
            entry.Done.TrySetCanceled(entry.Cancel);
        }
        catch (TencentCallException e) when (e.Kind is TencentErrorKind.Auth or TencentErrorKind.Invalid)
        {
            entry.Done.TrySetException(e);
        }
        catch (Exception e) when (e is TencentCallException or HttpRequestException or OperationCanceledException)
        {
            // 101001, a rate limit, a timeout: the call goes on regardless; look again a little later.
            LogPollFailed(entry.Call.CallId, e.Message);
            Enqueue(entry, time.GetUtcNow() + options.Scaled(options.FirstPollSeconds));
        }
#pragma warning disable CA1031 // the watch loop must survive: a call is never dropped
        catch (Exception e)
#pragma warning restore CA1031
        {
            // Not a fault of the vendor's that the catches above know: never lose the call (its batch would wait
            // for it forever); say so loudly, and look again later.
            LogPollError(entry.Call.CallId, Redaction.Redact(e.ToString()));
            Enqueue(entry, time.GetUtcNow() + options.Scaled(options.FirstPollSeconds));
        }
        finally
        {
            entry.Polling = false;
            polls.Release();
        }
    }

    // With callbacks: a poll of the schedule falls due while the call is not silent. It is skipped (counted as
    // avoided, and the schedule goes on as if it had been made) and the call is queued again for the schedule's
    // next poll or the end of its quiet, whichever comes first; true when put off. While no callback reaches the
    // ledger for any of this worker's calls (the vendor never told where to post, the receiver unreachable), a call
    // the ledger has heard nothing of is polled as without callbacks: a receiver nobody posts to costs nothing.
    private bool PutOff(Watched entry)
    {
        if (entry.Ledger is not { } view || entry.Urgent || (view.HeardAt is null && !ledger!.Flowing))
        {
            entry.Urgent = false;
            return false;
        }

        var now = time.GetUtcNow();
        var quiet = view.QuietUntil(entry.LastNews, entry.Call.Robot, ledger!.Silence, ledger.EndGrace);
        if (quiet <= now)
        {
            return false;
        }

        Campaigns.Callbacks.CallbackMetrics.AvoidedPolls(1, "get_call_info");
        Interlocked.Increment(ref avoided);
        entry.Interval = Grown(entry.Interval);
        entry.Polling = false;
        Enqueue(entry, now + entry.Interval < quiet ? now + entry.Interval : quiet);
        return true;
    }

    // The call's end reached the ledger: it ends now, whatever its place in the queue. The view is given back when
    // the watch ends, however it ends.
    private async Task EndByLedgerAsync(Watched entry, CallLedgerView view)
    {
        try
        {
            await Task.WhenAny(view.Ended, entry.Done.Task).ConfigureAwait(false);
            if (view.Ended.IsCompleted && entry.Done.TrySetResult(CallStatus.Ended(entry.Call.CallId)))
            {
                Campaigns.Callbacks.CallbackMetrics.AvoidedPolls(1, "get_call_info"); // the poll that would have found it ended
                Interlocked.Increment(ref avoided);
                entry.Call.EndedByCallback = true;
            }
        }
        finally
        {
            ledger!.Release(view);
        }
    }

    private long avoided;

    /// <summary>Polls skipped because the callback ledger had news of the call (for figures and tests).</summary>
    public long PollsAvoided => Interlocked.Read(ref avoided);

    private TimeSpan Grown(TimeSpan interval) =>
        TimeSpan.FromTicks(Math.Min((long)(interval.Ticks * 1.5), options.Scaled(options.MaxPollIntervalSeconds).Ticks));

    [LoggerMessage(Level = LogLevel.Debug, Message = "get_call_info {CallId} failed, retrying later: {Reason}")]
    private partial void LogPollFailed(string callId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "get_call_info {CallId} failed unexpectedly, retrying later: {Error}")]
    private partial void LogPollError(string callId, string error);

    internal sealed class Watched(WatchedCall call, TimeSpan interval, CancellationToken cancel)
    {
        public int Version { get; set; }

        public bool Polling { get; set; }

        public WatchedCall Call { get; } = call;

        public TimeSpan Interval { get; set; } = interval;

        // With callbacks: the view of the call in the ledger, the last time it was seen live (watch start or a
        // poll), and whether the next poll was asked for (PollSoon) and so goes regardless of news.
        public CallLedgerView? Ledger { get; set; }

        public DateTimeOffset LastNews { get; set; }

        public bool Urgent { get; set; }

        public CancellationToken Cancel { get; } = cancel;

        public TaskCompletionSource<CallStatus> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

/// <summary>A call being watched, and what the watcher last saw of it.</summary>
public sealed class WatchedCall(string callId)
{
    /// <summary>The call.</summary>
    public string CallId { get; } = callId;

    /// <summary>The last live status (null before the first poll).</summary>
    public CallStatus? LastStatus { get; set; }

    /// <summary>The robot placing the call (not a callee in the live status).</summary>
    public string? Robot { get; init; }

    /// <summary>The campaign's own caps (its <c>budgets.getCallInfo</c>), if any.</summary>
    public CampaignBudget? Budget { get; init; }

    /// <summary>Polls spent on the call.</summary>
    public int Polls { get; set; }

    /// <summary>Whether its end came from the callback ledger rather than a poll.</summary>
    public bool EndedByCallback { get; set; }

    internal CallWatcher.Watched? Entry { get; set; }
}
