using Campaigns.Storage.Model;
using Dapper;

namespace Campaigns.Storage.Sql;

/// <content>Pending attempts: taken, adopted and handed back under a batch's token (see <see cref="IOutcomeStore.TakePendingAsync"/>).</content>
internal abstract partial class SqlOutcomeStore
{
    public Task<PendingTake> TakePendingAsync(
        string campaignId,
        string token,
        IReadOnlyList<string> adoptTokens,
        IReadOnlyList<(int TargetSeq, int AttemptNo)> explicitItems,
        int take,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(campaignId);
        ArgumentException.ThrowIfNullOrWhiteSpace(token);
        ArgumentNullException.ThrowIfNull(adoptTokens);
        ArgumentNullException.ThrowIfNull(explicitItems);
        var rows = explicitItems.Distinct().OrderBy(i => i.TargetSeq).ThenBy(i => i.AttemptNo).ToList();
        return InTransactionAsync(
            Access.Write,
            async (conn, tx, ct) =>
            {
                var now = Time.GetUtcNow();
                if (adoptTokens.Count > 0)
                {
                    // The batches of a run that continued as new: what they held is this batch's now.
                    var adopt = new DynamicParameters(new { campaignId, token });
                    await conn.ExecuteAsync(Cmd(
                        $"UPDATE pending_attempts SET taken_by = @token WHERE campaign_id = @campaignId AND {In("taken_by", adopt, "adopt", [.. adoptTokens.Distinct(StringComparer.Ordinal)])}",
                        adopt,
                        tx,
                        ct)).ConfigureAwait(false);
                }

                if (take > 0)
                {
                    // Only what the token does not hold yet: a retry of the batch takes nothing more.
                    var held = await conn.ExecuteScalarAsync<long>(Cmd(
                        "SELECT count(*) FROM pending_attempts WHERE campaign_id = @campaignId AND taken_by = @token", new { campaignId, token }, tx, ct)).ConfigureAwait(false);
                    var more = take - held;
                    if (more > 0)
                    {
                        // SKIP LOCKED (PostgreSQL): batches taking at once on several workers each get other rows. The
                        // rows are picked in a CTE, evaluated once: PostgreSQL may run an IN (sub-select … LIMIT) of an
                        // UPDATE more than once, and then update more rows than the limit.
                        var skip = ForUpdate.Length > 0 ? ForUpdate + " SKIP LOCKED" : string.Empty;
                        await conn.ExecuteAsync(Cmd(
                            $"""
                            WITH picked AS (
                                SELECT target_seq, attempt_no FROM pending_attempts
                                WHERE campaign_id = @campaignId AND taken_by IS NULL AND due_at <= @now
                                ORDER BY due_at, target_seq, attempt_no LIMIT @more{skip})
                            UPDATE pending_attempts SET taken_by = @token
                            WHERE campaign_id = @campaignId AND taken_by IS NULL
                              AND (target_seq, attempt_no) IN (SELECT target_seq, attempt_no FROM picked)
                            """,
                            new { campaignId, token, now, more },
                            tx,
                            ct)).ConfigureAwait(false);
                    }
                }

                if (rows.Count > 0)
                {
                    // A first-pass batch's targets are held like any other: an attempt that another batch holds (it was
                    // deferred, handed back and taken since) is that batch's, so no attempt is reported by two batches.
                    // With a take too (due redials go first), the batch holds only what room its take left; the rest of
                    // its targets are added free, due now, for the next batches (never lost, never held twice: a retry
                    // has no room left and adds nothing, each row being there already).
                    var room = rows.Count;
                    var conflict = "DO UPDATE SET taken_by = @token WHERE pending_attempts.taken_by IS NULL";
                    if (take > 0)
                    {
                        var held = await conn.ExecuteScalarAsync<long>(Cmd(
                            "SELECT count(*) FROM pending_attempts WHERE campaign_id = @campaignId AND taken_by = @token", new { campaignId, token }, tx, ct)).ConfigureAwait(false);
                        room = (int)Math.Clamp(take - held, 0, rows.Count);
                        conflict = "DO NOTHING";
                    }

                    var parameters = new DynamicParameters(new { campaignId, token, now });
                    var source = Rows(
                        "s",
                        parameters,
                        planOnce: rows.Count <= PlanOnceRows,
                        new RowColumn("target_seq", "integer", rows.Select(r => r.TargetSeq).ToArray()),
                        new RowColumn("attempt_no", "integer", rows.Select(r => r.AttemptNo).ToArray()),
                        new RowColumn("taken_by", "text", rows.Select((_, i) => i < room ? token : null).ToArray()));
                    await conn.ExecuteAsync(Cmd(
                        $"""
                        INSERT INTO pending_attempts (campaign_id, target_seq, attempt_no, due_at, taken_by)
                        SELECT @campaignId, s.target_seq, s.attempt_no, @now, s.taken_by FROM {source} WHERE true
                        ON CONFLICT (campaign_id, target_seq, attempt_no) {conflict}
                        """,
                        parameters,
                        tx,
                        ct)).ConfigureAwait(false);
                }

                var items = (await conn.QueryAsync<(int, int)>(Cmd(
                    "SELECT target_seq, attempt_no FROM pending_attempts WHERE campaign_id = @campaignId AND taken_by = @token ORDER BY target_seq, attempt_no",
                    new { campaignId, token },
                    tx,
                    ct)).ConfigureAwait(false)).ToList();
                var left = await LeftAsync(conn, tx, campaignId, ct).ConfigureAwait(false);
                return new PendingTake(items, left.Count, left.Next) { CappedLeft = left.Capped };
            },
            cancellationToken);
    }

    public Task<PendingTake> HandBackPendingAsync(
        string campaignId, string token, IReadOnlyList<PendingRow> deferred, IReadOnlyList<PendingRow> redials, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(campaignId);
        ArgumentException.ThrowIfNullOrWhiteSpace(token);
        ArgumentNullException.ThrowIfNull(deferred);
        ArgumentNullException.ThrowIfNull(redials);
        return InTransactionAsync(
            Access.Write,
            async (conn, tx, ct) =>
            {
                // A deferred attempt is free again only if this batch still holds it (or nobody does: one from before
                // its batch held attempts), marked capped or not by why it was deferred; a redial is added once.
                await UpsertPendingAsync(conn, tx, campaignId, token, deferred, "DO UPDATE SET due_at = excluded.due_at, capped_until = excluded.capped_until, taken_by = NULL WHERE pending_attempts.taken_by IS NULL OR pending_attempts.taken_by = @token", ct).ConfigureAwait(false);
                await UpsertPendingAsync(conn, tx, campaignId, token, redials, "DO NOTHING", ct).ConfigureAwait(false);
                var left = await LeftAsync(conn, tx, campaignId, ct).ConfigureAwait(false);
                return new PendingTake([], left.Count, left.Next) { CappedLeft = left.Capped };
            },
            cancellationToken);
    }

    public Task<int> DeletePendingAsync(string campaignId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(campaignId);
        return InTransactionAsync(
            Access.OneBatch,
            (conn, tx, ct) => conn.ExecuteAsync(Cmd(
                "DELETE FROM pending_attempts WHERE campaign_id = @campaignId", new { campaignId }, tx, ct)),
            cancellationToken);
    }

    private static Task<PendingLeft> LeftAsync(System.Data.Common.DbConnection conn, System.Data.Common.DbTransaction? tx, string campaignId, CancellationToken ct) =>
        conn.QuerySingleAsync<PendingLeft>(Cmd(
            "SELECT count(*) AS Count, min(due_at) AS Next, count(capped_until) AS Capped FROM pending_attempts WHERE campaign_id = @campaignId AND taken_by IS NULL",
            new { campaignId },
            tx,
            ct));

    private sealed class PendingLeft
    {
        public long Count { get; init; }

        public DateTimeOffset? Next { get; init; }

        public long Capped { get; init; }
    }

    private async Task UpsertPendingAsync(
        System.Data.Common.DbConnection conn, System.Data.Common.DbTransaction? tx, string campaignId, string token, IReadOnlyList<PendingRow> pending, string onConflict, CancellationToken ct)
    {
        var rows = pending.DistinctBy(p => (p.TargetSeq, p.AttemptNo)).OrderBy(p => p.TargetSeq).ThenBy(p => p.AttemptNo).ToList();
        if (rows.Count == 0)
        {
            return;
        }

        var parameters = new DynamicParameters(new { campaignId, token });
        var source = Rows(
            "s",
            parameters,
            planOnce: rows.Count <= PlanOnceRows,
            new RowColumn("target_seq", "integer", rows.Select(r => r.TargetSeq).ToArray()),
            new RowColumn("attempt_no", "integer", rows.Select(r => r.AttemptNo).ToArray()),
            new RowColumn("due_at", "timestamptz", rows.Select(r => r.DueAt).ToArray()),
            new RowColumn("capped_until", "timestamptz", rows.Select(r => r.CappedUntil).ToArray()));
        await conn.ExecuteAsync(Cmd(
            $"""
            INSERT INTO pending_attempts (campaign_id, target_seq, attempt_no, due_at, taken_by, capped_until)
            SELECT @campaignId, s.target_seq, s.attempt_no, s.due_at, NULL, s.capped_until FROM {source} WHERE true
            ON CONFLICT (campaign_id, target_seq, attempt_no) {onConflict}
            """,
            parameters,
            tx,
            ct)).ConfigureAwait(false);
    }
}
