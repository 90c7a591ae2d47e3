using Campaigns.Storage.Model;
using Dapper;

namespace Campaigns.Storage.Sql;

/// <content>
/// What finishes attempts nobody else will: a found call settled in one transaction, the intents of a cancelled
/// campaign closed, and the pages of Dialed / Dialing attempts whose batch is gone (issue 18: every end state).
/// </content>
internal abstract partial class SqlOutcomeStore
{
    private const string StaleDialed = "'dialed'";

    public Task<CallAttempt> ResolveFoundAsync(string attemptKey, string callId, IReadOnlyList<Outcome> outcomes, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(attemptKey);
        ArgumentException.ThrowIfNullOrWhiteSpace(callId);
        var settle = new SettleCall(attemptKey, StagedFor(attemptKey, outcomes));
        return InTransactionAsync(
            Access.Write,
            async (conn, tx, ct) =>
            {
                // Dialed first (a repeat when already Dialed or Settled with this CallId), then the settle: one
                // transaction, so a failure between the two can never leave a Dialed attempt that nobody settles.
                var dialed = await TransitionAsync(conn, tx, attemptKey, Dialed(new DialedCall(attemptKey, callId, "{}")), ct).ConfigureAwait(false);
                if (dialed.Refused && !(dialed.State == AttemptState.Settled && dialed.CallId == callId))
                {
                    return dialed;
                }

                return dialed.State == AttemptState.Settled ? dialed with { Refused = false } : await SettleInAsync(conn, tx, settle, ct).ConfigureAwait(false);
            },
            cancellationToken);
    }

    public Task<int> CloseIntendedAsync(string campaignId, string errorInfo, IReadOnlyList<string>? attemptKeys = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(campaignId);
        if (attemptKeys is { Count: 0 })
        {
            return Task.FromResult(0);
        }

        var parameters = new DynamicParameters(new
        {
            campaignId, errorInfo, now = Time.GetUtcNow(), failed = Names.Of(AttemptState.Failed), intended = Names.Of(AttemptState.Intended),
        });
        var keys = attemptKeys is null ? string.Empty : " AND " + In("attempt_key", parameters, "keys", [.. attemptKeys.Distinct(StringComparer.Ordinal)]);
        return InTransactionAsync(
            Access.OneBatch,
            (conn, tx, ct) => conn.ExecuteAsync(Cmd(
                $"""
                UPDATE call_attempts SET state = @failed, error_info = @errorInfo, updated_at = @now
                WHERE campaign_id = @campaignId AND state = @intended{keys}
                """,
                parameters,
                tx,
                ct)),
            cancellationToken);
    }

    // The token is part of the compare-and-set, as for a release: a holder whose claim was taken over (its
    // execution timed out, the attempt reconciled or claimed afresh) can never close someone else's attempt.
    public Task<CallAttempt> FailClaimAsync(string attemptKey, string claimToken, long? errorCode, string errorInfo, CancellationToken cancellationToken = default) =>
        MoveClaimAsync(attemptKey, claimToken, AttemptState.Failed, "error_code = @errorCode, error_info = @errorInfo", new { errorCode, errorInfo }, cancellationToken);

    // The same compare-and-set for a reconciler: only the claim it searched for becomes Unknown, never one taken
    // afresh since (released and claimed again, whose start may be on its way).
    public Task<CallAttempt> MarkClaimUnknownAsync(string attemptKey, string claimToken, string errorInfo, CancellationToken cancellationToken = default) =>
        MoveClaimAsync(attemptKey, claimToken, AttemptState.Unknown, "error_info = @errorInfo", new { errorInfo }, cancellationToken);

    private Task<CallAttempt> MoveClaimAsync(string attemptKey, string claimToken, AttemptState to, string set, object values, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(attemptKey);
        ArgumentException.ThrowIfNullOrWhiteSpace(claimToken);
        return InTransactionAsync(
            Access.OneBatch,
            async (conn, tx, ct) =>
            {
                var parameters = new DynamicParameters(values);
                parameters.AddDynamicParams(new { attemptKey, claimToken, now = Time.GetUtcNow(), to = Names.Of(to), dialing = Names.Of(AttemptState.Dialing) });
                var moved = (await conn.QueryAsync<CallAttempt>(Cmd(
                    $"""
                    UPDATE call_attempts SET state = @to, updated_at = @now, {set}
                    WHERE attempt_key = @attemptKey AND state = @dialing AND claim_token = @claimToken
                    RETURNING {AttemptColumns}
                    """,
                    parameters,
                    tx,
                    ct)).ConfigureAwait(false)).SingleOrDefault();
                if (moved is not null)
                {
                    return moved;
                }

                var stored = await conn.QuerySingleOrDefaultAsync<CallAttempt>(Cmd(SelectAttempt + " WHERE attempt_key = @attemptKey", new { attemptKey }, tx, ct))
                    .ConfigureAwait(false) ?? throw new InvalidOperationException($"attempt '{attemptKey}' does not exist");
                return stored.State == to && stored.ClaimToken == claimToken ? stored : stored with { Refused = true };
            },
            cancellationToken);
    }

    // Served by the partial index call_attempts_dialed (migration 0006): few rows, whatever the table's size.
    public Task<IReadOnlyList<CallAttempt>> GetStaleDialedAttemptsAsync(
        DateTimeOffset changedBefore, string? afterAttemptKey, int limit, CancellationToken cancellationToken = default) =>
        StalePageAsync($"state = {StaleDialed}", changedBefore, afterAttemptKey, limit, cancellationToken);

    // Served by call_attempts_open (the literal open-state predicate lets PostgreSQL use the partial index).
    public Task<IReadOnlyList<CallAttempt>> GetStaleDialingAttemptsAsync(
        DateTimeOffset changedBefore, string? afterAttemptKey, int limit, CancellationToken cancellationToken = default) =>
        StalePageAsync($"state IN {OpenStates} AND state = 'dialing'", changedBefore, afterAttemptKey, limit, cancellationToken);

    private Task<IReadOnlyList<CallAttempt>> StalePageAsync(string stateClause, DateTimeOffset changedBefore, string? afterAttemptKey, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        return InTransactionAsync<IReadOnlyList<CallAttempt>>(
            Access.Read,
            async (conn, tx, ct) => [.. await conn.QueryAsync<CallAttempt>(Cmd(
                SelectAttempt + $" WHERE {stateClause} AND updated_at < @changedBefore AND attempt_key > @after ORDER BY attempt_key LIMIT @limit",
                new { changedBefore, after = afterAttemptKey ?? string.Empty, limit },
                tx,
                ct)).ConfigureAwait(false)],
            cancellationToken);
    }
}
