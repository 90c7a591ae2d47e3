using Campaigns.Storage.Model;

namespace Campaigns.Storage;

/// <content>
/// Attempts waiting to be dispatched (issue 18 item 5): redials and deferred attempts live in the store, so the
/// workflow carries a count and a due time across continue-as-new instead of a list that grows with the campaign.
/// A batch owns its attempts under a token (one per batch, the same for every execution of it): a retry finds
/// them again, and a batch of the next run adopts the token of one the previous run left running.
/// </content>
public partial interface IOutcomeStore
{
    /// <summary>
    /// Gives the batch <paramref name="token"/> its attempts, in one transaction: first every attempt held by one of
    /// <paramref name="adoptTokens"/> (batches of a run that continued as new); then, when <paramref name="take"/> is
    /// above what the token holds already, that many more due attempts nobody holds, earliest first; then
    /// <paramref name="explicitItems"/> (a first-pass batch's targets) unless another batch holds one — with a take,
    /// only as many as the take left room for, the rest added free and due now. Returns everything the
    /// token holds (a retry gets what it held, and never more than <paramref name="take"/> in all) and what is left waiting.
    /// </summary>
    Task<PendingTake> TakePendingAsync(
        string campaignId,
        string token,
        IReadOnlyList<string> adoptTokens,
        IReadOnlyList<(int TargetSeq, int AttemptNo)> explicitItems,
        int take,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// Hands back what the batch <paramref name="token"/> did not finish and adds its redials, in one transaction:
    /// each of <paramref name="deferred"/> becomes free again, due at its time; each of <paramref name="redials"/> is
    /// added free (an attempt already there is left as it is, so a retry adds nothing). Returns what is left
    /// waiting (no items).
    /// </summary>
    Task<PendingTake> HandBackPendingAsync(
        string campaignId, string token, IReadOnlyList<PendingRow> deferred, IReadOnlyList<PendingRow> redials, CancellationToken cancellationToken = default);

    /// <summary>Deletes the campaign's pending attempts (it has ended: nothing dispatches them); returns how many.</summary>
    Task<int> DeletePendingAsync(string campaignId, CancellationToken cancellationToken = default);
}
