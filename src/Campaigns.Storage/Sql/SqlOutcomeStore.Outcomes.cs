using System.Runtime.CompilerServices;
using System.Text.Json;
using Campaigns.Storage.Model;
using Dapper;

namespace Campaigns.Storage.Sql;

/// <content>Outcomes: guarded bulk upsert, streaming read.</content>
internal abstract partial class SqlOutcomeStore
{
    private const string UnknownResult = "Unknown";

    public Task UpsertOutcomesAsync(IReadOnlyList<Outcome> outcomes, CancellationToken cancellationToken = default)
    {
        var rows = Staged(outcomes);
        return rows.Count == 0
            ? Task.CompletedTask
            : InTransactionAsync(Access.OneBatch, (conn, tx, ct) => UpsertAsync(conn, tx, rows, ct), cancellationToken);
    }

    // Concurrent settles go to the database together (group commit).
    public Task<CallAttempt> SettleAsync(string attemptKey, IReadOnlyList<Outcome> outcomes, CancellationToken cancellationToken = default) =>
        SettleLane.RunAsync(new SettleCall(attemptKey, StagedFor(attemptKey, outcomes)), cancellationToken);

    // The base form: the upsert and the move, two commands in one transaction (SQLite has no data-modifying
    // CTEs; its transaction costs no round trip). PostgreSQL overrides this with one statement.
    protected virtual Task<CallAttempt> SettleAloneAsync(SettleCall call, CancellationToken cancellationToken) =>
        InTransactionAsync(Access.Write, (conn, tx, ct) => SettleInAsync(conn, tx, call, ct), cancellationToken);

    private async Task<CallAttempt> SettleInAsync(System.Data.Common.DbConnection conn, System.Data.Common.DbTransaction? tx, SettleCall call, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(call);
        if (call.Rows.Count > 0)
        {
            await UpsertAsync(conn, tx, call.Rows, ct).ConfigureAwait(false);
        }

        return await TransitionAsync(conn, tx, call.Key, Settled, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// The outcomes as written: callees NFC-normalised; of repeats the last wins (one statement may not touch a
    /// row twice with ON CONFLICT DO UPDATE); in key order, so writers of overlapping batches lock rows in one
    /// order and never deadlock.
    /// </summary>
    protected static List<Outcome> Staged(IReadOnlyList<Outcome> outcomes)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        return [.. outcomes
            .Select(o => o with { Callee = CalleeId.Normalize(o.Callee) })
            .GroupBy(o => (o.AttemptKey, o.Callee))
            .Select(g => g.Last())
            .OrderBy(o => o.AttemptKey, StringComparer.Ordinal)
            .ThenBy(o => o.Callee, StringComparer.Ordinal)];
    }

    /// <summary><see cref="Staged"/>, refusing an outcome of another attempt than <paramref name="attemptKey"/>.</summary>
    protected static List<Outcome> StagedFor(string attemptKey, IReadOnlyList<Outcome> outcomes)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(attemptKey);
        ArgumentNullException.ThrowIfNull(outcomes);
        for (var i = 0; i < outcomes.Count; i++)
        {
            if (outcomes[i].AttemptKey != attemptKey)
            {
                throw new ArgumentException(
                    $"outcomes[{i}] (callee '{outcomes[i].Callee}') is of attempt '{outcomes[i].AttemptKey}', not '{attemptKey}': a settle stores the outcomes of its own attempt only",
                    nameof(outcomes));
            }
        }

        return Staged(outcomes);
    }

    /// <summary>
    /// The guarded upsert of staged rows as SQL: <c>Matched</c> selects the staged rows that match their attempt,
    /// each with the count of those (<c>matched</c>); <c>Insert</c> writes them from <c>m</c> (a FROM item the
    /// caller defines as Matched) when every staged row matched (<c>@staged</c>).
    /// </summary>
    /// <remarks>
    /// With <paramref name="perAttempt"/> (the settles of several attempts together) the rule holds for each attempt
    /// apart: each staged row carries its attempt's count (<c>staged</c>), and <c>matched</c> counts per attempt.
    /// </remarks>
    protected (string Matched, string Insert, DynamicParameters Parameters) UpsertSql(List<Outcome> rows, string? attemptKey = null, bool perAttempt = false)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var parameters = new DynamicParameters(new
        {
            now = Time.GetUtcNow(),
            unknown = UnknownResult,
            dialed = Names.Of(AttemptState.Dialed),
            settled = Names.Of(AttemptState.Settled),
            failed = Names.Of(AttemptState.Failed),
            skipped = Names.Of(AttemptState.Skipped),
            staged = rows.Count,
        });
        RowColumn[] perAttemptCounts = perAttempt
            ? [new RowColumn("staged", "integer", rows.Select(o => rows.Count(r => r.AttemptKey == o.AttemptKey)).ToArray())]
            : [];
        var source = Rows(
            "o",
            parameters,
            planOnce: attemptKey is not null || perAttempt,
            [.. perAttemptCounts,
            new RowColumn("attempt_key", "text", rows.Select(o => o.AttemptKey).ToArray()),
            new RowColumn("callee", "text", rows.Select(o => o.Callee).ToArray()),
            new RowColumn("campaign_id", "text", rows.Select(o => o.CampaignId).ToArray()),
            new RowColumn("call_id", "text", rows.Select(o => o.CallId).ToArray()),
            new RowColumn("result", "text", rows.Select(o => o.Result).ToArray()),
            new RowColumn("raw_result", "text", rows.Select(o => o.RawResult).ToArray()),
            new RowColumn("start_time", "timestamptz", rows.Select(o => o.StartTime?.ToUniversalTime()).ToArray()),
            new RowColumn("accept_time", "timestamptz", rows.Select(o => o.AcceptTime?.ToUniversalTime()).ToArray()),
            new RowColumn("end_time", "timestamptz", rows.Select(o => o.EndTime?.ToUniversalTime()).ToArray()),
            new RowColumn("duration_ms", "bigint", rows.Select(o => o.DurationMs).ToArray()),
            new RowColumn("raw_record", "text", rows.Select(o => o.RawRecord).ToArray())]);

        // Only outcomes that match their attempt are written: same campaign, a callee of its target, and
        // the attempt's CallId (dialed or settled) or none (failed or skipped: never placed). One row that
        // does not match and nothing is written (`matched` counts the rows that do; the command runs without
        // BEGIN on PostgreSQL, so the refusal cannot rely on a rollback). An Unknown result never replaces a final one.
        // The outcomes of one attempt (attemptKey given) find it by the scalar key: a lookup on the primary key
        // whatever the plan, so PostgreSQL may keep one plan for every call (Rows' planOnce).
        if (attemptKey is not null)
        {
            parameters.Add("attemptKey", attemptKey);
        }

        // Several attempts' outcomes (perAttempt, PostgreSQL's batched settles) reach each attempt by its key from
        // the staged row: OFFSET 0 keeps the sub-select a lookup per row, which a stale row count cannot turn into a scan.
        var from = perAttempt
            ? $"""
              FROM {source}
              CROSS JOIN LATERAL (
                  SELECT * FROM call_attempts a WHERE a.attempt_key = o.attempt_key AND a.campaign_id = o.campaign_id OFFSET 0) a
              """
            : attemptKey is null
            ? $"""
              FROM {source}
              {JoinStaged} call_attempts a ON a.attempt_key = o.attempt_key AND a.campaign_id = o.campaign_id
              """
            : $"""
              FROM call_attempts a
              JOIN {source} ON o.attempt_key = a.attempt_key AND o.campaign_id = a.campaign_id
              """;
        var matched =
            $"""
            SELECT o.*, count(*) OVER ({(perAttempt ? "PARTITION BY o.attempt_key" : string.Empty)}) AS matched
            {from}
            {JoinStaged} targets t ON t.campaign_id = a.campaign_id AND t.seq = a.target_seq
            WHERE {(attemptKey is null ? string.Empty : "a.attempt_key = @attemptKey AND ")}EXISTS (SELECT 1 FROM {CalleesOf("t.callees")} WHERE c.value = o.callee)
              AND ((a.state IN (@dialed, @settled) AND o.call_id = a.call_id)
                OR (a.state IN (@failed, @skipped) AND o.call_id IS NULL))
            """;
        var insert =
            $"""
            INSERT INTO outcomes (attempt_key, callee, campaign_id, call_id, result, raw_result,
                                  start_time, accept_time, end_time, duration_ms, raw_record, recorded_at)
            SELECT m.attempt_key, m.callee, m.campaign_id, m.call_id, m.result, m.raw_result,
                   m.start_time, m.accept_time, m.end_time, m.duration_ms, {Json("m.raw_record")}, @now
            FROM m
            WHERE m.matched = {(perAttempt ? "m.staged" : "@staged")}
            ORDER BY m.attempt_key, m.callee
            ON CONFLICT (attempt_key, callee) DO UPDATE SET
                call_id = excluded.call_id, result = excluded.result, raw_result = excluded.raw_result,
                start_time = excluded.start_time, accept_time = excluded.accept_time, end_time = excluded.end_time,
                duration_ms = excluded.duration_ms, raw_record = excluded.raw_record, recorded_at = excluded.recorded_at
            WHERE excluded.result <> @unknown OR outcomes.result = @unknown
            """;
        return (matched, insert, parameters);
    }

    // Writes staged rows in one statement; some not written means Unknowns that met a final result (fine),
    // or a mismatch (nothing written), which throws.
    private async Task<int> UpsertAsync(System.Data.Common.DbConnection conn, System.Data.Common.DbTransaction? tx, List<Outcome> rows, CancellationToken ct)
    {
        var (matched, insert, parameters) = UpsertSql(rows);
        var written = await conn.ExecuteAsync(Cmd(
            $"""
            WITH m AS (
            {matched}
            )
            {insert}
            """,
            parameters,
            tx,
            ct)).ConfigureAwait(false);
        if (written < rows.Count)
        {
            await RefuseMismatchAsync(conn, tx, rows, ct).ConfigureAwait(false);
        }

        return written;
    }

    public async IAsyncEnumerable<OutcomeExportRow> ReadOutcomesAsync(string campaignId, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var conn = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (conn.ConfigureAwait(false))
        {
            // Dapper's unbuffered reader takes no CommandDefinition: the token reaches it through WithCancellation below.
            var rows = conn.QueryUnbufferedAsync<OutcomeExportRow>(
                """
                SELECT a.target_seq, a.attempt_no, o.callee, o.call_id, o.result, o.raw_result,
                       o.start_time, o.accept_time, o.end_time, o.duration_ms
                FROM outcomes o JOIN call_attempts a ON a.attempt_key = o.attempt_key
                WHERE o.campaign_id = @campaignId
                ORDER BY a.target_seq, a.attempt_no, o.callee
                """,
                new { campaignId });
            await foreach (var row in rows.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                yield return row;
            }
        }
    }

    public Task<IReadOnlyDictionary<string, string>> GetAttemptResultsAsync(string attemptKey, CancellationToken cancellationToken = default) =>
        InTransactionAsync(
            Access.Read,
            async (conn, tx, ct) =>
            {
                var rows = await conn.QueryAsync<(string Callee, string Result)>(Cmd(
                    "SELECT callee, result FROM outcomes WHERE attempt_key = @attemptKey ORDER BY callee", new { attemptKey }, tx, ct)).ConfigureAwait(false);
                return (IReadOnlyDictionary<string, string>)rows.ToDictionary(r => r.Callee, r => r.Result, StringComparer.Ordinal);
            },
            cancellationToken);

    /// <summary>Names the first outcome that does not match its attempt, throwing (a transaction rolls back).</summary>
    protected async Task RefuseMismatchAsync(System.Data.Common.DbConnection conn, System.Data.Common.DbTransaction? tx, List<Outcome> rows, CancellationToken ct)
    {
        var parameters = new DynamicParameters();
        var keys = rows.Select(r => r.AttemptKey).Distinct(StringComparer.Ordinal).ToList();
        var attempts = (await conn.QueryAsync<(string AttemptKey, string CampaignId, string State, string? CallId, string Callees)>(Cmd(
                $"""
                SELECT a.attempt_key, a.campaign_id, a.state, a.call_id, t.callees
                FROM call_attempts a JOIN targets t ON t.campaign_id = a.campaign_id AND t.seq = a.target_seq
                WHERE {In("a.attempt_key", parameters, "keys", keys)}
                """,
                parameters,
                tx,
                ct)).ConfigureAwait(false))
            .ToDictionary(a => a.AttemptKey, StringComparer.Ordinal);
        foreach (var o in rows)
        {
            var problem = !attempts.TryGetValue(o.AttemptKey, out var a) ? "no such attempt"
                : a.CampaignId != o.CampaignId ? $"the attempt belongs to campaign '{a.CampaignId}', not '{o.CampaignId}'"
                : !JsonSerializer.Deserialize<string[]>(a.Callees)!.Contains(o.Callee, StringComparer.Ordinal) ? "the callee is not in the attempt's target"
                : Enum.Parse<AttemptState>(a.State, ignoreCase: true) switch
                {
                    AttemptState.Dialed or AttemptState.Settled when o.CallId != a.CallId => $"the attempt was dialed as CallId '{a.CallId}', not '{o.CallId}'",
                    AttemptState.Failed or AttemptState.Skipped when o.CallId is not null => $"the attempt was never placed, yet the outcome has CallId '{o.CallId}'",
                    AttemptState.Intended or AttemptState.Dialing or AttemptState.Unknown => $"the attempt is {a.State}, not dialed",
                    _ => null,
                };
            if (problem is not null)
            {
                throw new InvalidOperationException($"outcome of callee '{o.Callee}' in attempt '{o.AttemptKey}' refused: {problem}");
            }
        }
    }
}
