using Campaigns.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Campaigns.Activities.Watching;

/// <summary>
/// Reads the callback ledger for the calls this worker watches or awaits records of, so that a call whose end came
/// by callback is not polled again and its record is taken from the callback. The worker that receives a call's
/// callbacks need not be the one watching it (a fleet shares the store), so nothing is signalled per event: one loop
/// (<c>call_ledger</c>, a <see cref="GuardedLoop"/>) reads, every <see cref="Tick"/>, the events of the calls it holds
/// that arrived since its last read (a call new to it: all its events, however old). One query per 500 calls, an
/// index probe each on the ledger's key, whatever the fleet's total traffic: a few thousand live calls on a worker
/// cost a few small queries a second. Off (<see cref="Enabled"/> false, the default with <c>Callbacks:Enabled</c>
/// false) it holds nothing and never reads: the watcher and the record finder poll exactly as without callbacks.
/// When the store fails, the loop is restarted and meanwhile calls are polled once their silence runs out.
/// </summary>
public sealed class CallLedgerFeed : IDisposable
{
    /// <summary>How often the ledger is read (real time: callbacks arrive in real time whatever the time scale).</summary>
    public static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(250);

    // Rows received this long before the last read are read again: a receiver on another worker whose clock is
    // behind, or whose write committed after a later one. Reading a row twice changes nothing (CallLedgerView).
    private static readonly TimeSpan Overlap = TimeSpan.FromSeconds(5);

    // A view no one holds is kept this long: the record finder takes the call over from the watcher right after.
    private static readonly TimeSpan Linger = TimeSpan.FromSeconds(30);

    private const int CallsPerQuery = 500;

    private readonly IOutcomeStore store;
    private readonly TimeProvider time;
    private readonly ILogger<CallLedgerFeed> logger;
    private readonly Dictionary<string, CallLedgerView> views = new(StringComparer.Ordinal);
    private readonly Lock gate = new();
    private readonly CancellationTokenSource stopping = new();
    private DateTimeOffset? lastRead;
    private Task? loop;

    /// <summary>Creates the feed; its loop starts with the first call held.</summary>
    public CallLedgerFeed(IOutcomeStore store, IOptions<CampaignWorkerOptions> options, TimeProvider time, ILogger<CallLedgerFeed> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        var watch = options.Value.Watch;
        this.store = store;
        this.time = time;
        this.logger = logger;
        Enabled = watch.UseCallbacks == true;
        Silence = watch.Scaled(watch.CallbackSilenceSeconds);
        EndGrace = watch.Scaled(WatchOptions.CallbackEndGraceSeconds);
        Pulse = new LoopPulse(time);
    }

    /// <summary>The loop's name in logs and in <c>campaigns.loops.restarts</c>.</summary>
    internal const string LoopName = "call_ledger";

    /// <summary>Whether the ledger is read at all (<c>Campaigns:Watch:UseCallbacks</c>).</summary>
    public bool Enabled { get; }

    /// <summary>How long a call may go without news before it is polled (<c>Campaigns:Watch:CallbackSilenceSeconds</c>, scaled).</summary>
    public TimeSpan Silence { get; }

    /// <summary>How long after its last member left a call whose end did not come is polled.</summary>
    public TimeSpan EndGrace { get; }

    /// <summary>
    /// Whether callbacks are reaching the ledger for this worker's calls: the feed saw a new event of any of them
    /// within the silence bound. Null-safe for a worker that has seen none (the vendor not told where to post).
    /// </summary>
    public bool Flowing
    {
        get
        {
            var last = Interlocked.Read(ref lastHeardTicks);
            return last > 0 && time.GetUtcNow().UtcTicks - last <= Silence.Ticks;
        }
    }

    private long lastHeardTicks;

    /// <summary>When the loop last went round.</summary>
    public LoopPulse Pulse { get; }

    /// <summary>Calls held (for tests and figures).</summary>
    public int Count
    {
        get
        {
            lock (gate)
            {
                return views.Count;
            }
        }
    }

    /// <summary>The view of <paramref name="callId"/>, read from the next round on; give it back with <see cref="Release"/>.</summary>
    public CallLedgerView Hold(string callId)
    {
        ArgumentException.ThrowIfNullOrEmpty(callId);
        if (!Enabled)
        {
            throw new InvalidOperationException("The callback ledger is not read on this worker (Campaigns:Watch:UseCallbacks).");
        }

        lock (gate)
        {
            if (!views.TryGetValue(callId, out var view))
            {
                view = new CallLedgerView(callId);
                views[callId] = view;
            }

            view.Holders++;
            view.ReleasedAt = null;

            // Not the first caller's execution context: its log scopes (campaign, attempt) are not the loop's.
            using (ExecutionContext.SuppressFlow())
            {
                loop ??= Task.Run(() => GuardedLoop.RunAsync(LoopName, RunAsync, logger, time, stopping.Token));
            }

            return view;
        }
    }

    /// <summary>Gives back a view from <see cref="Hold"/>.</summary>
    public void Release(CallLedgerView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        lock (gate)
        {
            if (--view.Holders == 0)
            {
                view.ReleasedAt = time.GetUtcNow();
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        stopping.Cancel();
        stopping.Dispose();
    }

    private async Task RunAsync(CancellationToken token)
    {
        while (!token.IsCancellationRequested)
        {
            Pulse.Turn();
            await Task.Delay(Tick, time, token).ConfigureAwait(false);
            await RoundAsync(token).ConfigureAwait(false);
        }
    }

    /// <summary>One read of the ledger (the loop's body; tests call it directly).</summary>
    internal async Task RoundAsync(CancellationToken token)
    {
        var now = time.GetUtcNow();
        List<CallLedgerView> fresh, known;
        lock (gate)
        {
            foreach (var gone in views.Values.Where(v => v.ReleasedAt is { } at && now - at > Linger).ToList())
            {
                views.Remove(gone.CallId);
            }

            // A call whose end and record are in hand needs nothing more from the ledger.
            var live = views.Values.Where(v => !(v.Ended.IsCompleted && v.Record.IsCompleted)).ToList();
            fresh = [.. live.Where(v => v.Fresh)];
            known = [.. live.Where(v => !v.Fresh)];
        }

        await ReadAsync(fresh, null, now, token).ConfigureAwait(false);
        foreach (var view in fresh)
        {
            view.Fresh = false;
        }

        await ReadAsync(known, lastRead - Overlap, now, token).ConfigureAwait(false);
        lastRead = now; // only once every call was read: a failed round is read again from the same point
    }

    private async Task ReadAsync(List<CallLedgerView> calls, DateTimeOffset? since, DateTimeOffset now, CancellationToken token)
    {
        for (var i = 0; i < calls.Count; i += CallsPerQuery)
        {
            var chunk = calls.GetRange(i, Math.Min(CallsPerQuery, calls.Count - i));
            var rows = await store.ReadCallEventsAsync([.. chunk.Select(v => v.CallId)], since, token).ConfigureAwait(false);
            var byId = chunk.ToDictionary(v => v.CallId, StringComparer.Ordinal);
            foreach (var row in rows)
            {
                if (byId.TryGetValue(row.CallId, out var view) && view.Apply(row, now))
                {
                    Interlocked.Exchange(ref lastHeardTicks, now.UtcTicks);
                }
            }
        }
    }
}
