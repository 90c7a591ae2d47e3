using Campaigns.Storage.Model;
using Dapper;

namespace Campaigns.Storage.Sql;

/// <content>Call attempts: the intent written before dialing, and reading attempts back (by key, by state, stale).</content>
internal abstract partial class SqlOutcomeStore
{
    protected const string AttemptColumns =
        """
        attempt_key, campaign_id, target_seq, attempt_no, state, call_id, result_codes, error_code, error_info,
        intended_at, dialed_at, settled_at, claim_token, claimed_at
        """;

    protected const string SelectAttempt = "SELECT " + AttemptColumns + " FROM call_attempts";

    // Literal, not parameters: PostgreSQL uses the partial index call_attempts_open only for a predicate it can prove.
    private const string OpenStates = "('intended', 'dialing', 'unknown')";

    // Concurrent single intents of one campaign go to the database together (group commit).
    public async Task<CallAttempt> RecordIntentAsync(string campaignId, int targetSeq, int attemptNo, CancellationToken cancellationToken = default) =>
        await IntentLane.RunAsync(new IntentCall(campaignId, targetSeq, attemptNo, AttemptKey.For(campaignId, targetSeq, attemptNo)), cancellationToken)
            .ConfigureAwait(false);

    public Task<IReadOnlyList<CallAttempt>> RecordIntentsAsync(
        string campaignId, IReadOnlyList<(int TargetSeq, int AttemptNo)> attempts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(attempts);
        var asked = attempts.Select(a => (Key: AttemptKey.For(campaignId, a.TargetSeq, a.AttemptNo), a.TargetSeq, a.AttemptNo)).ToList();

        // Staged once each and in key order, so that writers of overlapping batches lock rows in one order.
        var rows = asked.DistinctBy(a => a.Key).OrderBy(a => a.Key, StringComparer.Ordinal).ToList();
        return InTransactionAsync<IReadOnlyList<CallAttempt>>(
            Access.OneBatch,
            async (conn, tx, ct) =>
            {
                var parameters = new DynamicParameters(new
                {
                    campaignId,
                    intended = Names.Of(AttemptState.Intended),
                    skipped = Names.Of(AttemptState.Skipped),
                    now = Time.GetUtcNow(),
                    staged = rows.Count,
                });
                var source = Rows(
                    "i",
                    parameters,
                    planOnce: rows.Count <= PlanOnceRows,
                    new RowColumn("attempt_key", "text", rows.Select(r => r.Key).ToArray()),
                    new RowColumn("target_seq", "integer", rows.Select(r => r.TargetSeq).ToArray()),
                    new RowColumn("attempt_no", "integer", rows.Select(r => r.AttemptNo).ToArray()),
                    new RowColumn("campaign_id", "text", rows.Select(_ => campaignId).ToArray()));

                // The do-not-call list is checked in the statement that writes the intent: an attempt of a target
                // with a listed callee is stored as skipped, and a dialer never sees it. RETURNING names the rows
                // this call created. A batch naming a target that does not exist writes nothing (`found`
                // counts the rows that have their target; the command runs without BEGIN on PostgreSQL, so the
                // refusal cannot rely on a rollback); the WHERE also keeps SQLite from reading ON CONFLICT as a join's ON.
                // Each target is read by a sub-select on its primary key: a join let PostgreSQL, with statistics not
                // yet updated after an import, scan the whole campaign's targets for every staged row. The key comes
                // from the staged row, not a constant, so the plan does not depend on the campaign's statistics
                // and PostgreSQL keeps one plan (planOnce).
                var created = (await conn.QueryAsync<CallAttempt>(Cmd(
                    $"""
                    INSERT INTO call_attempts (attempt_key, campaign_id, target_seq, attempt_no, state, error_info, intended_at, updated_at)
                    SELECT x.attempt_key, @campaignId, x.target_seq, x.attempt_no,
                           CASE WHEN x.blocked IS NULL THEN @intended ELSE @skipped END,
                           CASE WHEN x.blocked IS NULL THEN NULL ELSE 'do-not-call: ' || x.blocked END,
                           @now, @now
                    FROM (
                        SELECT s.attempt_key, s.target_seq, s.attempt_no,
                               (SELECT MIN(c.value) FROM {CalleesOf("s.callees")} JOIN do_not_call d ON d.callee = c.value) AS blocked,
                               count(s.callees) OVER () AS found
                        FROM (
                            SELECT i.attempt_key, i.target_seq, i.attempt_no,
                                   (SELECT t.callees FROM targets t WHERE t.campaign_id = i.campaign_id AND t.seq = i.target_seq) AS callees
                            FROM {source}) s) x
                    WHERE x.found = @staged
                    ORDER BY x.attempt_key
                    ON CONFLICT DO NOTHING
                    RETURNING {AttemptColumns}
                    """,
                    parameters,
                    tx,
                    ct)).ConfigureAwait(false)).ToDictionary(a => a.AttemptKey, a => a with { Created = true }, StringComparer.Ordinal);

                // The usual case (every row new) needs nothing more. Otherwise the stored rows are read in a
                // command of their own, so they include rows a racing writer committed meanwhile.
                var stored = new Dictionary<string, CallAttempt>(created, StringComparer.Ordinal);
                if (created.Count < rows.Count)
                {
                    var read = await conn.QueryAsync<CallAttempt>(Cmd(
                        $"{SelectAttempt} WHERE attempt_key IN (SELECT i.attempt_key FROM {source})", parameters, tx, ct)).ConfigureAwait(false);
                    foreach (var a in read)
                    {
                        stored.TryAdd(a.AttemptKey, a);
                    }
                }

                if (asked.Any(r => !stored.ContainsKey(r.Key)))
                {
                    var existing = (await conn.QueryAsync<int>(Cmd(
                        $"SELECT i.target_seq FROM {source} {JoinStaged} targets t ON t.campaign_id = @campaignId AND t.seq = i.target_seq", parameters, tx, ct))
                        .ConfigureAwait(false)).ToHashSet();
                    var missing = asked.First(r => !existing.Contains(r.TargetSeq));
                    throw new InvalidOperationException($"target {missing.TargetSeq} of campaign '{campaignId}' does not exist");
                }

                // A pair asked twice in one batch was created once: only its first occurrence says so.
                return [.. asked.Select(r => stored[r.Key] with { Created = created.Remove(r.Key) })];
            },
            cancellationToken);
    }

    public Task<CallAttempt?> GetAttemptAsync(string attemptKey, CancellationToken cancellationToken = default) =>
        InTransactionAsync(
            Access.Read,
            (conn, tx, ct) => conn.QuerySingleOrDefaultAsync<CallAttempt>(Cmd(SelectAttempt + " WHERE attempt_key = @attemptKey", new { attemptKey }, tx, ct)),
            cancellationToken);

    public Task<CallAttempt?> GetAttemptByCallIdAsync(string callId, CancellationToken cancellationToken = default) =>
        InTransactionAsync(
            Access.Read,
            (conn, tx, ct) => conn.QuerySingleOrDefaultAsync<CallAttempt>(Cmd(SelectAttempt + " WHERE call_id = @callId", new { callId }, tx, ct)),
            cancellationToken);

    public Task<IReadOnlyList<CallAttempt>> GetAttemptsAsync(string campaignId, AttemptState state, int limit = 1000, CancellationToken cancellationToken = default) =>
        GetAttemptsAsync(campaignId, state, null, limit, cancellationToken);

    public Task<IReadOnlyList<CallAttempt>> GetAttemptsAsync(
        string campaignId, AttemptState state, string? afterAttemptKey, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        return InTransactionAsync<IReadOnlyList<CallAttempt>>(
            Access.Read,
            async (conn, tx, ct) =>
            {
                // The cursor is the (target, attempt) position of the key, served by call_attempts_by_state.
                var (seq, no) = (0, 0);
                if (afterAttemptKey is not null)
                {
                    var cursor = (await conn.QueryAsync<(int Seq, int No)>(Cmd(
                        "SELECT target_seq, attempt_no FROM call_attempts WHERE attempt_key = @afterAttemptKey AND campaign_id = @campaignId",
                        new { afterAttemptKey, campaignId },
                        tx,
                        ct)).ConfigureAwait(false)).ToList();
                    (seq, no) = cursor.Count == 1
                        ? cursor[0]
                        : throw new ArgumentException($"attempt '{afterAttemptKey}' is not an attempt of campaign '{campaignId}'", nameof(afterAttemptKey));
                }

                return [.. await conn.QueryAsync<CallAttempt>(Cmd(
                    SelectAttempt +
                    """
                     WHERE campaign_id = @campaignId AND state = @state AND (target_seq, attempt_no) > (@seq, @no)
                    ORDER BY target_seq, attempt_no LIMIT @limit
                    """,
                    new { campaignId, state = Names.Of(state), seq, no, limit },
                    tx,
                    ct)).ConfigureAwait(false)];
            },
            cancellationToken);
    }

    public Task<IReadOnlyList<CallAttempt>> GetStaleAttemptsAsync(DateTimeOffset olderThan, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        return InTransactionAsync<IReadOnlyList<CallAttempt>>(
            Access.Read,
            async (conn, tx, ct) => [.. await conn.QueryAsync<CallAttempt>(Cmd(
                SelectAttempt + $" WHERE state IN {OpenStates} AND updated_at < @olderThan ORDER BY updated_at, attempt_key LIMIT @limit",
                new { olderThan, limit },
                tx,
                ct)).ConfigureAwait(false)],
            cancellationToken);
    }

    public Task<IReadOnlyList<CallAttempt>> GetUnknownAttemptsAsync(
        DateTimeOffset intendedSince, DateTimeOffset changedBefore, string? afterAttemptKey, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        // The literal open-state predicate lets PostgreSQL read the partial index call_attempts_open (few rows).
        return InTransactionAsync<IReadOnlyList<CallAttempt>>(
            Access.Read,
            async (conn, tx, ct) => [.. await conn.QueryAsync<CallAttempt>(Cmd(
                SelectAttempt +
                $"""
                 WHERE state IN {OpenStates} AND state = @unknown AND updated_at < @changedBefore AND intended_at >= @intendedSince
                  AND attempt_key > @after
                ORDER BY attempt_key LIMIT @limit
                """,
                new { unknown = Names.Of(AttemptState.Unknown), changedBefore, intendedSince, after = afterAttemptKey ?? string.Empty, limit },
                tx,
                ct)).ConfigureAwait(false)],
            cancellationToken);
    }
}
