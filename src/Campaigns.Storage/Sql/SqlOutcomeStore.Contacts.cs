using System.Data.Common;
using System.Text.Json;
using Campaigns.Storage.Model;
using Dapper;

namespace Campaigns.Storage.Sql;

/// <content>
/// The contact policy (see <see cref="IOutcomeStore.ClaimDialCappedAsync"/>):
/// the app's policy row, the callee → attempt index every claim writes (callee_contacts), and the capped claim.
/// </content>
internal abstract partial class SqlOutcomeStore
{
    // What counts against a cap: claimed, whatever came of it since, unless nothing was placed (failed) or the claim
    // was given back (intended again). Literal, as OpenStates.
    private const string ContactedStates = "('dialing', 'dialed', 'settled', 'unknown')";

    public Task<ContactPolicy?> GetContactPolicyAsync(CancellationToken cancellationToken = default) =>
        InTransactionAsync(
            Access.Read,
            (conn, tx, ct) => conn.QuerySingleOrDefaultAsync<ContactPolicy>(Cmd(
                "SELECT per_day, per_week, per_30_days, updated_at FROM contact_policy WHERE id = 1", null, tx, ct)),
            cancellationToken);

    public Task SetContactPolicyAsync(ContactPolicy? policy, CancellationToken cancellationToken = default)
    {
        foreach (var (name, value) in new[] { ("perDay", policy?.PerDay), ("perWeek", policy?.PerWeek), ("per30Days", policy?.Per30Days) })
        {
            if (value is < 1 or > ContactPolicy.MaxLimit)
            {
                throw new ArgumentException($"{name}: {value} must be 1-{ContactPolicy.MaxLimit}", nameof(policy));
            }
        }

        return InTransactionAsync(
            Access.OneBatch,
            (conn, tx, ct) => policy is null || policy.IsEmpty
                ? conn.ExecuteAsync(Cmd("DELETE FROM contact_policy", null, tx, ct))
                : conn.ExecuteAsync(Cmd(
                    """
                    INSERT INTO contact_policy (id, per_day, per_week, per_30_days, updated_at) VALUES (1, @PerDay, @PerWeek, @Per30Days, @now)
                    ON CONFLICT (id) DO UPDATE SET per_day = excluded.per_day, per_week = excluded.per_week,
                        per_30_days = excluded.per_30_days, updated_at = excluded.updated_at
                    """,
                    new { policy.PerDay, policy.PerWeek, policy.Per30Days, now = Time.GetUtcNow() },
                    tx,
                    ct)),
            cancellationToken);
    }

    public Task<DialClaim> ClaimDialCappedAsync(string attemptKey, string claimToken, IReadOnlyList<ContactCap> caps, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(attemptKey);
        ArgumentException.ThrowIfNullOrWhiteSpace(claimToken);
        ArgumentNullException.ThrowIfNull(caps);
        return ClaimLane.RunAsync(new ClaimCall(attemptKey, claimToken, Checked(caps)), cancellationToken);
    }

    public Task<DateTimeOffset?> ContactCappedUntilAsync(IReadOnlyList<string> callees, IReadOnlyList<ContactCap> caps, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(callees);
        ArgumentNullException.ThrowIfNull(caps);
        var checkedCaps = Checked(caps);
        return checkedCaps.Count == 0 || callees.Count == 0
            ? Task.FromResult<DateTimeOffset?>(null)
            : InTransactionAsync(Access.Read, (conn, tx, ct) => CappedUntilAsync(conn, tx, callees, checkedCaps, Time.GetUtcNow(), null, ct), cancellationToken);
    }

    public Task<IReadOnlyList<(int TargetSeq, int AttemptNo)>> CloseCappedAsync(string campaignId, string errorInfo, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(campaignId);
        ArgumentException.ThrowIfNullOrWhiteSpace(errorInfo);
        return InTransactionAsync<IReadOnlyList<(int, int)>>(
            Access.Write,
            async (conn, tx, ct) =>
            {
                const string Capped = "SELECT target_seq, attempt_no FROM pending_attempts WHERE campaign_id = @campaignId AND capped_until IS NOT NULL AND taken_by IS NULL";
                await conn.ExecuteAsync(Cmd(
                    $"""
                    UPDATE call_attempts SET state = @failed, error_info = @errorInfo, updated_at = @now
                    WHERE campaign_id = @campaignId AND state = @intended AND (target_seq, attempt_no) IN ({Capped})
                    """,
                    new { campaignId, errorInfo, now = Time.GetUtcNow(), failed = Names.Of(AttemptState.Failed), intended = Names.Of(AttemptState.Intended) },
                    tx,
                    ct)).ConfigureAwait(false);
                return [.. await conn.QueryAsync<(int, int)>(Cmd(Capped + " ORDER BY target_seq, attempt_no", new { campaignId }, tx, ct)).ConfigureAwait(false)];
            },
            cancellationToken);
    }

    public Task<int> PruneContactsAsync(DateTimeOffset before, CancellationToken cancellationToken = default) =>
        InTransactionAsync(
            Access.OneBatch,
            (conn, tx, ct) => conn.ExecuteAsync(Cmd("DELETE FROM callee_contacts WHERE contacted_at < @before", new { before }, tx, ct)),
            cancellationToken);

    /// <summary>
    /// <paramref name="update"/> (an UPDATE … RETURNING of claimed attempts) made to also record their callees'
    /// contact in callee_contacts, where the database can do both in one statement (PostgreSQL: a data-modifying
    /// CTE). Otherwise returned as it is, and <see cref="LogContactsAfterAsync"/> records them in the same transaction.
    /// </summary>
    protected virtual string WithContactLog(string update) => update;

    /// <summary>Records the contact of the callees of <paramref name="attemptKeys"/> (just claimed), unless <see cref="WithContactLog"/> did.</summary>
    protected virtual async Task LogContactsAfterAsync(DbConnection conn, DbTransaction? tx, IReadOnlyList<string> attemptKeys, CancellationToken ct)
    {
        if (attemptKeys.Count == 0)
        {
            return;
        }

        var parameters = new DynamicParameters(new { dialing = Names.Of(AttemptState.Dialing) });
        await conn.ExecuteAsync(Cmd(
            $"""
            INSERT INTO callee_contacts (callee, attempt_key, contacted_at)
            SELECT DISTINCT c.value, a.attempt_key, a.claimed_at
            FROM call_attempts a JOIN targets t ON t.campaign_id = a.campaign_id AND t.seq = a.target_seq, {CalleesOf("t.callees")}
            WHERE {In("a.attempt_key", parameters, "keys", attemptKeys)} AND a.state = @dialing
            ON CONFLICT (callee, attempt_key) DO UPDATE SET contacted_at = excluded.contacted_at
            """,
            parameters,
            tx,
            ct)).ConfigureAwait(false);
    }

    /// <summary>
    /// Locks <paramref name="callees"/> until the transaction ends, always in the same order, so that capped claims of
    /// one callee count one after the other. Nothing to do where the database has one writer at a time (SQLite).
    /// </summary>
    protected virtual Task LockCalleesAsync(DbConnection conn, DbTransaction? tx, IReadOnlyList<string> callees, CancellationToken ct) => Task.CompletedTask;

    // Read the attempt and its callees; lock them; count; claim (and log) only when every cap allows it. The count
    // is a command of its own after the lock: it sees every claim a racing transaction committed before letting go.
    private async Task<DialClaim> ClaimCappedAsync(DbConnection conn, DbTransaction? tx, ClaimCall call, CancellationToken ct)
    {
        var row = (await conn.QueryAsync<(string State, string Callees)>(Cmd(
            """
            SELECT a.state, t.callees FROM call_attempts a JOIN targets t ON t.campaign_id = a.campaign_id AND t.seq = a.target_seq
            WHERE a.attempt_key = @attemptKey
            """,
            new { attemptKey = call.Key },
            tx,
            ct)).ConfigureAwait(false)).ToList();
        if (row.Count == 0 || row[0].State != Names.Of(AttemptState.Intended))
        {
            return await ClaimMoveAsync(conn, tx, call, ct).ConfigureAwait(false); // a repeat, a refusal, or unknown: the plain answer
        }

        var callees = JsonSerializer.Deserialize<List<string>>(row[0].Callees) ?? [];
        await LockCalleesAsync(conn, tx, callees, ct).ConfigureAwait(false);
        var cappedUntil = await CappedUntilAsync(conn, tx, callees, call.Caps!, Time.GetUtcNow(), call.Key, ct).ConfigureAwait(false);
        if (cappedUntil is null)
        {
            return await ClaimMoveAsync(conn, tx, call, ct).ConfigureAwait(false);
        }

        var stored = await conn.QuerySingleAsync<CallAttempt>(Cmd(SelectAttempt + " WHERE attempt_key = @attemptKey", new { attemptKey = call.Key }, tx, ct))
            .ConfigureAwait(false);
        return new DialClaim(false, stored) { CappedUntil = cappedUntil };
    }

    // A contact's time is when the vendor answered its start (dialed_at: the call was placed before it), or its
    // claim's while that answer is not in (in flight, or lost): never earlier than the call, so a callee is never
    // rung again sooner than the window after. A start is answered long after its claim only when it was lost and
    // reconciled later; the extra hour reads those too (FreeAt then counts them from their late dialed_at).
    private static readonly TimeSpan AnswerSlack = TimeSpan.FromHours(1);

    private async Task<DateTimeOffset?> CappedUntilAsync(
        DbConnection conn, DbTransaction? tx, IReadOnlyList<string> callees, IReadOnlyList<ContactCap> caps, DateTimeOffset now, string? except, CancellationToken ct)
    {
        var parameters = new DynamicParameters(new { since = now - caps.Max(c => c.Window) - AnswerSlack, except = except ?? string.Empty });
        var contacts = (await conn.QueryAsync<ContactRow>(Cmd(
            $"""
            SELECT l.callee, COALESCE(a.dialed_at, l.contacted_at) AS contacted_at
            FROM callee_contacts l JOIN call_attempts a ON a.attempt_key = l.attempt_key
            WHERE {In("l.callee", parameters, "callees", [.. callees.Distinct(StringComparer.Ordinal)])} AND l.contacted_at > @since
              AND l.attempt_key <> @except AND a.state IN {ContactedStates}
            """,
            parameters,
            tx,
            ct)).ConfigureAwait(false)).ToList();
        DateTimeOffset? until = null;
        foreach (var (_, free) in FreeTimes(contacts, caps, now))
        {
            until = until is null || free > until ? free : until;
        }

        return until;
    }

    // Per callee over a cap at `now`: when the caps allow one more attempt.
    private static IEnumerable<(string Callee, DateTimeOffset FreeAt)> FreeTimes(IEnumerable<ContactRow> contacts, IReadOnlyList<ContactCap> caps, DateTimeOffset now)
    {
        foreach (var callee in contacts.GroupBy(c => c.Callee, StringComparer.Ordinal))
        {
            if (ContactCap.FreeAt(caps, callee.Select(c => c.ContactedAt), now) is { } free)
            {
                yield return (callee.Key, free);
            }
        }
    }

    // Callees per query when many are asked at once (SQLite's parameter limit is far above this).
    private const int FreeTimesPage = 500;

    public Task<IReadOnlyDictionary<string, DateTimeOffset>> ContactFreeTimesAsync(
        IReadOnlyList<string> callees, IReadOnlyList<ContactCap> caps, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(callees);
        ArgumentNullException.ThrowIfNull(caps);
        var checkedCaps = Checked(caps);
        if (checkedCaps.Count == 0 || callees.Count == 0)
        {
            return Task.FromResult<IReadOnlyDictionary<string, DateTimeOffset>>(new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal));
        }

        return InTransactionAsync<IReadOnlyDictionary<string, DateTimeOffset>>(
            Access.Read,
            async (conn, tx, ct) =>
            {
                var now = Time.GetUtcNow();
                var free = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
                foreach (var page in callees.Distinct(StringComparer.Ordinal).Chunk(FreeTimesPage))
                {
                    var parameters = new DynamicParameters(new { since = now - checkedCaps.Max(c => c.Window) - AnswerSlack });
                    var contacts = await conn.QueryAsync<ContactRow>(Cmd(
                        $"""
                        SELECT l.callee, COALESCE(a.dialed_at, l.contacted_at) AS contacted_at
                        FROM callee_contacts l JOIN call_attempts a ON a.attempt_key = l.attempt_key
                        WHERE {In("l.callee", parameters, "callees", page)} AND l.contacted_at > @since AND a.state IN {ContactedStates}
                        """,
                        parameters,
                        tx,
                        ct)).ConfigureAwait(false);
                    foreach (var (callee, at) in FreeTimes(contacts, checkedCaps, now))
                    {
                        free[callee] = at;
                    }
                }

                return free;
            },
            cancellationToken);
    }

    private static List<ContactCap> Checked(IReadOnlyList<ContactCap> caps)
    {
        foreach (var cap in caps)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(cap.Limit, 1, nameof(caps));
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(cap.Window, TimeSpan.Zero, nameof(caps));
        }

        return [.. caps];
    }

    private sealed class ContactRow
    {
        public string Callee { get; init; } = string.Empty;

        public DateTimeOffset ContactedAt { get; init; }
    }
}
