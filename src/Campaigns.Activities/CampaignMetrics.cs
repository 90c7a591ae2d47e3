using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Campaigns.Activities.Budget;

namespace Campaigns.Activities;

/// <summary>
/// The product's own metrics (meter <c>Campaigns</c>, exported by the worker: docs/operations.md, Metrics).
/// Counted by this worker; a fleet's figure is the sum over its workers. Tags are bounded sets (API names,
/// results), never a campaign, callee or call id: those belong in logs.
/// </summary>
public static class CampaignMetrics
{
    /// <summary>The meter's name, for an exporter's <c>AddMeter</c>.</summary>
    public const string MeterName = "Campaigns";

    private static readonly Meter Meter = new(MeterName);

    // Bucket bounds for waits in seconds (the exporters' defaults suit milliseconds).
    private static readonly InstrumentAdvice<double> SecondsBuckets = new()
    {
        HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    };

    // Budgets alive in this process (one per worker host), for the limit gauge.
    private static readonly ConcurrentDictionary<ApiBudget, byte> Budgets = new();

    private static readonly Counter<long> Placed = Meter.CreateCounter<long>(
        "campaigns.calls.placed", "{call}", "calls placed: start_call_by_robot answered with a CallId");

    private static readonly Counter<long> Finished = Meter.CreateCounter<long>(
        "campaigns.outcomes", "{target}", "targets a batch finished, by result (NormalEnd, NotAnswer, …, NotPlaced, Skipped, Unresolved, Cancelled, Capped, Deferred)");

    private static readonly Counter<long> Lost = Meter.CreateCounter<long>(
        "campaigns.attempts.start_lost", "{attempt}", "starts whose answer was lost (timeout, reset, 5xx after sending): reconciled by RoomId, never redialed");

    private static readonly Counter<long> StaleClaims = Meter.CreateCounter<long>(
        "campaigns.attempts.stale_claims", "{attempt}", "starts not sent because their claim was older than the stale-start fence (a stalled execution): given back, never sent late");

    private static readonly Counter<long> HeartbeatsWithheld = Meter.CreateCounter<long>(
        "campaigns.batches.heartbeats_withheld", "{heartbeat}", "batch heartbeats not sent because the call watcher's or the record harvester's loop has not gone round for a minute");

    private static readonly Counter<long> UnresolvedAttempts = Meter.CreateCounter<long>(
        "campaigns.attempts.unresolved", "{attempt}", "attempts whose lost start was not found in the records within the reconcile window");

    private static readonly UpDownCounter<long> Reconciling = Meter.CreateUpDownCounter<long>(
        "campaigns.attempts.reconciling", "{attempt}", "attempts being looked for in the records right now (start answer lost)");

    private static readonly UpDownCounter<long> Watched = Meter.CreateUpDownCounter<long>(
        "campaigns.calls.watched", "{call}", "calls this worker is watching with get_call_info right now");

    private static readonly Counter<long> BudgetRequests = Meter.CreateCounter<long>(
        "campaigns.budget.requests", "{request}", "requests let through the worker's per-API budget, by API");

    private static readonly Histogram<double> BudgetWait = Meter.CreateHistogram<double>(
        "campaigns.budget.wait", "s", "time a request waited for the worker's per-API budget, by API", tags: null, advice: SecondsBuckets);

    private static readonly Counter<long> LoopRestarts = Meter.CreateCounter<long>(
        "campaigns.loops.restarts", "{restart}", "a worker's long-lived loop (call_watcher, fleet_membership, …) failed and was restarted after a back-off, by loop");

    static CampaignMetrics() =>
        Meter.CreateObservableGauge(
            "campaigns.budget.limit",
            ObserveLimits,
            "{request}/s",
            "requests per second this worker lets through right now, by API (the vendor's limit × Headroom ÷ live fleet members, or ÷ Workers when fixed; 0 while its gates are closed)");

    /// <summary>The budget's API as a tag value.</summary>
    public static string NameOf(BudgetedApi api) => api switch
    {
        BudgetedApi.StartCall => "start_call_by_robot",
        BudgetedApi.CallInfo => "get_call_info",
        BudgetedApi.EndCall => "end_call",
        _ => "records",
    };

    /// <summary>A start placed a call.</summary>
    public static void CallPlaced() => Placed.Add(1);

    /// <summary>A batch finished a target with <paramref name="result"/>.</summary>
    public static void Outcome(string result) => Finished.Add(1, new KeyValuePair<string, object?>("result", result));

    /// <summary>A start's answer was lost.</summary>
    public static void StartLost() => Lost.Add(1);

    /// <summary>A batch heartbeat not sent: a loop the batch waits on has stalled.</summary>
    public static void HeartbeatWithheld() => HeartbeatsWithheld.Add(1);

    /// <summary>A start not sent because its claim had grown too old (the stale-start fence).</summary>
    public static void StaleClaim() => StaleClaims.Add(1);

    /// <summary>A lost start was not found: the attempt stays Unresolved.</summary>
    public static void Unresolved() => UnresolvedAttempts.Add(1);

    /// <summary>An attempt is being reconciled until the returned handle is disposed.</summary>
    public static IDisposable ReconcileStarted()
    {
        Reconciling.Add(1);
        return new Decrement(Reconciling);
    }

    /// <summary>A call is watched until <paramref name="ended"/> completes.</summary>
    public static void Watching(Task ended)
    {
        ArgumentNullException.ThrowIfNull(ended);
        Watched.Add(1);
        _ = ended.ContinueWith(static _ => Watched.Add(-1), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>The long-lived loop <paramref name="loop"/> (a fixed name) failed and is restarted (<see cref="GuardedLoop"/>).</summary>
    public static void LoopRestarted(string loop) => LoopRestarts.Add(1, new KeyValuePair<string, object?>("loop", loop));

    /// <summary>A timestamp for <see cref="BudgetPassed"/>.</summary>
    public static long Now() => Stopwatch.GetTimestamp();

    /// <summary>A request of <paramref name="api"/> passed the budget after waiting since <paramref name="since"/>.</summary>
    public static void BudgetPassed(BudgetedApi api, long since)
    {
        var tag = new KeyValuePair<string, object?>("api", NameOf(api));
        BudgetRequests.Add(1, tag);
        BudgetWait.Record(Stopwatch.GetElapsedTime(since).TotalSeconds, tag);
    }

    /// <summary>Reports <paramref name="budget"/>'s limits until <see cref="Forget"/>.</summary>
    public static void Observe(ApiBudget budget) => Budgets[budget] = 0;

    /// <summary>Stops reporting <paramref name="budget"/> (disposed).</summary>
    public static void Forget(ApiBudget budget) => Budgets.TryRemove(budget, out _);

    private static IEnumerable<Measurement<int>> ObserveLimits() =>
        Enum.GetValues<BudgetedApi>().Select(api => new Measurement<int>(
            Budgets.Keys.Sum(b => b.LimitOf(api)), new KeyValuePair<string, object?>("api", NameOf(api))));

    private sealed class Decrement(UpDownCounter<long> counter) : IDisposable
    {
        private int done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref done, 1) == 0)
            {
                counter.Add(-1);
            }
        }
    }
}
