using Campaigns.Storage.Model;
using Dapper;

namespace Campaigns.Storage.Sql;

/// <content>The do-not-call list, kept in NFC like every stored callee id.</content>
internal abstract partial class SqlOutcomeStore
{
    public Task AddDoNotCallAsync(IEnumerable<string> callees, string? reason = null, CancellationToken cancellationToken = default)
    {
        var rows = Distinct(callees);
        return InTransactionAsync(
            Access.OneBatch,
            async (conn, tx, ct) =>
            {
                var parameters = new DynamicParameters(new { reason, now = Time.GetUtcNow() });
                return await conn.ExecuteAsync(Cmd(
                    $"""
                    INSERT INTO do_not_call (callee, reason, added_at)
                    SELECT n.callee, @reason, @now FROM {Rows("n", parameters, new RowColumn("callee", "text", rows.ToArray()))}
                    WHERE true ORDER BY n.callee
                    ON CONFLICT (callee) DO NOTHING
                    """,
                    parameters,
                    tx,
                    ct)).ConfigureAwait(false);
            },
            cancellationToken);
    }

    public Task RemoveDoNotCallAsync(IEnumerable<string> callees, CancellationToken cancellationToken = default)
    {
        var rows = Distinct(callees);
        return InTransactionAsync(
            Access.OneBatch,
            (conn, tx, ct) =>
            {
                var parameters = new DynamicParameters();
                return conn.ExecuteAsync(Cmd($"DELETE FROM do_not_call WHERE {In("callee", parameters, "callees", rows)}", parameters, tx, ct));
            },
            cancellationToken);
    }

    public Task<IReadOnlySet<string>> FindDoNotCallAsync(IEnumerable<string> callees, CancellationToken cancellationToken = default)
    {
        var wanted = Distinct(callees);
        return InTransactionAsync<IReadOnlySet<string>>(
            Access.Read,
            async (conn, tx, ct) =>
            {
                var parameters = new DynamicParameters();
                var found = await conn.QueryAsync<string>(Cmd($"SELECT callee FROM do_not_call WHERE {In("callee", parameters, "callees", wanted)}", parameters, tx, ct))
                    .ConfigureAwait(false);
                return found.ToHashSet(StringComparer.Ordinal);
            },
            cancellationToken);
    }

    public Task<IReadOnlyList<DoNotCallEntry>> GetDoNotCallAsync(string? afterCallee, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        return InTransactionAsync<IReadOnlyList<DoNotCallEntry>>(
            Access.Read,
            async (conn, tx, ct) =>
            {
                var rows = await conn.QueryAsync<DoNotCallEntry>(Cmd(
                    """
                    SELECT callee, reason, added_at FROM do_not_call
                    WHERE callee > @afterCallee
                    ORDER BY callee LIMIT @limit
                    """,
                    new { afterCallee = afterCallee ?? string.Empty, limit }, // no callee is empty: "" is before every one
                    tx,
                    ct)).ConfigureAwait(false);
                return rows.AsList();
            },
            cancellationToken);
    }

    private static List<string> Distinct(IEnumerable<string> callees)
    {
        ArgumentNullException.ThrowIfNull(callees);
        return [.. callees.Select(CalleeId.Normalize).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }
}
