using Campaigns.Activities.Batches;
using Campaigns.Storage.Model;
using Campaigns.Workflows.Activities;
using Campaigns.Workflows.Contract;
using Temporalio.Activities;

namespace Campaigns.Activities;

/// <content>What scheduled and recurring campaigns need of the store: a run's copy of its schedule's list, and the end at endBy.</content>
public sealed partial class CampaignActivities
{
    // Targets copied per transaction when a recurring run takes its schedule's list.
    private const int CopyPage = 2000;

    // Intents written per transaction for the targets never dialed at endBy.
    private const int IntentPage = 1000;

    // A recurring run dials the list imported under its schedule's id: copied into its own campaign in the list's order.
    // The store numbers targets densely, so a retry goes on after what the run already holds (AddTargets skips repeats).
    private async Task CopyTargetsAsync(string from, string campaignId, CancellationToken ct)
    {
        var after = (int)(await store.GetProgressAsync(campaignId, ct).ConfigureAwait(false)).Targets;
        while (true)
        {
            var page = await store.GetTargetsAsync(from, after, CopyPage, ct).ConfigureAwait(false);
            if (page.Count == 0)
            {
                return;
            }

            await store.AddZonedTargetsAsync(campaignId, [.. page.Select(t => new NewTarget(t.Callees, t.TimeZone))], ct).ConfigureAwait(false);
            after = page[^1].Seq;
        }
    }

    /// <inheritdoc />
    [Activity("FinishNotDialed")]
    public async Task<NotDialedResult> FinishNotDialedAsync(BatchInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var activity = ActivityExecutionContext.Current;
        var ct = activity.CancellationToken;

        // What a contact cap deferred ends Capped, as when a campaign is cancelled: closed first (free ones only;
        // the pending rows stay), so the intents below find them closed and CloseIntendedAsync leaves them alone.
        var closedCapped = await store.CloseCappedAsync(input.CampaignId, BatchRunner.CappedInfo, ct).ConfigureAwait(false);

        // What waits in the store and nobody holds: deferred attempts and redials that are due (held now under this
        // token, so a retry finds the same), and redials not due yet (only counted: a redial is never a first dial).
        var waiting = await store.TakePendingAsync(input.CampaignId, input.Token!, [], [], int.MaxValue, ct).ConfigureAwait(false);
        var firsts = input.AllItems().Select(i => i.Seq)
            .Concat(waiting.Items.Where(i => i.AttemptNo == 1).Select(i => i.TargetSeq))
            .Distinct()
            .Order()
            .ToList();
        var redials = waiting.Items.Count(i => i.AttemptNo > 1) + waiting.Left;

        // Each target never dialed gets its first attempt stored (the do-not-call list makes it Skipped), then every
        // intent still open is closed as never dialed: no batch runs any more, so nothing of the campaign is dialed.
        // A first attempt found closed by a cap is Capped (read from the store, so a retry of this activity, whose
        // earlier execution took the capped rows under its token, counts them the same).
        var skipped = 0L;
        var cappedFirsts = 0L;
        foreach (var page in firsts.Chunk(IntentPage))
        {
            var attempts = await store.RecordIntentsAsync(input.CampaignId, [.. page.Select(seq => (seq, 1))], ct).ConfigureAwait(false);
            skipped += attempts.Count(a => a.State == AttemptState.Skipped);
            cappedFirsts += attempts.Count(a => a.State == AttemptState.Failed && a.ErrorInfo == BatchRunner.CappedInfo);
            activity.Heartbeat(page[^1]);
        }

        await store.CloseIntendedAsync(input.CampaignId, BatchRunner.EndByInfo, null, ct).ConfigureAwait(false);

        // Capped attempts not among the first attempts above: redials, and first attempts not due yet (counted in
        // waiting.Left): each ends Capped too.
        var firstSet = firsts.ToHashSet();
        var cappedOthers = closedCapped.Count(c => c.AttemptNo != 1 || !firstSet.Contains(c.TargetSeq));
        var byResult = new Dictionary<string, long>(StringComparer.Ordinal);
        var notDialed = firsts.Count - skipped - cappedFirsts;
        if (notDialed > 0)
        {
            byResult[Results.NotDialed] = notDialed;
        }

        if (skipped > 0)
        {
            byResult[Results.Skipped] = skipped;
        }

        if (cappedFirsts + cappedOthers > 0)
        {
            byResult[Results.Capped] = cappedFirsts + cappedOthers;
        }

        return new NotDialedResult(byResult, firsts.Count + redials);
    }
}
