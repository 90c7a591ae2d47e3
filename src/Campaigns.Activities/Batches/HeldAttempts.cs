using Campaigns.Storage;
using Campaigns.Storage.Model;
using Campaigns.Workflows.Activities;
using Campaigns.Workflows.Contract;
using Campaigns.Workflows.Validation;

namespace Campaigns.Activities.Batches;

/// <summary>
/// A batch's attempts when pending attempts live in the store (its input carries a token): what it holds is taken
/// from the store before it runs, and what it did not finish (Deferred) and its redials go back to the store when
/// it ends, so the workflow carries only a count and a due time, and a batch the workflow no longer waits for (it
/// continued as new) is adopted by the next run's batch by its token.
/// </summary>
public sealed class HeldAttempts(IOutcomeStore store, TimeProvider time)
{
    /// <summary>The batch's attempts (empty: nothing to do), and the input to run them with.</summary>
    public async Task<(BatchInput Input, PendingTake Held)> TakeAsync(BatchInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var token = input.Token ?? throw new ArgumentException("the batch has no token", nameof(input));
        var listed = input.Runs is { Count: > 0 } || input.Items.Count > 0
            ? input.AllItems().Select(i => (i.Seq, i.AttemptNo)).ToList()
            : [];
        var held = await store.TakePendingAsync(input.CampaignId, token, input.AdoptTokens ?? [], listed, input.Take, cancellationToken).ConfigureAwait(false);
        var items = held.Items.Select(i => new BatchItem(i.TargetSeq, i.AttemptNo)).ToList();
        return (input with { Items = [], Runs = BatchRuns.Of(items) }, held);
    }

    /// <summary>
    /// Hands back the Deferred attempts (due now; those a contact cap deferred, named in <paramref name="cappedUntil"/>,
    /// due when the cap frees, inside the calling window; those outside their callee's window, named in
    /// <paramref name="closedUntil"/>, due when it opens) and adds the redials the campaign's rules ask for (none after
    /// a cancel), then returns the compact result naming what the batch held and what is left in the store.
    /// </summary>
    public async Task<BatchResult> HandBackAsync(
        BatchInput held,
        IReadOnlyList<ItemResult> results,
        bool cancelled,
        CancellationToken cancellationToken,
        IReadOnlyDictionary<string, DateTimeOffset>? cappedUntil = null,
        IReadOnlyDictionary<string, DateTimeOffset>? closedUntil = null)
    {
        ArgumentNullException.ThrowIfNull(held);
        ArgumentNullException.ThrowIfNull(results);
        var now = time.GetUtcNow();
        var capped = new HashSet<(int, int)>();
        var window = held.Spec.CallingWindow is { } w ? CallingWindow.Parse(w, []) : null;
        var deferred = results.Where(r => r.Result == Results.Deferred).Select(r =>
        {
            if (closedUntil is not null && closedUntil.TryGetValue(AttemptKey.For(held.CampaignId, r.Seq, r.AttemptNo), out var windowOpens))
            {
                // The callee's own window (or a holiday) closed: due when it opens, not a cap (never Capped).
                capped.Add((r.Seq, r.AttemptNo));
                return new PendingRow(r.Seq, r.AttemptNo, windowOpens.ToUniversalTime());
            }

            if (cappedUntil is null || !cappedUntil.TryGetValue(AttemptKey.For(held.CampaignId, r.Seq, r.AttemptNo), out var until))
            {
                return new PendingRow(r.Seq, r.AttemptNo, now);
            }

            capped.Add((r.Seq, r.AttemptNo));
            until = until.ToUniversalTime();
            var due = window is not null && window.OpensAfter(until) is { } opens ? opens.ToUniversalTime() : until;
            return new PendingRow(r.Seq, r.AttemptNo, due) { CappedUntil = until };
        }).ToList();
        var redials = cancelled ? [] : results.Select(r => RedialOf(held.Spec.Redial, r, now)).OfType<PendingRow>().ToList();
        var left = await store.HandBackPendingAsync(held.CampaignId, held.Token!, deferred, redials, cancellationToken).ConfigureAwait(false);

        // Capped attempts (and those waiting for their callee's window) are left out of the result: the workflow slows its dispatch when a batch reports Deferred
        // attempts (the worker's back-pressure: slots or budget short), which a cap is not. The store keeps them, due
        // when the cap frees, and CappedLeft shows them in the progress.
        var reported = capped.Count == 0 ? results : [.. results.Where(r => !capped.Contains((r.Seq, r.AttemptNo)))];
        return BatchRuns.Compact(reported) with { Taken = held.Runs ?? [], PendingLeft = left.Left, NextPendingDue = left.NextDueAt, CappedLeft = left.CappedLeft };
    }

    /// <summary>What is left in the store, for a batch that held nothing.</summary>
    public static BatchResult Nothing(PendingTake held)
    {
        ArgumentNullException.ThrowIfNull(held);
        return new BatchResult([]) { Seqs = new Dictionary<string, int[]>(), Taken = [], PendingLeft = held.Left, NextPendingDue = held.NextDueAt };
    }

    // The workflow's rule (it decided redials itself before): a result with a rule, below maxAttempts, is dialed
    // again after the rule's delay.
    private static PendingRow? RedialOf(RedialSpec redial, ItemResult result, DateTimeOffset now)
    {
        var rule = redial.Rules.FirstOrDefault(r => string.Equals(r.Result, result.Result, StringComparison.Ordinal));
        return rule is not null && result.AttemptNo < redial.MaxAttempts && result.Result != Results.Deferred
            ? new PendingRow(result.Seq, result.AttemptNo + 1, now + TimeSpan.FromSeconds(rule.DelaySeconds))
            : null;
    }
}
