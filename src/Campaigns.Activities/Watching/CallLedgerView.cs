using Campaigns.Storage.Model;
using Campaigns.TencentCall.Http;
using Campaigns.TencentCall.Models;

namespace Campaigns.Activities.Watching;

/// <summary>
/// What this worker has read of one call's callbacks in the ledger (<see cref="CallLedgerFeed"/>): whether its end
/// came, with a record good enough to decide the outcome, when the feed last saw a new event of it, and each
/// member's latest state. Events are folded as the store folds them (the earliest end; a member's latest event by
/// time, then by <see cref="CallEventOrder"/>), so reading a row twice, or in any order, changes nothing.
/// </summary>
public sealed class CallLedgerView
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, (long Time, int Rank)> members = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<CallRecord> recorded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private DateTimeOffset? newestReceived;
    private DateTimeOffset? heardAt;

    internal CallLedgerView(string callId) => CallId = callId;

    /// <summary>The call.</summary>
    public string CallId { get; }

    /// <summary>Completes when the call's end is in the ledger (the watcher stops polling it).</summary>
    public Task Ended => ended.Task;

    /// <summary>Completes with the end's CallRecord once the ledger holds one complete enough for an outcome; never otherwise.</summary>
    public Task<CallRecord> Record => recorded.Task;

    /// <summary>When (this worker's clock) the feed last saw an event of the call it had not seen; null before the first.</summary>
    public DateTimeOffset? HeardAt
    {
        get
        {
            lock (gate)
            {
                return heardAt;
            }
        }
    }

    // Readers holding the view (the watcher, the record finder); 0 with ReleasedAt set: kept a while, then dropped.
    internal int Holders { get; set; }

    internal DateTimeOffset? ReleasedAt { get; set; }

    // Not read in full yet: the next round reads all its events, whenever they were received.
    internal bool Fresh { get; set; } = true;

    /// <summary>
    /// When the watcher may poll the call without news of it: <paramref name="silence"/> after the latest news (an
    /// event, or <paramref name="lastNews"/>: the watch's start or its last poll), or <paramref name="endGrace"/> after
    /// the feed saw every member but <paramref name="robot"/> leave without an end (the end's callback was lost or
    /// overtaken: a poll settles it early).
    /// </summary>
    public DateTimeOffset QuietUntil(DateTimeOffset lastNews, string? robot, TimeSpan silence, TimeSpan endGrace)
    {
        lock (gate)
        {
            var news = heardAt is { } h && h > lastNews ? h : lastNews;
            var quiet = news + silence;
            var callees = members.Where(m => !string.Equals(m.Key, robot, StringComparison.Ordinal)).ToList();
            if (callees.Count > 0 && callees.All(m => m.Value.Rank == 2) && heardAt is { } left && left + endGrace < quiet)
            {
                quiet = left + endGrace;
            }

            return quiet;
        }
    }

    // True when the row was news (received after every row read before).
    internal bool Apply(CallEventSeen row, DateTimeOffset now)
    {
        lock (gate)
        {
            var news = newestReceived is null || row.ReceivedAt > newestReceived;
            if (news)
            {
                // Arrival times come from the receiving worker's clock: only whether they grew is used, never their value.
                newestReceived = row.ReceivedAt;
                heardAt = now;
            }

            if (row.Command == CallEventOrder.EndCommand)
            {
                ApplyEnd(row);
            }
            else if (row.Member.Length > 0)
            {
                var state = (row.EventTime, CallEventOrder.Rank(row.Action));
                if (!members.TryGetValue(row.Member, out var held) || state.CompareTo(held) > 0)
                {
                    members[row.Member] = state;
                }
            }

            return news;
        }
    }

    // Under the lock. The first usable record of an end decides (a duplicate end carries the same record).
    private void ApplyEnd(CallEventSeen row)
    {
        ended.TrySetResult();
        if (!recorded.Task.IsCompleted && CallbackRecords.TryRead(row.CallRecord, CallId) is { } record)
        {
            recorded.TrySetResult(record);
        }
    }
}
