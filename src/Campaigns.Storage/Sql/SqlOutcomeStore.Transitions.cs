using System.Text.Json;
using Campaigns.Storage.Model;
using Dapper;

namespace Campaigns.Storage.Sql;

/// <summary>The claim before dialing, and the guarded moves of an attempt after it.</summary>
internal abstract partial class SqlOutcomeStore
{
    public async Task<DialClaim> ClaimDialAsync(string attemptKey, string claimToken, CancellationToken cancellationToken = default) =>
        (await ClaimDialsAsync([attemptKey], claimToken, cancellationToken).ConfigureAwait(false))[0];

    public Task<IReadOnlyList<DialClaim>> ClaimDialsAsync(IReadOnlyList<string> attemptKeys, string claimToken, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(attemptKeys);
        ArgumentException.ThrowIfNullOrWhiteSpace(claimToken);
        var keys = attemptKeys.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return InTransactionAsync<IReadOnlyList<DialClaim>>(Access.OneBatch, async (conn, tx, ct) =>
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
                $"""
                UPDATE call_attempts SET state = @dialing, claim_token = @claimToken, claimed_at = @now, updated_at = @now
                WHERE attempt_key IN (
                    SELECT attempt_key FROM call_attempts WHERE {inKeys} AND state = @intended ORDER BY attempt_key{ForUpdate})
                  AND state = @intended
                RETURNING {AttemptColumns}
                """,
                parameters,
                tx,
                ct)).ConfigureAwait(false)).ToDictionary(a => a.AttemptKey, StringComparer.Ordinal);

            // Those not moved are read in a command of their own, which sees what a racing claimer committed.
            var stored = moved.Count == keys.Count ? moved : (await conn.QueryAsync<CallAttempt>(Cmd(
                $"{SelectAttempt} WHERE {inKeys}", parameters, tx, ct)).ConfigureAwait(false)).ToDictionary(a => a.AttemptKey, StringComparer.Ordinal);
            return [.. attemptKeys.Select(key => stored.TryGetValue(key, out var a)
                ? new DialClaim(moved.ContainsKey(key) || (a.State == AttemptState.Dialing && a.ClaimToken == claimToken), a)
                : throw new InvalidOperationException($"attempt '{key}' does not exist"))];
        }, cancellationToken);
    }

    public Task<CallAttempt> MarkDialedAsync(string attemptKey, string callId, IReadOnlyDictionary<string, long> resultCodes, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(callId);
        return TransitionAsync(
            attemptKey,
            AttemptState.Dialed,
            [AttemptState.Intended, AttemptState.Dialing, AttemptState.Unknown],
            "call_id = @callId, result_codes = @codes, dialed_at = @now, error_code = NULL, error_info = NULL",
            new { callId, codes = JsonSerializer.Serialize(resultCodes) },
            stored => stored.CallId == callId,
            cancellationToken);
    }

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
        TransitionAsync(attemptKey, AttemptState.Settled, [AttemptState.Dialed], "settled_at = @now", new { }, _ => true, cancellationToken);

    // Moves the attempt only from the allowed states. Found already in the target state, it is a repeat
    // (a retried step) when `isRepeat` says so; anything else is refused, the row left alone, and the
    // stored row comes back flagged, so the caller acts on the truth.
    private Task<CallAttempt> TransitionAsync(
        string attemptKey, AttemptState to, AttemptState[] from, string set, object values, Func<CallAttempt, bool> isRepeat, CancellationToken cancellationToken) =>
        InTransactionAsync(Access.OneBatch, async (conn, tx, ct) =>
        {
            var parameters = new DynamicParameters(values);
            parameters.Add("attemptKey", attemptKey);
            parameters.Add("to", Names.Of(to));
            parameters.Add("now", Time.GetUtcNow());
            var moved = (await conn.QueryAsync<CallAttempt>(Cmd(
                $"""
                UPDATE call_attempts SET state = @to, updated_at = @now, {set}
                WHERE attempt_key = @attemptKey AND {In("state", parameters, "from", [.. from.Select(Names.Of)])}
                RETURNING {AttemptColumns}
                """,
                parameters,
                tx,
                ct)).ConfigureAwait(false)).SingleOrDefault();
            if (moved is not null)
            {
                return moved;
            }

            // Not moved: read what is stored (a command of its own, which sees what a racing writer committed).
            var stored = await conn.QuerySingleOrDefaultAsync<CallAttempt>(Cmd(SelectAttempt + " WHERE attempt_key = @attemptKey", parameters, tx, ct))
                .ConfigureAwait(false) ?? throw new InvalidOperationException($"attempt '{attemptKey}' does not exist");
            return stored.State == to && isRepeat(stored) ? stored : stored with { Refused = true };
        }, cancellationToken);
}
