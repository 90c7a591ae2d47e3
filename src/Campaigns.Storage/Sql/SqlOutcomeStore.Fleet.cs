using System.Data.Common;
using Dapper;

namespace Campaigns.Storage.Sql;

/// <content>
/// The fleet registry (<see cref="IFleetRegistry"/>): one row per worker sharing the vendor's limit. Every
/// operation reads the database's clock once (<see cref="NowMs"/>) and uses that instant for all its statements.
/// </content>
internal abstract partial class SqlOutcomeStore : IFleetRegistry
{
    private const string MemberColumns = "member_id, joined_version, acked_version, heartbeat_ms, expires_ms";

    /// <summary>SQL for the database's current time in milliseconds since the Unix epoch.</summary>
    protected abstract string NowMs { get; }

    public string Name => Describe;

    public Task<FleetView> JoinAsync(string memberId, TimeSpan expiry, CancellationToken cancellationToken = default) =>
        JoinAsync(memberId, expiry, [], cancellationToken);

    public Task<FleetView> JoinAsync(string memberId, TimeSpan expiry, IReadOnlyCollection<string> deadMembers, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(deadMembers);
        var expiryMs = ExpiryMs(memberId, expiry);
        var dead = deadMembers.Where(m => m != memberId).Distinct(StringComparer.Ordinal).ToList();
        return InTransactionAsync(
            Access.Write,
            async (conn, tx, ct) =>
            {
                if (dead.Count > 0)
                {
                    // A dead member's share is reserved in the others' counts: its row changes hands without a new
                    // version, so nobody has anything new to acknowledge, and the dead one is never waited for.
                    var at = await DatabaseNowAsync(conn, tx, ct).ConfigureAwait(false);
                    var parameters = new DynamicParameters(new { memberId, now = at });
                    var newest = await conn.QueryFirstOrDefaultAsync<string?>(Cmd(
                        $"""
                        SELECT member_id FROM fleet_members WHERE {In("member_id", parameters, "dead", dead)} AND expires_ms > @now
                            AND NOT EXISTS (SELECT 1 FROM fleet_members WHERE member_id = @memberId)
                        ORDER BY joined_version DESC LIMIT 1
                        """,
                        parameters,
                        tx,
                        ct)).ConfigureAwait(false);
                    if (newest is not null && await conn.ExecuteAsync(Cmd(
                        "UPDATE fleet_members SET member_id = @memberId, heartbeat_ms = @now, expires_ms = @expires WHERE member_id = @newest AND expires_ms > @now",
                        new { memberId, newest, now = at, expires = at + expiryMs },
                        tx,
                        ct)).ConfigureAwait(false) == 1)
                    {
                        return await LiveAsync(conn, tx, at, ct).ConfigureAwait(false) with { Reclaimed = newest };
                    }
                }

                // The version's row lock is held until commit: joins commit in the order of their versions, so a
                // view that holds version v holds every member that joined before it. The clock is read after the lock.
                await conn.ExecuteAsync(Cmd("UPDATE fleet SET version = version + 1 WHERE id = 1", null, tx, ct)).ConfigureAwait(false);
                var now = await DatabaseNowAsync(conn, tx, ct).ConfigureAwait(false);
                await conn.ExecuteAsync(Cmd(
                    """
                    INSERT INTO fleet_members (member_id, joined_version, acked_version, joined_ms, heartbeat_ms, expires_ms)
                    SELECT @memberId, version, version, @now, @now, @expires FROM fleet WHERE id = 1
                    ON CONFLICT (member_id) DO UPDATE SET joined_version = excluded.joined_version, acked_version = excluded.acked_version,
                        joined_ms = excluded.joined_ms, heartbeat_ms = excluded.heartbeat_ms, expires_ms = excluded.expires_ms
                    """,
                    new { memberId, now, expires = now + expiryMs },
                    tx,
                    ct)).ConfigureAwait(false);
                return await LiveAsync(conn, tx, now, ct).ConfigureAwait(false);
            },
            cancellationToken);
    }

    public Task<FleetView?> HeartbeatAsync(string memberId, long acknowledgedVersion, TimeSpan expiry, CancellationToken cancellationToken = default)
    {
        var expiryMs = ExpiryMs(memberId, expiry);
        return InTransactionAsync(
            Access.Write,
            async (conn, tx, ct) =>
            {
                var now = await DatabaseNowAsync(conn, tx, ct).ConfigureAwait(false);

                // An expired member is not revived: the others may have taken its share already.
                var kept = await conn.ExecuteAsync(Cmd(
                    """
                    UPDATE fleet_members SET heartbeat_ms = @now, expires_ms = @expires,
                        acked_version = CASE WHEN acked_version > @acknowledgedVersion THEN acked_version ELSE @acknowledgedVersion END
                    WHERE member_id = @memberId AND expires_ms > @now
                    """,
                    new { memberId, now, expires = now + expiryMs, acknowledgedVersion },
                    tx,
                    ct)).ConfigureAwait(false);
                var view = await LiveAsync(conn, tx, now, ct).ConfigureAwait(false);
                return kept == 0 ? null : view;
            },
            cancellationToken);
    }

    public Task LeaveAsync(string memberId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(memberId);
        return InTransactionAsync(
            Access.OneBatch,
            (conn, tx, ct) =>
                conn.ExecuteAsync(Cmd("DELETE FROM fleet_members WHERE member_id = @memberId", new { memberId }, tx, ct)),
            cancellationToken);
    }

    private static long ExpiryMs(string memberId, TimeSpan expiry)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(memberId);
        ArgumentOutOfRangeException.ThrowIfLessThan(expiry, TimeSpan.FromMilliseconds(1));
        return (long)Math.Ceiling(expiry.TotalMilliseconds);
    }

    private Task<long> DatabaseNowAsync(DbConnection conn, DbTransaction? tx, CancellationToken ct) =>
        conn.ExecuteScalarAsync<long>(Cmd($"SELECT {NowMs}", null, tx, ct));

    // Expired members are removed by whoever looks next, so the table holds only the live ones.
    private static async Task<FleetView> LiveAsync(DbConnection conn, DbTransaction? tx, long now, CancellationToken ct)
    {
        await conn.ExecuteAsync(Cmd("DELETE FROM fleet_members WHERE expires_ms <= @now", new { now }, tx, ct)).ConfigureAwait(false);
        var rows = await conn.QueryAsync<(string MemberId, long JoinedVersion, long AckedVersion, long HeartbeatMs, long ExpiresMs)>(Cmd(
            $"SELECT {MemberColumns} FROM fleet_members ORDER BY joined_version", null, tx, ct)).ConfigureAwait(false);
        return new FleetView(
            [.. rows.Select(r => new FleetMember
            {
                MemberId = r.MemberId,
                JoinedVersion = r.JoinedVersion,
                AcknowledgedVersion = r.AckedVersion,
                HeartbeatAt = DateTimeOffset.FromUnixTimeMilliseconds(r.HeartbeatMs),
                ExpiresAt = DateTimeOffset.FromUnixTimeMilliseconds(r.ExpiresMs),
            })],
            DateTimeOffset.FromUnixTimeMilliseconds(now));
    }
}
