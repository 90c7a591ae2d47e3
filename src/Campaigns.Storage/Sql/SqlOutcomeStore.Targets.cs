using System.Data.Common;
using System.Text.Json;
using Campaigns.Storage.Model;
using Dapper;

namespace Campaigns.Storage.Sql;

/// <summary>Targets: bulk append with de-duplication, keyset paging.</summary>
internal abstract partial class SqlOutcomeStore
{
    public Task<AddTargetsResult> AddTargetsAsync(string campaignId, IReadOnlyList<IReadOnlyList<string>> targets, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(targets);

        // Repeats inside the batch are dropped here (first wins); repeats of stored targets in SQL.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var staged = new List<StagedTarget>(targets.Count);
        foreach (var callees in targets)
        {
            if (callees.Count == 0 || callees.Any(string.IsNullOrWhiteSpace))
            {
                throw new ArgumentException("a target needs at least one callee and no empty ones", nameof(targets));
            }

            var key = Target.KeyOf(callees);
            if (seen.Add(key))
            {
                staged.Add(new StagedTarget(staged.Count + 1, key, JsonSerializer.Serialize(callees)));
            }
        }

        return InTransactionAsync(async (conn, tx) =>
        {
            // Taking the campaign row's write lock serialises imports into one campaign, so numbering cannot collide.
            var locked = await conn.ExecuteAsync(
                "UPDATE campaigns SET updated_at = @now WHERE campaign_id = @campaignId", new { campaignId, now = Time.GetUtcNow() }, tx)
                .ConfigureAwait(false);
            if (locked != 1)
            {
                throw NotRegistered(campaignId);
            }

            var last = await conn.ExecuteScalarAsync<int>(
                "SELECT COALESCE(MAX(seq), 0) FROM targets WHERE campaign_id = @campaignId", new { campaignId }, tx).ConfigureAwait(false);
            await conn.ExecuteAsync("CREATE TEMP TABLE targets_in (ord integer NOT NULL, target_key text NOT NULL, callees text NOT NULL)", transaction: tx)
                .ConfigureAwait(false);
            await StageTargetsAsync(conn, tx, staged, cancellationToken).ConfigureAwait(false);

            // Numbered densely after the last stored target, skipping callee sets already present.
            var added = await conn.ExecuteAsync(
                """
                INSERT INTO targets (campaign_id, seq, target_key, callees)
                SELECT @campaignId, @last + row_number() OVER (ORDER BY i.ord), i.target_key, i.callees
                FROM targets_in i
                WHERE NOT EXISTS (SELECT 1 FROM targets t WHERE t.campaign_id = @campaignId AND t.target_key = i.target_key)
                ORDER BY i.ord
                """,
                new { campaignId, last },
                tx).ConfigureAwait(false);
            await conn.ExecuteAsync("DROP TABLE targets_in", transaction: tx).ConfigureAwait(false);
            return new AddTargetsResult(added, targets.Count - added, last + 1);
        }, cancellationToken);
    }

    public Task<IReadOnlyList<Target>> GetTargetsAsync(string campaignId, int afterSeq, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        return InTransactionAsync<IReadOnlyList<Target>>(async (conn, tx) =>
        {
            var rows = await conn.QueryAsync<(int Seq, string Callees)>(
                "SELECT seq, callees FROM targets WHERE campaign_id = @campaignId AND seq > @afterSeq ORDER BY seq LIMIT @limit",
                new { campaignId, afterSeq, limit },
                tx).ConfigureAwait(false);
            return [.. rows.Select(r => new Target(r.Seq, JsonSerializer.Deserialize<string[]>(r.Callees)!))];
        }, cancellationToken);
    }

    /// <summary>Fills the temp table <c>targets_in (ord, target_key, callees)</c>.</summary>
    protected abstract Task StageTargetsAsync(DbConnection conn, DbTransaction tx, IReadOnlyList<StagedTarget> rows, CancellationToken cancellationToken);

    /// <summary>A target on its way in: position in the batch, key, callees as JSON.</summary>
    protected internal sealed record StagedTarget(int Ord, string TargetKey, string Callees);
}
