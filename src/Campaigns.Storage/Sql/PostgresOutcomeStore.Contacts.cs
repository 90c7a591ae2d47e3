using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Dapper;

namespace Campaigns.Storage.Sql;

/// <content>
/// The contact policy on PostgreSQL: a claim records its callees' contact in its own statement (a data-modifying CTE,
/// so the single-claim path stays one round trip with no BEGIN), and a capped claim locks its callees with
/// transaction-scoped advisory locks, in key order, before it counts.
/// </content>
internal sealed partial class PostgresOutcomeStore
{
    // The first key of the two-key advisory locks of callees (the two-key and one-key spaces do not overlap, so the
    // migration lock cannot collide with these). Any constant works; the same in every process.
    private const int CalleeLockSpace = 0x43_6F_6E_74;

    protected override string WithContactLog(string update) =>
        $"""
        WITH moved AS (
        {update}
        ), logged AS (
            INSERT INTO callee_contacts (callee, attempt_key, contacted_at)
            SELECT DISTINCT c.value, m.attempt_key, m.claimed_at
            FROM moved m JOIN targets t ON t.campaign_id = m.campaign_id AND t.seq = m.target_seq, {CalleesOf("t.callees")}
            ON CONFLICT (callee, attempt_key) DO UPDATE SET contacted_at = excluded.contacted_at
        )
        SELECT * FROM moved
        """;

    protected override Task LogContactsAfterAsync(DbConnection conn, DbTransaction? tx, IReadOnlyList<string> attemptKeys, CancellationToken ct) =>
        Task.CompletedTask; // done by the claim's statement (WithContactLog)

    // A hash of the callee id as the lock's second key: two callees sharing one only wait for each other. The
    // ORDER BY comes before the locking calls are evaluated (PostgreSQL evaluates volatile output after the sort),
    // so every transaction takes its locks in the same order and two group calls sharing callees cannot deadlock.
    protected override Task LockCalleesAsync(DbConnection conn, DbTransaction? tx, IReadOnlyList<string> callees, CancellationToken ct)
    {
        var keys = callees.Select(c => BitConverter.ToInt32(SHA256.HashData(Encoding.UTF8.GetBytes(c)), 0)).Distinct().Order().ToArray();
        return keys.Length == 0 ? Task.CompletedTask : conn.ExecuteAsync(Cmd(
            "SELECT pg_advisory_xact_lock(@space, k) FROM unnest(@keys) AS k ORDER BY k",
            new { space = CalleeLockSpace, keys },
            tx,
            ct));
    }
}
