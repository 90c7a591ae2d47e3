using Campaigns.Storage.Model;
using Dapper;

namespace Campaigns.Storage.Sql;

/// <content>The ledger of the vendor's call callbacks: insert-or-ignore on the natural key, read back in event order.</content>
internal abstract partial class SqlOutcomeStore
{
    public Task<CallEventsAppended> AppendCallEventsAsync(IReadOnlyList<CallEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        var rows = events
            .OrderBy(e => e.CallId, StringComparer.Ordinal)
            .ThenBy(e => e.Command, StringComparer.Ordinal)
            .ThenBy(e => e.EventTimeMs)
            .ThenBy(e => e.Member, StringComparer.Ordinal)
            .ToList();
        if (rows.Count == 0)
        {
            return Task.FromResult(new CallEventsAppended(0, 0, 0));
        }

        return InTransactionAsync(
            Access.Write,
            async (conn, tx, ct) =>
            {
                int added = 0, outOfOrder = 0;
                var now = Time.GetUtcNow();
                var latest = new Dictionary<string, long?>(StringComparer.Ordinal);
                foreach (var e in rows)
                {
                    if (!latest.TryGetValue(e.CallId, out var before))
                    {
                        before = await conn.ExecuteScalarAsync<long?>(Cmd(
                            "SELECT max(event_time) FROM call_events WHERE call_id = @CallId", new { e.CallId }, tx, ct)).ConfigureAwait(false);
                        latest[e.CallId] = before;
                    }

                    var inserted = await conn.ExecuteAsync(Cmd(
                        """
                        INSERT INTO call_events (call_id, command, event_time, member, action, call_record, body, received_at)
                        VALUES (@CallId, @Command, @EventTimeMs, @Member, @Action, @CallRecordJson, @Body, @now)
                        ON CONFLICT (call_id, command, event_time, member, action) DO NOTHING
                        """,
                        new { e.CallId, e.Command, e.EventTimeMs, e.Member, e.Action, e.CallRecordJson, e.Body, now },
                        tx,
                        ct)).ConfigureAwait(false);
                    added += inserted;
                    outOfOrder += inserted > 0 && before > e.EventTimeMs ? 1 : 0;
                }

                return new CallEventsAppended(added, rows.Count - added, outOfOrder);
            },
            cancellationToken);
    }

    public Task<IReadOnlyDictionary<string, CallLedgerState>> GetCallEndsAsync(
        IReadOnlyCollection<string> callIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(callIds);
        var wanted = callIds.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (wanted.Count == 0)
        {
            return Task.FromResult<IReadOnlyDictionary<string, CallLedgerState>>(new Dictionary<string, CallLedgerState>(StringComparer.Ordinal));
        }

        return InTransactionAsync<IReadOnlyDictionary<string, CallLedgerState>>(
            Access.Read,
            async (conn, tx, ct) =>
            {
                var parameters = new DynamicParameters();
                var found = await conn.QueryAsync<LedgerRow>(Cmd(
                    $"""
                    SELECT call_id, command, event_time, member, action, call_record FROM call_events
                    WHERE {In("call_id", parameters, "callIds", wanted)}
                    """,
                    parameters,
                    tx,
                    ct)).ConfigureAwait(false);
                return found.GroupBy(r => r.CallId, StringComparer.Ordinal).ToDictionary(g => g.Key, Fold, StringComparer.Ordinal);
            },
            cancellationToken);
    }

    public Task<IReadOnlyList<CallEventSeen>> ReadCallEventsAsync(
        IReadOnlyCollection<string> callIds, DateTimeOffset? receivedSince, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(callIds);
        var wanted = callIds.Distinct(StringComparer.Ordinal).ToList();
        if (wanted.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<CallEventSeen>>([]);
        }

        return InTransactionAsync<IReadOnlyList<CallEventSeen>>(
            Access.Read,
            async (conn, tx, ct) =>
            {
                // The primary key leads with call_id: one index probe per call, then the arrival filter on its few rows.
                var parameters = new DynamicParameters();
                parameters.Add("receivedSince", receivedSince ?? DateTimeOffset.UnixEpoch);
                var found = await conn.QueryAsync<CallEventSeen>(Cmd(
                    $"""
                    SELECT call_id, command, event_time, member, action, call_record, received_at FROM call_events
                    WHERE {In("call_id", parameters, "callIds", wanted)} AND received_at >= @receivedSince
                    """,
                    parameters,
                    tx,
                    ct)).ConfigureAwait(false);
                return found.AsList();
            },
            cancellationToken);
    }

    public Task<int> PruneCallEventsAsync(DateTimeOffset receivedBefore, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        return InTransactionAsync(
            Access.OneBatch,
            (conn, tx, ct) => conn.ExecuteAsync(Cmd(
                """
                DELETE FROM call_events WHERE (call_id, command, event_time, member, action) IN (
                    SELECT call_id, command, event_time, member, action FROM call_events
                    WHERE received_at < @receivedBefore ORDER BY received_at LIMIT @limit)
                """,
                new { receivedBefore, limit },
                tx,
                ct)),
            cancellationToken);
    }

    // The end is the earliest end event, whenever it arrived; a member's state is its latest event by time, then rank.
    private static CallLedgerState Fold(IGrouping<string, LedgerRow> events)
    {
        var end = events.Where(e => e.Command == CallEventOrder.EndCommand).MinBy(e => e.EventTime);
        var members = events
            .Where(e => e.Member.Length > 0)
            .GroupBy(e => e.Member, StringComparer.Ordinal)
            .Select(g => g.OrderByDescending(e => e.EventTime).ThenByDescending(e => CallEventOrder.Rank(e.Action)).ThenBy(e => e.Action, StringComparer.Ordinal).First())
            .ToDictionary(e => e.Member, e => new MemberState(e.Member, e.Action, e.EventTime), StringComparer.Ordinal);
        return new CallLedgerState
        {
            CallId = events.Key,
            Ended = end is not null,
            EndedAtMs = end?.EventTime,
            CallRecordJson = end?.CallRecord,
            Started = events.Any(e => e.Command == CallEventOrder.StartCommand),
            Members = members,
        };
    }

    private sealed record LedgerRow(string CallId, string Command, long EventTime, string Member, string Action, string? CallRecord);
}
