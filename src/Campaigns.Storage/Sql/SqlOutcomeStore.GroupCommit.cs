using System.Data.Common;
using Campaigns.Storage.Model;

namespace Campaigns.Storage.Sql;

/// <content>
/// Group commit on the per-call path (see <see cref="Coalescer{TItem, TResult}"/>): concurrent single-row
/// intents, claims, dialed marks and settles each go to the database together. A member's result from the
/// batch is what its own call would have returned; where the batch's statement did not move a member's row
/// (a refusal, a repeat, a race) the member runs alone, so every guard and answer is the one-call code's.
/// The base form runs the members' one-call work in one transaction (SQLite: one writer turn, one sync);
/// PostgreSQL overrides it with one statement per batch.
/// </content>
internal abstract partial class SqlOutcomeStore
{
    /// <summary>At most this many calls go together (a batch's rows stay a small, plan-once row set).</summary>
    protected const int GroupCommitMax = 32;

    /// <summary>Single intents (<see cref="RecordIntentAsync"/>), together per campaign through the batch statement.</summary>
    internal Coalescer<IntentCall, CallAttempt> IntentLane { get; }

    internal Coalescer<ClaimCall, DialClaim> ClaimLane { get; }

    internal Coalescer<DialedCall, CallAttempt> DialedLane { get; }

    internal Coalescer<SettleCall, CallAttempt> SettleLane { get; }

    private Coalescer<IntentCall, CallAttempt> NewIntentLane() => new(
        GroupCommitMax,
        c => c.Key,
        (a, b) => a.CampaignId == b.CampaignId,
        async (c, ct) => (await RecordIntentsAsync(c.CampaignId, [(c.TargetSeq, c.AttemptNo)], ct).ConfigureAwait(false))[0],
        async (calls, ct) => [.. await RecordIntentsAsync(calls[0].CampaignId, [.. calls.Select(c => (c.TargetSeq, c.AttemptNo))], ct).ConfigureAwait(false)],
        Options.GroupCommit);

    private Coalescer<ClaimCall, DialClaim> NewClaimLane() => new(
        GroupCommitMax,
        c => c.Key,
        (_, _) => true,
        // A claim under contact caps reads, locks and writes in several commands: a transaction of its own.
        (c, ct) => InTransactionAsync(c.Caps is { Count: > 0 } ? Access.Write : Access.OneBatch, (conn, tx, ct2) => ClaimAsync(conn, tx, c, ct2), ct),
        ClaimTogetherAsync,
        Options.GroupCommit);

    private Coalescer<DialedCall, CallAttempt> NewDialedLane() => new(
        GroupCommitMax,
        c => c.Key,
        (_, _) => true,
        (c, ct) => InTransactionAsync(Access.OneBatch, (conn, tx, ct2) => TransitionAsync(conn, tx, c.Key, Dialed(c), ct2), ct),
        DialedTogetherAsync,
        Options.GroupCommit);

    private Coalescer<SettleCall, CallAttempt> NewSettleLane() => new(
        GroupCommitMax,
        c => c.Key,
        (_, _) => true,
        SettleAloneAsync,
        SettleTogetherAsync,
        Options.GroupCommit);

    /// <summary>Claims of several attempts (each with its own token) in one go; null for a member that must run alone.</summary>
    protected virtual Task<IReadOnlyList<DialClaim?>> ClaimTogetherAsync(IReadOnlyList<ClaimCall> calls, CancellationToken cancellationToken) =>
        InOneTransactionAsync(calls, ClaimAsync, cancellationToken);

    protected virtual Task<IReadOnlyList<CallAttempt?>> DialedTogetherAsync(IReadOnlyList<DialedCall> calls, CancellationToken cancellationToken) =>
        InOneTransactionAsync(calls, (conn, tx, c, ct) => TransitionAsync(conn, tx, c.Key, Dialed(c), ct), cancellationToken);

    protected virtual Task<IReadOnlyList<CallAttempt?>> SettleTogetherAsync(IReadOnlyList<SettleCall> calls, CancellationToken cancellationToken) =>
        InOneTransactionAsync(calls, (conn, tx, c, ct) => SettleInAsync(conn, tx, c, ct), cancellationToken);

    /// <summary>The one-call work of each member, one after the other, in one transaction: any error and none of it stays.</summary>
    private Task<IReadOnlyList<TResult?>> InOneTransactionAsync<TCall, TResult>(
        IReadOnlyList<TCall> calls, Func<DbConnection, DbTransaction?, TCall, CancellationToken, Task<TResult>> work, CancellationToken cancellationToken)
        where TResult : class =>
        InTransactionAsync<IReadOnlyList<TResult?>>(
            Access.Write,
            async (conn, tx, ct) =>
            {
                var results = new List<TResult?>(calls.Count);
                foreach (var call in calls)
                {
                    results.Add(await work(conn, tx, call, ct).ConfigureAwait(false));
                }

                return results;
            },
            cancellationToken);

    /// <summary>A single intent.</summary>
    internal sealed record IntentCall(string CampaignId, int TargetSeq, int AttemptNo, string Key);

    /// <summary>A claim of one attempt with the caller's token, under contact caps when given.</summary>
    internal sealed record ClaimCall(string Key, string Token, IReadOnlyList<ContactCap>? Caps = null);

    /// <summary>A dialed mark: the call's id and the start's result codes (as JSON).</summary>
    internal sealed record DialedCall(string Key, string CallId, string Codes);

    /// <summary>A settle: the attempt and its staged outcomes (<see cref="StagedFor"/>).</summary>
    internal sealed record SettleCall(string Key, List<Outcome> Rows);
}
