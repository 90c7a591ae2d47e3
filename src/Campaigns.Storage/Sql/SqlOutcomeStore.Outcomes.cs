using System.Data.Common;
using System.Runtime.CompilerServices;
using Campaigns.Storage.Model;
using Dapper;

namespace Campaigns.Storage.Sql;

/// <summary>Outcomes (bulk upsert, streaming read) and the do-not-call list.</summary>
internal abstract partial class SqlOutcomeStore
{
    private const int InChunk = 500;

    public Task UpsertOutcomesAsync(IReadOnlyList<Outcome> outcomes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        if (outcomes.Count == 0)
        {
            return Task.CompletedTask;
        }

        // One statement may not touch a row twice (ON CONFLICT DO UPDATE): the last of repeats wins.
        var now = Time.GetUtcNow();
        var rows = outcomes
            .GroupBy(o => (o.AttemptKey, o.Callee))
            .Select(g => g.Last() with { RecordedAt = now })
            .ToList();
        return InTransactionAsync(async (conn, tx) =>
        {
            await StageOutcomesAsync(conn, tx, rows, cancellationToken).ConfigureAwait(false);

            // "WHERE true" keeps SQLite from reading ON CONFLICT as part of the SELECT's join.
            await conn.ExecuteAsync(
                $"""
                INSERT INTO outcomes (attempt_key, callee, campaign_id, call_id, result, raw_result,
                                      start_time, accept_time, end_time, duration_ms, raw_record, recorded_at)
                SELECT attempt_key, callee, campaign_id, call_id, result, raw_result,
                       start_time, accept_time, end_time, duration_ms, {Json("raw_record")}, recorded_at
                FROM outcomes_in WHERE true
                ON CONFLICT (attempt_key, callee) DO UPDATE SET
                    call_id = excluded.call_id, result = excluded.result, raw_result = excluded.raw_result,
                    start_time = excluded.start_time, accept_time = excluded.accept_time, end_time = excluded.end_time,
                    duration_ms = excluded.duration_ms, raw_record = excluded.raw_record, recorded_at = excluded.recorded_at
                """,
                transaction: tx).ConfigureAwait(false);
            await conn.ExecuteAsync("DROP TABLE outcomes_in", transaction: tx).ConfigureAwait(false);
            return 0;
        }, cancellationToken);
    }

    public async IAsyncEnumerable<OutcomeExportRow> ReadOutcomesAsync(string campaignId, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var conn = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (conn.ConfigureAwait(false))
        {
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

    public Task AddDoNotCallAsync(IEnumerable<string> callees, string? reason = null, CancellationToken cancellationToken = default)
    {
        var rows = callees.Distinct(StringComparer.Ordinal).ToList();
        return InTransactionAsync(async (conn, tx) =>
        {
            var now = Time.GetUtcNow();
            await conn.ExecuteAsync(
                "INSERT INTO do_not_call (callee, reason, added_at) VALUES (@callee, @reason, @now) ON CONFLICT (callee) DO NOTHING",
                rows.Select(callee => new { callee, reason, now }),
                tx).ConfigureAwait(false);
            return 0;
        }, cancellationToken);
    }

    public Task RemoveDoNotCallAsync(IEnumerable<string> callees, CancellationToken cancellationToken = default)
    {
        var rows = callees.Distinct(StringComparer.Ordinal).ToList();
        return InTransactionAsync(async (conn, tx) =>
        {
            foreach (var chunk in rows.Chunk(InChunk))
            {
                await conn.ExecuteAsync($"DELETE FROM do_not_call WHERE {InList("callee", "@chunk")}", new { chunk }, tx).ConfigureAwait(false);
            }

            return 0;
        }, cancellationToken);
    }

    public Task<IReadOnlySet<string>> FindDoNotCallAsync(IEnumerable<string> callees, CancellationToken cancellationToken = default)
    {
        var wanted = callees.Distinct(StringComparer.Ordinal).ToList();
        return InTransactionAsync<IReadOnlySet<string>>(async (conn, tx) =>
        {
            var found = new HashSet<string>(StringComparer.Ordinal);
            foreach (var chunk in wanted.Chunk(InChunk))
            {
                found.UnionWith(await conn.QueryAsync<string>($"SELECT callee FROM do_not_call WHERE {InList("callee", "@chunk")}", new { chunk }, tx)
                    .ConfigureAwait(false));
            }

            return found;
        }, cancellationToken);
    }

    /// <summary>Creates and fills the temp table <c>outcomes_in</c>, shaped like <c>outcomes</c> with raw_record as text.</summary>
    protected abstract Task StageOutcomesAsync(DbConnection conn, DbTransaction tx, IReadOnlyList<Outcome> rows, CancellationToken cancellationToken);
}
