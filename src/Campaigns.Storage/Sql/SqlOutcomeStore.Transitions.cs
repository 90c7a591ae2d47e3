using System.Data.Common;
using System.Text.Json;
using Campaigns.Storage.Model;
using Dapper;

namespace Campaigns.Storage.Sql;

/// <content>The claim before dialing, and the guarded moves of an attempt after it.</content>
internal abstract partial class SqlOutcomeStore
{
    // Concurrent claims go to the database together (group commit); a claim alone is the statement below.
    public Task<DialClaim> ClaimDialAsync(string attemptKey, string claimToken, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(attemptKey);
        ArgumentException.ThrowIfNullOrWhiteSpace(claimToken);
        return ClaimLane.RunAsync(new ClaimCall(attemptKey, claimToken), cancellationToken);
    }

    // Under contact caps, the claim first counts the callees' attempts (ClaimCappedAsync).
    private Task<DialClaim> ClaimAsync(DbConnection conn, DbTransaction? tx, ClaimCall call, CancellationToken ct) =>
        call.Caps is { Count: > 0 } ? ClaimCappedAsync(conn, tx, call, ct) : ClaimMoveAsync(conn, tx, call, ct);

    // One key needs no lock ordering: a plain compare-and-set on the primary key, whose plan PostgreSQL
    // prepares once (the batch form's array makes it plan every call). A racing claimer waits for the
    // first one's commit, then finds Dialing and moves nothing. The move records the callees' contact
    // (WithContactLog) in the same statement (PostgreSQL) or transaction (SQLite).
    private async Task<DialClaim> ClaimMoveAsync(DbConnection conn, DbTransaction? tx, ClaimCall call, CancellationToken ct)
    {
        var (attemptKey, claimToken) = (call.Key, call.Token);
        var moved = (await conn.QueryAsync<CallAttempt>(Cmd(
            WithContactLog(
                $"""
                UPDATE call_attempts SET state = @dialing, claim_token = @claimToken, claimed_at = @now, updated_at = @now
                WHERE attempt_key = @attemptKey AND state = @intended
                RETURNING {AttemptColumns}
                """),
            new { attemptKey, claimToken, now = Time.GetUtcNow(), dialing = Names.Of(AttemptState.Dialing), intended = Names.Of(AttemptState.Intended) },
            tx,
            ct)).ConfigureAwait(false)).SingleOrDefault();
        if (moved is not null)
        {
            await LogContactsAfterAsync(conn, tx, [moved.AttemptKey], ct).ConfigureAwait(false);
            return new DialClaim(true, moved);
        }

        var stored = await conn.QuerySingleOrDefaultAsync<CallAttempt>(Cmd(SelectAttempt + " WHERE attempt_key = @attemptKey", new { attemptKey }, tx, ct))
            .ConfigureAwait(false) ?? throw new InvalidOperationException($"attempt '{attemptKey}' does not exist");
        return new DialClaim(stored.State == AttemptState.Dialing && stored.ClaimToken == claimToken, stored);
    }

    public Task<IReadOnlyList<DialClaim>> ClaimDialsAsync(IReadOnlyList<string> attemptKeys, string claimToken, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(attemptKeys);
        ArgumentException.ThrowIfNullOrWhiteSpace(claimToken);
        var keys = attemptKeys.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return InTransactionAsync<IReadOnlyList<DialClaim>>(
            Access.OneBatch,
            async (conn, tx, ct) =>
            {
                // Compare-and-set: only an Intended row moves. Rows are locked in key order (no deadlock between
                // overlapping batches); a racing claimer waits for the first one's commit, then finds Dialing.
                var parameters = new DynamicParameters(new
                {
                    claimToken,
                    now = Time.GetUtcNow(),
                    dialing = Names.Of(AttemptState.Dialing),
                    intended = Names.Of(AttemptState.Intended),
                });
                var inKeys = In("attempt_key", parameters, "keys", keys);
                var moved = (await conn.QueryAsync<CallAttempt>(Cmd(
                    WithContactLog(
                        $"""
                        UPDATE call_attempts SET state = @dialing, claim_token = @claimToken, claimed_at = @now, updated_at = @now
                        WHERE attempt_key IN (
                            SELECT attempt_key FROM call_attempts WHERE {inKeys} AND state = @intended ORDER BY attempt_key{ForUpdate})
                          AND state = @intended
                        RETURNING {AttemptColumns}
                        """),
                    parameters,
                    tx,
                    ct)).ConfigureAwait(false)).ToDictionary(a => a.AttemptKey, StringComparer.Ordinal);
                await LogContactsAfterAsync(conn, tx, [.. moved.Keys], ct).ConfigureAwait(false);

                // Those not moved are read in a command of their own, which sees what a racing claimer committed.
                var stored = moved.Count == keys.Count ? moved : (await conn.QueryAsync<CallAttempt>(Cmd(
                    $"{SelectAttempt} WHERE {inKeys}", parameters, tx, ct)).ConfigureAwait(false)).ToDictionary(a => a.AttemptKey, StringComparer.Ordinal);
                return [.. attemptKeys.Select(key => stored.TryGetValue(key, out var a)
                    ? new DialClaim(moved.ContainsKey(key) || (a.State == AttemptState.Dialing && a.ClaimToken == claimToken), a)
                    : throw new InvalidOperationException($"attempt '{key}' does not exist"))];
            },
            cancellationToken);
    }

    // The token is part of the compare-and-set: a holder that lost its claim (its execution timed out and a
    // retry reconciled the attempt) can never hand back a claim that is not its own.
    public Task<CallAttempt> ReleaseClaimAsync(string attemptKey, string claimToken, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(attemptKey);
        ArgumentException.ThrowIfNullOrWhiteSpace(claimToken);
        return InTransactionAsync(
            Access.OneBatch,
            async (conn, tx, ct) =>
            {
                var released = (await conn.QueryAsync<CallAttempt>(Cmd(
                    $"""
                    UPDATE call_attempts SET state = @intended, claim_token = NULL, claimed_at = NULL, updated_at = @now
                    WHERE attempt_key = @attemptKey AND state = @dialing AND claim_token = @claimToken
                    RETURNING {AttemptColumns}
                    """,
                    new { attemptKey, claimToken, now = Time.GetUtcNow(), dialing = Names.Of(AttemptState.Dialing), intended = Names.Of(AttemptState.Intended) },
                    tx,
                    ct)).ConfigureAwait(false)).SingleOrDefault();
                if (released is not null)
                {
                    return released;
                }

                var stored = await conn.QuerySingleOrDefaultAsync<CallAttempt>(Cmd(SelectAttempt + " WHERE attempt_key = @attemptKey", new { attemptKey }, tx, ct))
                    .ConfigureAwait(false) ?? throw new InvalidOperationException($"attempt '{attemptKey}' does not exist");
                return stored.State == AttemptState.Intended && stored.ClaimToken is null ? stored : stored with { Refused = true };
            },
            cancellationToken);
    }

    // Concurrent dialed marks go to the database together (group commit).
    public Task<CallAttempt> MarkDialedAsync(string attemptKey, string callId, IReadOnlyDictionary<string, long> resultCodes, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(callId);
        return DialedLane.RunAsync(new DialedCall(attemptKey, callId, JsonSerializer.Serialize(resultCodes)), cancellationToken);
    }

    /// <summary>Intended, Dialing or Unknown → Dialed with the call's id; a repeat when already Dialed with the same id.</summary>
    protected static Move Dialed(DialedCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        return new(
            AttemptState.Dialed,
            DialedFrom,
            "call_id = @callId, result_codes = @codes, dialed_at = @now, error_code = NULL, error_info = NULL",
            new { callId = call.CallId, codes = call.Codes },
            stored => stored.CallId == call.CallId);
    }

    /// <summary>The states a dialed mark moves an attempt from.</summary>
    protected static AttemptState[] DialedFrom { get; } = [AttemptState.Intended, AttemptState.Dialing, AttemptState.Unknown];

    public Task<CallAttempt> MarkUnknownAsync(string attemptKey, string errorInfo, CancellationToken cancellationToken = default) =>
        TransitionAsync(
            attemptKey, AttemptState.Unknown, [AttemptState.Intended, AttemptState.Dialing], "error_info = @errorInfo", new { errorInfo }, _ => true, cancellationToken);

    public Task<CallAttempt> MarkFailedAsync(string attemptKey, long? errorCode, string errorInfo, CancellationToken cancellationToken = default) =>
        TransitionAsync(
            attemptKey,
            AttemptState.Failed,
            [AttemptState.Intended, AttemptState.Dialing, AttemptState.Unknown],
            "error_code = @errorCode, error_info = @errorInfo",
            new { errorCode, errorInfo },
            _ => true,
            cancellationToken);

    public Task<CallAttempt> MarkSettledAsync(string attemptKey, CancellationToken cancellationToken = default) =>
        InTransactionAsync(Access.OneBatch, (conn, tx, ct) => TransitionAsync(conn, tx, attemptKey, Settled, ct), cancellationToken);

    /// <summary>Dialed → Settled; a repeat when already Settled.</summary>
    protected static Move Settled { get; } = new(AttemptState.Settled, [AttemptState.Dialed], "settled_at = @now", new { }, _ => true);

    // Moves the attempt only from the allowed states. Found already in the target state, it is a repeat
    // (a retried step) when `isRepeat` says so; anything else is refused, the row left alone, and the
    // stored row comes back flagged, so the caller acts on the truth.
    private Task<CallAttempt> TransitionAsync(
        string attemptKey, AttemptState to, AttemptState[] from, string set, object values, Func<CallAttempt, bool> isRepeat, CancellationToken cancellationToken) =>
        InTransactionAsync(
            Access.OneBatch, (conn, tx, ct) => TransitionAsync(conn, tx, attemptKey, new Move(to, from, set, values, isRepeat), ct), cancellationToken);

    private async Task<CallAttempt> TransitionAsync(DbConnection conn, DbTransaction? tx, string attemptKey, Move move, CancellationToken ct)
    {
        var parameters = new DynamicParameters(move.Values);
        parameters.Add("attemptKey", attemptKey);
        parameters.Add("to", Names.Of(move.To));
        parameters.Add("now", Time.GetUtcNow());
        var moved = (await conn.QueryAsync<CallAttempt>(Cmd(
            $"""
            UPDATE call_attempts SET state = @to, updated_at = @now, {move.Set}
            WHERE attempt_key = @attemptKey AND {In("state", parameters, "from", [.. move.From.Select(Names.Of)])}
            RETURNING {AttemptColumns}
            """,
            parameters,
            tx,
            ct)).ConfigureAwait(false)).SingleOrDefault();
        return moved ?? await StoredAfterRefusalAsync(conn, tx, attemptKey, move, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// After a move did not happen: the stored attempt (read in a command of its own, which sees what a racing
    /// writer committed), flagged <see cref="CallAttempt.Refused"/> unless the move is a repeat.
    /// </summary>
    protected static async Task<CallAttempt> StoredAfterRefusalAsync(DbConnection conn, DbTransaction? tx, string attemptKey, Move move, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(move);
        var stored = await conn.QuerySingleOrDefaultAsync<CallAttempt>(Cmd(SelectAttempt + " WHERE attempt_key = @attemptKey", new { attemptKey }, tx, ct))
            .ConfigureAwait(false) ?? throw new InvalidOperationException($"attempt '{attemptKey}' does not exist");
        return stored.State == move.To && move.IsRepeat(stored) ? stored : stored with { Refused = true };
    }

    /// <summary>A guarded move of an attempt: to a state, from the states allowed, what else it sets, and when finding it done is a repeat.</summary>
    protected internal sealed record Move(AttemptState To, AttemptState[] From, string Set, object Values, Func<CallAttempt, bool> IsRepeat);
}
