using Campaigns.Storage.Model;

namespace Campaigns.Storage;

/// <content>
/// The contact policy (issue 20 part 1, docs/contact-policy.md): frequency caps per callee over every campaign of the
/// store, checked in the transaction that claims a dial, so two campaigns racing for one callee ring them once. What
/// counts is what was claimed: attempts Dialing, Dialed, Settled or Unknown (never an intent, a start refused or one
/// never sent), at the time the vendor answered the start (the call was placed before it), or at the claim's while no
/// answer is in. Every claim records its callees, with or without a policy, so a policy set
/// later counts the calls placed before it.
/// </content>
public partial interface IOutcomeStore
{
    /// <summary>The app's policy, or null when none is set.</summary>
    Task<ContactPolicy?> GetContactPolicyAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces the app's policy; null (or a policy with no limit) clears it. A limit below 1 or above
    /// <see cref="ContactPolicy.MaxLimit"/> throws <see cref="ArgumentException"/> naming it, and nothing changes.
    /// </summary>
    Task SetContactPolicyAsync(ContactPolicy? policy, CancellationToken cancellationToken = default);

    /// <summary>
    /// <see cref="ClaimDialAsync"/> under <paramref name="caps"/>: the attempt moves
    /// Intended → Dialing only if every callee of its target is under every cap, counted over every campaign, with
    /// the callees locked for the transaction (PostgreSQL: advisory locks in a fixed order; SQLite: its one writer),
    /// so of concurrent claims for one callee no more pass than the caps allow. A capped attempt is left Intended and
    /// comes back unclaimed with <see cref="DialClaim.CappedUntil"/>, the first instant the caps allow it.
    /// </summary>
    Task<DialClaim> ClaimDialCappedAsync(string attemptKey, string claimToken, IReadOnlyList<ContactCap> caps, CancellationToken cancellationToken = default);

    /// <summary>
    /// When <paramref name="caps"/> allow one more attempt to every one of <paramref name="callees"/> (null: now),
    /// read without a lock: a hint that saves waiting for the budget for an attempt the claim would refuse anyway.
    /// </summary>
    Task<DateTimeOffset?> ContactCappedUntilAsync(IReadOnlyList<string> callees, IReadOnlyList<ContactCap> caps, CancellationToken cancellationToken = default);

    /// <summary>
    /// The campaign has ended: every attempt a cap deferred that waits in the store, free (no batch holds it), is closed
    /// (Intended → Failed with <paramref name="errorInfo"/>) and returned, for the campaign to count as Capped. The
    /// pending rows stay until <see cref="DeletePendingAsync"/>, so a retry returns the same attempts.
    /// </summary>
    Task<IReadOnlyList<(int TargetSeq, int AttemptNo)>> CloseCappedAsync(string campaignId, string errorInfo, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes the rows of the callee → attempt index that caps count from (callee_contacts) whose contact is before
    /// <paramref name="before"/>, and returns how many; no cap looks back further than its window, so a caller passes
    /// a time older than the longest one. The attempts and their outcomes stay.
    /// </summary>
    Task<int> PruneContactsAsync(DateTimeOffset before, CancellationToken cancellationToken = default);

    /// <summary>
    /// For each of <paramref name="callees"/> that <paramref name="caps"/> hold back now, the first instant they allow
    /// one more attempt (callees free now are left out), read without a lock: what the forecast counts as waiting for
    /// caps. Any number of callees (asked in pages).
    /// </summary>
    Task<IReadOnlyDictionary<string, DateTimeOffset>> ContactFreeTimesAsync(
        IReadOnlyList<string> callees, IReadOnlyList<ContactCap> caps, CancellationToken cancellationToken = default);
}
