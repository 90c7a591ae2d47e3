using System.Data.Common;
using System.Text.Json;
using Campaigns.Storage.Model;
using Dapper;

namespace Campaigns.Storage.Sql;

/// <summary>Call attempts: the intent written before dialing, and guarded state transitions.</summary>
internal abstract partial class SqlOutcomeStore
{
    private const string SelectAttempt =
        """
        SELECT attempt_key, campaign_id, target_seq, attempt_no, state, call_id, result_codes, error_code, error_info,
               intended_at, dialed_at, settled_at
        FROM call_attempts
        """;

    public async Task<CallAttempt> RecordIntentAsync(string campaignId, int targetSeq, int attemptNo, CancellationToken cancellationToken = default) =>
        (await RecordIntentsAsync(campaignId, [(targetSeq, attemptNo)], cancellationToken).ConfigureAwait(false))[0];

    public Task<IReadOnlyList<CallAttempt>> RecordIntentsAsync(
        string campaignId, IReadOnlyList<(int TargetSeq, int AttemptNo)> attempts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(attempts);
        var rows = attempts.Select(a => new StagedIntent(AttemptKey.For(campaignId, a.TargetSeq, a.AttemptNo), a.TargetSeq, a.AttemptNo)).ToList();
        return InTransactionAsync<IReadOnlyList<CallAttempt>>(async (conn, tx) =>
        {
            await conn.ExecuteAsync(
                "CREATE TEMP TABLE intents_in (attempt_key text NOT NULL, target_seq integer NOT NULL, attempt_no integer NOT NULL)", transaction: tx)
                .ConfigureAwait(false);
            await StageIntentsAsync(conn, tx, rows, cancellationToken).ConfigureAwait(false);

            // The do-not-call list is checked here, in the same transaction that writes the intent: an
            // attempt of a target with a listed callee is stored as skipped, and a dialer never sees it.
            await conn.ExecuteAsync(
                $"""
                INSERT INTO call_attempts (attempt_key, campaign_id, target_seq, attempt_no, state, error_info, intended_at, updated_at)
                SELECT i.attempt_key, @campaignId, i.target_seq, i.attempt_no,
                       CASE WHEN b.callee IS NULL THEN @intended ELSE @skipped END,
                       CASE WHEN b.callee IS NULL THEN NULL ELSE 'do-not-call: ' || b.callee END,
                       @now, @now
                FROM intents_in i
                JOIN targets t ON t.campaign_id = @campaignId AND t.seq = i.target_seq
                LEFT JOIN (
                    SELECT l.seq, MIN(c.value) AS callee
                    FROM targets l CROSS JOIN {CalleesOf("l.callees")} JOIN do_not_call d ON d.callee = c.value
                    WHERE l.campaign_id = @campaignId AND l.seq IN (SELECT target_seq FROM intents_in)
                    GROUP BY l.seq) b ON b.seq = i.target_seq
                WHERE true
                ON CONFLICT (attempt_key) DO NOTHING
                """,
                new { campaignId, intended = Names.Of(AttemptState.Intended), skipped = Names.Of(AttemptState.Skipped), now = Time.GetUtcNow() },
                tx).ConfigureAwait(false);
            var stored = (await conn.QueryAsync<CallAttempt>(
                    SelectAttempt + " WHERE attempt_key IN (SELECT attempt_key FROM intents_in)", transaction: tx).ConfigureAwait(false))
                .ToDictionary(a => a.AttemptKey, StringComparer.Ordinal);
            await conn.ExecuteAsync("DROP TABLE intents_in", transaction: tx).ConfigureAwait(false);
            var missing = rows.FirstOrDefault(r => !stored.ContainsKey(r.AttemptKey));
            return missing is null
                ? rows.Select(r => stored[r.AttemptKey]).ToList()
                : throw new InvalidOperationException($"target {missing.TargetSeq} of campaign '{campaignId}' does not exist");
        }, cancellationToken);
    }

    /// <summary>Fills the temp table <c>intents_in (attempt_key, target_seq, attempt_no)</c>.</summary>
    protected abstract Task StageIntentsAsync(DbConnection conn, DbTransaction tx, IReadOnlyList<StagedIntent> rows, CancellationToken cancellationToken);

    public Task<CallAttempt?> GetAttemptAsync(string attemptKey, CancellationToken cancellationToken = default) =>
        InTransactionAsync((conn, tx) => conn.QuerySingleOrDefaultAsync<CallAttempt>(SelectAttempt + " WHERE attempt_key = @attemptKey", new { attemptKey }, tx), cancellationToken);

    public Task<CallAttempt?> GetAttemptByCallIdAsync(string callId, CancellationToken cancellationToken = default) =>
        InTransactionAsync((conn, tx) => conn.QuerySingleOrDefaultAsync<CallAttempt>(SelectAttempt + " WHERE call_id = @callId", new { callId }, tx), cancellationToken);

    public Task<IReadOnlyList<CallAttempt>> GetAttemptsAsync(string campaignId, AttemptState state, int limit = 1000, CancellationToken cancellationToken = default) =>
        InTransactionAsync<IReadOnlyList<CallAttempt>>(async (conn, tx) => [.. await conn.QueryAsync<CallAttempt>(
            SelectAttempt + " WHERE campaign_id = @campaignId AND state = @state ORDER BY target_seq, attempt_no LIMIT @limit",
            new { campaignId, state = Names.Of(state), limit },
            tx).ConfigureAwait(false)], cancellationToken);

    public Task<CallAttempt> MarkDialedAsync(string attemptKey, string callId, IReadOnlyDictionary<string, long> resultCodes, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(callId);
        return TransitionAsync(
            attemptKey,
            AttemptState.Dialed,
            [AttemptState.Intended, AttemptState.Unknown],
            "call_id = @callId, result_codes = @codes, dialed_at = @now, error_code = NULL, error_info = NULL",
            new { callId, codes = JsonSerializer.Serialize(resultCodes) },
            cancellationToken);
    }

    public Task<CallAttempt> MarkUnknownAsync(string attemptKey, string errorInfo, CancellationToken cancellationToken = default) =>
        TransitionAsync(attemptKey, AttemptState.Unknown, [AttemptState.Intended], "error_info = @errorInfo", new { errorInfo }, cancellationToken);

    public Task<CallAttempt> MarkFailedAsync(string attemptKey, long? errorCode, string errorInfo, CancellationToken cancellationToken = default) =>
        TransitionAsync(
            attemptKey, AttemptState.Failed, [AttemptState.Intended, AttemptState.Unknown],
            "error_code = @errorCode, error_info = @errorInfo", new { errorCode, errorInfo }, cancellationToken);

    public Task<CallAttempt> MarkSettledAsync(string attemptKey, CancellationToken cancellationToken = default) =>
        TransitionAsync(attemptKey, AttemptState.Settled, [AttemptState.Dialed], "settled_at = @now", new { }, cancellationToken);

    /// <summary>An intent on its way in.</summary>
    protected internal sealed record StagedIntent(string AttemptKey, int TargetSeq, int AttemptNo);

    // Moves the attempt only from the allowed states; in any other state (including the target one,
    // when this is a retry) it is left alone. The stored row is returned so the caller acts on the truth.
    private Task<CallAttempt> TransitionAsync(
        string attemptKey, AttemptState to, AttemptState[] from, string set, object values, CancellationToken cancellationToken) =>
        InTransactionAsync(async (conn, tx) =>
        {
            var parameters = new DynamicParameters(values);
            parameters.Add("attemptKey", attemptKey);
            parameters.Add("to", Names.Of(to));
            parameters.Add("from", from.Select(Names.Of).ToArray());
            parameters.Add("now", Time.GetUtcNow());
            await conn.ExecuteAsync(
                $"UPDATE call_attempts SET state = @to, updated_at = @now, {set} WHERE attempt_key = @attemptKey AND {InList("state", "@from")}",
                parameters,
                tx).ConfigureAwait(false);
            return await conn.QuerySingleOrDefaultAsync<CallAttempt>(SelectAttempt + " WHERE attempt_key = @attemptKey", new { attemptKey }, tx)
                .ConfigureAwait(false) ?? throw new InvalidOperationException($"attempt '{attemptKey}' does not exist");
        }, cancellationToken);
}
