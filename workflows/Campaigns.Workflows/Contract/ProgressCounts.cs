using Campaigns.Workflows.Activities;

namespace Campaigns.Workflows.Contract;

/// <summary>
/// How batch results count in a campaign's <see cref="CampaignProgress"/>, kept beside the contract the <c>progress</c>
/// query answers with (pure functions; the workflow calls them as its batches report).
/// </summary>
public static class ProgressCounts
{
    /// <summary>Distinct error messages of given-up batches a progress keeps.</summary>
    public const int MaxErrorsKept = 10;

    /// <summary>
    /// <paramref name="progress"/> with one batch's <paramref name="items"/> counted: an attempt with a result counts once
    /// in <c>byResult</c> and <c>attempts</c>, and once in <c>finished</c> (and <c>unresolved</c> when it is
    /// <see cref="Results.Unresolved"/>) unless <paramref name="redialed"/> says another attempt follows. A
    /// <see cref="Results.Deferred"/> attempt was never started and counts nowhere: it is dispatched again.
    /// </summary>
    public static CampaignProgress Add(CampaignProgress progress, IEnumerable<ItemResult> items, Func<ItemResult, bool> redialed)
    {
        ArgumentNullException.ThrowIfNull(progress);
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(redialed);
        var byResult = new Dictionary<string, long>(progress.ByResult, StringComparer.Ordinal);
        long finished = 0, unresolved = 0, attempts = 0;
        foreach (var item in items)
        {
            if (item.Result == Results.Deferred)
            {
                continue;
            }

            attempts++;
            byResult[item.Result] = byResult.GetValueOrDefault(item.Result) + 1;
            if (redialed(item))
            {
                continue;
            }

            finished++;
            unresolved += item.Result == Results.Unresolved ? 1 : 0;
        }

        return progress with
        {
            Finished = progress.Finished + finished,
            ByResult = byResult,
            Unresolved = progress.Unresolved + unresolved,
            Attempts = progress.Attempts + attempts,
        };
    }

    /// <summary>
    /// <paramref name="progress"/> after a batch gave up: <paramref name="failed"/> attempts were never dialed
    /// (<c>errored</c>), and its error message is kept once, the first <see cref="MaxErrorsKept"/> distinct ones only.
    /// </summary>
    public static CampaignProgress GaveUp(CampaignProgress progress, int failed, string message)
    {
        ArgumentNullException.ThrowIfNull(progress);
        return progress with
        {
            Errored = progress.Errored + failed,
            Errors = progress.Errors.Contains(message) || progress.Errors.Count >= MaxErrorsKept ? progress.Errors : [.. progress.Errors, message],
        };
    }
}
