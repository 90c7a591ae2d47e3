using System.Text.Json;
using Campaigns.Storage.Model;
using Dapper;

namespace Campaigns.Storage.Sql;

/// <content>Targets: bulk append with de-duplication, keyset paging.</content>
internal abstract partial class SqlOutcomeStore
{
    public Task<AddTargetsResult> AddTargetsAsync(string campaignId, IReadOnlyList<IReadOnlyList<string>> targets, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(targets);
        return AddZonedTargetsAsync(campaignId, [.. targets.Select(t => new NewTarget(t))], cancellationToken);
    }

    public Task<AddTargetsResult> AddZonedTargetsAsync(string campaignId, IReadOnlyList<NewTarget> targets, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(targets);

        // Repeats inside the batch are dropped here (first wins); repeats of stored targets in SQL.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var keys = new List<string>(targets.Count);
        var callees = new List<string>(targets.Count);
        var zones = new List<string?>(targets.Count);
        for (var i = 0; i < targets.Count; i++)
        {
            var target = targets[i].Callees.Select(CalleeId.Normalize).ToList();
            var problem = target.Count == 0 ? "a target needs at least one callee"
                : target.Select(CalleeId.Problem).FirstOrDefault(p => p is not null)
                ?? CalleeId.GroupProblem(target.Count, Options.MaxGroupCallees)
                ?? (target.Distinct(StringComparer.Ordinal).Count() < target.Count ? "a callee appears twice in one group" : null)
                ?? (targets[i].TimeZone is { } zone ? TimeZoneIds.Problem(zone) : null);
            if (problem is not null)
            {
                throw new ArgumentException($"targets[{i}]: {problem}", nameof(targets));
            }

            var key = Target.KeyOf(target);
            if (seen.Add(key))
            {
                keys.Add(key);
                callees.Add(JsonSerializer.Serialize(target));
                zones.Add(targets[i].TimeZone);
            }
        }

        return InTransactionAsync(
            Access.Write,
            async (conn, tx, ct) =>
            {
                // Taking the campaign row's write lock serialises imports into one campaign, so numbering cannot collide.
                var locked = await conn.ExecuteAsync(Cmd(
                    "UPDATE campaigns SET updated_at = @now WHERE campaign_id = @campaignId", new { campaignId, now = Time.GetUtcNow() }, tx, ct))
                    .ConfigureAwait(false);
                if (locked != 1)
                {
                    throw NotRegistered(campaignId);
                }

                var last = await conn.ExecuteScalarAsync<int>(Cmd(
                    "SELECT COALESCE(MAX(seq), 0) FROM targets WHERE campaign_id = @campaignId", new { campaignId }, tx, ct)).ConfigureAwait(false);

                // Numbered densely after the last stored target, skipping callee sets already present.
                var parameters = new DynamicParameters(new { campaignId, last });
                var added = await conn.ExecuteAsync(Cmd(
                    $"""
                    INSERT INTO targets (campaign_id, seq, target_key, callees, time_zone)
                    SELECT @campaignId, @last + row_number() OVER (ORDER BY i.ord), i.target_key, i.callees, i.time_zone
                    FROM {Rows(
                        "i",
                        parameters,
                        new RowColumn("ord", "integer", Enumerable.Range(1, keys.Count).ToArray()),
                        new RowColumn("target_key", "text", keys.ToArray()),
                        new RowColumn("callees", "text", callees.ToArray()),
                        new RowColumn("time_zone", "text", zones.ToArray()))}
                    WHERE NOT EXISTS (SELECT 1 FROM targets t WHERE t.campaign_id = @campaignId AND t.target_key = i.target_key)
                    ORDER BY i.ord
                    """,
                    parameters,
                    tx,
                    ct)).ConfigureAwait(false);
                return new AddTargetsResult(added, targets.Count - added, last + 1);
            },
            cancellationToken);
    }

    public Task<IReadOnlyList<Target>> GetTargetsAsync(string campaignId, int afterSeq, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        return InTransactionAsync<IReadOnlyList<Target>>(
            Access.Read,
            async (conn, tx, ct) =>
            {
                var rows = await conn.QueryAsync<(int Seq, string Callees, string? TimeZone)>(Cmd(
                    "SELECT seq, callees, time_zone FROM targets WHERE campaign_id = @campaignId AND seq > @afterSeq ORDER BY seq LIMIT @limit",
                    new { campaignId, afterSeq, limit },
                    tx,
                    ct)).ConfigureAwait(false);
                return [.. rows.Select(r => new Target(r.Seq, JsonSerializer.Deserialize<string[]>(r.Callees)!) { TimeZone = r.TimeZone })];
            },
            cancellationToken);
    }
}
