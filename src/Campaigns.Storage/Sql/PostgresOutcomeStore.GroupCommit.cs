using Campaigns.Storage.Model;
using Dapper;

namespace Campaigns.Storage.Sql;

/// <content>
/// Group commit on PostgreSQL: a batch of claims, dialed marks or settles is one statement (one round trip,
/// atomic without BEGIN) over the members' rows passed as one jsonb document, so PostgreSQL keeps one plan
/// whatever the batch's size. It moves only what each member's own statement would move (the same guards, per
/// row); a member whose row did not move gets null and runs alone, which gives it the one-call answer (refused,
/// repeat, or an error naming its attempt). Each row is reached by its primary key from the staged row (a
/// sub-select per row, never a join the planner could turn into a scan of the table when its statistics lag),
/// and locked in the staged rows' order, which is key order, so batches of two workers do not deadlock.
/// The lock is the guard: it takes only a row in an allowed state (re-checked on the newest version when a
/// racing writer got there first) and holds it there until the statement ends, so the UPDATE moves exactly the
/// rows locked. The UPDATE does not test the state again: given it, PostgreSQL read the whole partial index of
/// open attempts (call_attempts_open) to intersect it with the keys.
/// </content>
internal sealed partial class PostgresOutcomeStore
{
    private static readonly string MovedColumns = string.Join(", ", AttemptColumns.Split(',').Select(c => "a." + c.Trim()));

    // A claim under contact caps locks and counts in a transaction of its own: it runs alone (null here).
    protected override Task<IReadOnlyList<DialClaim?>> ClaimTogetherAsync(IReadOnlyList<ClaimCall> calls, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(calls);
        var plain = calls.Where(c => c.Caps is not { Count: > 0 }).ToList();
        if (plain.Count < calls.Count)
        {
            return plain.Count == 0
                ? Task.FromResult<IReadOnlyList<DialClaim?>>([.. calls.Select(_ => (DialClaim?)null)])
                : TogetherAsync(plain, calls, cancellationToken);
        }

        return InTransactionAsync<IReadOnlyList<DialClaim?>>(
            Access.OneBatch,
            async (conn, tx, ct) =>
            {
                var parameters = new DynamicParameters(new
                {
                    now = Time.GetUtcNow(),
                    dialing = Names.Of(AttemptState.Dialing),
                    intended = Names.Of(AttemptState.Intended),
                });
                var staged = Rows(
                    "s",
                    parameters,
                    planOnce: true,
                    new RowColumn("attempt_key", "text", calls.Select(c => c.Key).ToArray()),
                    new RowColumn("claim_token", "text", calls.Select(c => c.Token).ToArray()));
                // The claims' callees are recorded by the same statement (as WithContactLog does for one claim).
                var moved = (await conn.QueryAsync<CallAttempt>(Cmd(
                    $"""
                    WITH s AS MATERIALIZED (
                        SELECT s.attempt_key, s.claim_token FROM {staged}
                    ), locked AS MATERIALIZED (
                        SELECT (SELECT l.attempt_key FROM call_attempts l WHERE l.attempt_key = s.attempt_key AND l.state = @intended FOR UPDATE) AS attempt_key
                        FROM s
                    ), moved AS (
                        UPDATE call_attempts a SET state = @dialing, claim_token = (SELECT s.claim_token FROM s WHERE s.attempt_key = a.attempt_key),
                            claimed_at = @now, updated_at = @now
                        WHERE a.attempt_key = ANY(ARRAY(SELECT attempt_key FROM locked))
                        RETURNING {MovedColumns}
                    ), logged AS (
                        INSERT INTO callee_contacts (callee, attempt_key, contacted_at)
                        SELECT DISTINCT c.value, m.attempt_key, m.claimed_at
                        FROM moved m JOIN targets t ON t.campaign_id = m.campaign_id AND t.seq = m.target_seq, {CalleesOf("t.callees")}
                        ON CONFLICT (callee, attempt_key) DO UPDATE SET contacted_at = excluded.contacted_at
                    )
                    SELECT * FROM moved
                    """,
                    parameters,
                    tx,
                    ct)).ConfigureAwait(false)).ToDictionary(a => a.AttemptKey, StringComparer.Ordinal);
                return [.. calls.Select(c => moved.TryGetValue(c.Key, out var a) ? new DialClaim(true, a) : null)];
            },
            cancellationToken);

        async Task<IReadOnlyList<DialClaim?>> TogetherAsync(List<ClaimCall> plain, IReadOnlyList<ClaimCall> all, CancellationToken ct)
        {
            var claimed = await ClaimTogetherAsync(plain, ct).ConfigureAwait(false);
            var byKey = plain.Select((c, i) => (c.Key, Claim: claimed[i])).ToDictionary(p => p.Key, p => p.Claim, StringComparer.Ordinal);
            return [.. all.Select(c => byKey.GetValueOrDefault(c.Key))];
        }
    }

    protected override Task<IReadOnlyList<CallAttempt?>> DialedTogetherAsync(IReadOnlyList<DialedCall> calls, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(calls);
        return InTransactionAsync<IReadOnlyList<CallAttempt?>>(
            Access.OneBatch,
            async (conn, tx, ct) =>
            {
                var parameters = new DynamicParameters(new { to = Names.Of(AttemptState.Dialed), now = Time.GetUtcNow() });
                var from = In("l.state", parameters, "from", [.. DialedFrom.Select(Names.Of)]);
                var staged = Rows(
                    "s",
                    parameters,
                    planOnce: true,
                    new RowColumn("attempt_key", "text", calls.Select(c => c.Key).ToArray()),
                    new RowColumn("call_id", "text", calls.Select(c => c.CallId).ToArray()),
                    new RowColumn("codes", "text", calls.Select(c => c.Codes).ToArray()));

                // The same SET as MarkDialedAsync's one-row move (Dialed), with each member's values.
                var moved = (await conn.QueryAsync<CallAttempt>(Cmd(
                    $"""
                    WITH s AS MATERIALIZED (
                        SELECT s.attempt_key, s.call_id, s.codes FROM {staged}
                    ), locked AS MATERIALIZED (
                        SELECT (SELECT l.attempt_key FROM call_attempts l WHERE l.attempt_key = s.attempt_key AND {from} FOR UPDATE) AS attempt_key
                        FROM s
                    )
                    UPDATE call_attempts a SET state = @to, updated_at = @now,
                        call_id = (SELECT s.call_id FROM s WHERE s.attempt_key = a.attempt_key),
                        result_codes = (SELECT s.codes FROM s WHERE s.attempt_key = a.attempt_key),
                        dialed_at = @now, error_code = NULL, error_info = NULL
                    WHERE a.attempt_key = ANY(ARRAY(SELECT attempt_key FROM locked))
                    RETURNING {MovedColumns}
                    """,
                    parameters,
                    tx,
                    ct)).ConfigureAwait(false)).ToDictionary(a => a.AttemptKey, StringComparer.Ordinal);
                return [.. calls.Select(c => moved.GetValueOrDefault(c.Key))];
            },
            cancellationToken);
    }

    /// <summary>
    /// The settles of several attempts in one statement: each attempt's outcomes are written, and the attempt
    /// moved, only when every one of its staged outcomes matched it (as <see cref="SettleAloneAsync"/> does for one).
    /// A member is done when all its rows were written and its attempt moved; anything else runs alone.
    /// </summary>
    protected override Task<IReadOnlyList<CallAttempt?>> SettleTogetherAsync(IReadOnlyList<SettleCall> calls, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(calls);
        var rows = calls.SelectMany(c => c.Rows).ToList();
        return InTransactionAsync<IReadOnlyList<CallAttempt?>>(
            Access.OneBatch,
            async (conn, tx, ct) =>
            {
                var (matched, insert, parameters) = UpsertSql(rows, perAttempt: true);
                parameters.Add("to", Names.Of(Settled.To));
                parameters.Add("from", Names.Of(Settled.From.Single()));
                var attempts = Rows(
                    "k",
                    parameters,
                    planOnce: true,
                    new RowColumn("attempt_key", "text", calls.Select(c => c.Key).ToArray()),
                    new RowColumn("staged", "integer", calls.Select(c => c.Rows.Count).ToArray()));
                var result = (await conn.QueryAsync<string, long, CallAttempt?, (string Key, long Written, CallAttempt? Moved)>(
                    Cmd(
                        $"""
                        WITH k AS MATERIALIZED (
                            SELECT k.attempt_key, k.staged FROM {attempts}
                        ), m AS (
                        {matched}
                        ), written AS (
                        {insert}
                        RETURNING attempt_key
                        ), moved AS (
                            UPDATE call_attempts SET state = @to, updated_at = @now, {Settled.Set}
                            WHERE attempt_key = ANY(ARRAY(
                                SELECT (SELECT l.attempt_key FROM call_attempts l WHERE l.attempt_key = k.attempt_key AND l.state = @from FOR UPDATE)
                                FROM k WHERE k.staged = (SELECT count(*) FROM m WHERE m.attempt_key = k.attempt_key)))
                              AND state = @from
                            RETURNING {AttemptColumns}
                        )
                        SELECT k.attempt_key AS member, (SELECT count(*) FROM written w WHERE w.attempt_key = k.attempt_key) AS written, moved.*
                        FROM k LEFT JOIN moved ON moved.attempt_key = k.attempt_key
                        """,
                        parameters,
                        tx,
                        ct),
                    (member, written, moved) => (member, written, moved),
                    splitOn: "written,attempt_key").ConfigureAwait(false)).ToDictionary(r => r.Key, StringComparer.Ordinal);
                return [.. calls.Select(c => result.TryGetValue(c.Key, out var r) && r.Written == c.Rows.Count ? r.Moved : null)];
            },
            cancellationToken);
    }
}
