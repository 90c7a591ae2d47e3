using Campaigns.Activities.Batches;
using Campaigns.Activities.Caps;
using Campaigns.Storage.Model;
using Campaigns.TencentCall.Errors;
using Campaigns.TencentCall.Models;
using Campaigns.Workflows.Contract;
using Microsoft.Extensions.Logging;

namespace Campaigns.Activities.Sweeping;

/// <content>
/// The sweeper's second pass: attempts no batch will finish any more (it gave up, or its campaign ended while
/// its workers were down). A claim left Dialing is searched for in the records (the start, if it was ever sent,
/// left within the stale-start fence of its claim); a call left Dialed is settled from its record by CallId.
/// Each is settled in one transaction, or handed on (Dialing → Unknown, searched again by the first pass).
/// </content>
public sealed partial class UnresolvedSweeper
{
    private async Task<(int Claims, int Calls)> SweepStaleAsync(Dictionary<string, CampaignSpec?> specs, CancellationToken cancellationToken)
    {
        var watch = options.Value.Watch;
        var pageSize = options.Value.Sweep.PageSize;
        var now = time.GetUtcNow();
        // A claim's holder had the fence to send and a reconcile window to find the call: older, nobody holds it.
        var claimsBefore = now - BatchRunner.MaxClaimAge - watch.Scaled(watch.ReconcileWindowSeconds);
        // A batch watches a call for at most MaxCallSeconds, then waits RecordMaxWaitSeconds for its record.
        var callsBefore = now - watch.Scaled(watch.MaxCallSeconds + watch.RecordMaxWaitSeconds + watch.ReconcileWindowSeconds);
        var (claims, calls) = (0, 0);
        for (string? after = null; ;)
        {
            var page = await store.GetStaleDialingAttemptsAsync(claimsBefore, after, pageSize, cancellationToken).ConfigureAwait(false);
            foreach (var attempt in page)
            {
                claims += await FinishClaimAsync(attempt, await CachedSpecAsync(specs, attempt.CampaignId, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false) ? 1 : 0;
            }

            if (page.Count < pageSize)
            {
                break;
            }

            after = page[^1].AttemptKey;
        }

        for (string? after = null; ;)
        {
            var page = await store.GetStaleDialedAttemptsAsync(callsBefore, after, pageSize, cancellationToken).ConfigureAwait(false);
            foreach (var attempt in page)
            {
                calls += await SettleCallAsync(attempt, await CachedSpecAsync(specs, attempt.CampaignId, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false) ? 1 : 0;
            }

            if (page.Count < pageSize)
            {
                break;
            }

            after = page[^1].AttemptKey;
        }

        if (claims + calls > 0)
        {
            LogStaleSwept(claims, calls);
        }

        return (claims, calls);
    }

    private async Task<CampaignSpec?> CachedSpecAsync(Dictionary<string, CampaignSpec?> specs, string campaignId, CancellationToken cancellationToken)
    {
        if (!specs.TryGetValue(campaignId, out var spec))
        {
            spec = specs[campaignId] = await SpecOfAsync(campaignId, cancellationToken).ConfigureAwait(false);
        }

        return spec;
    }

    // Found: Dialed and settled in one transaction. Not found: Unknown, which the first pass searches again
    // while the vendor keeps records (and which a redial never follows: BatchRunner's redial guard).
    private async Task<bool> FinishClaimAsync(CallAttempt attempt, CampaignSpec? spec, CancellationToken cancellationToken)
    {
        if (spec?.RobotAccount is null || await TargetOfAsync(attempt, cancellationToken).ConfigureAwait(false) is not { } target)
        {
            return false;
        }

        var claimed = attempt.ClaimedAt ?? attempt.IntendedAt;
        var roomId = BatchRunner.RoomIdOf(spec, attempt);
        var record = await records.SearchLostStartAsync(
            spec.RobotAccount, target.Callees, roomId, claimed, CampaignBudget.Of(attempt.CampaignId, spec), cancellationToken).ConfigureAwait(false);
        if (record is null)
        {
            var unknown = await store.MarkClaimUnknownAsync(attempt.AttemptKey, attempt.ClaimToken!, "claim left by an execution that is gone; no call found for room " + roomId, CancellationToken.None).ConfigureAwait(false);
            return !unknown.Refused;
        }

        var outcomes = Outcomes.Of(attempt with { State = AttemptState.Dialed, CallId = record.CallId }, target, record.CallId, new Dictionary<string, long>(), record, time.GetUtcNow());
        var resolved = await store.ResolveFoundAsync(attempt.AttemptKey, record.CallId, outcomes, CancellationToken.None).ConfigureAwait(false);
        var result = Outcomes.TargetResult(outcomes);
        if (!resolved.Refused)
        {
            LogResolved(attempt.AttemptKey, record.CallId, result);
        }

        return !resolved.Refused;
    }

    // Long past any call's end: its record decides, and a record that is still not there never comes (RecordMissing).
    // A vendor error leaves it for the next sweep.
    private async Task<bool> SettleCallAsync(CallAttempt attempt, CampaignSpec? spec, CancellationToken cancellationToken)
    {
        if (spec is null || attempt.CallId is not { } callId || await TargetOfAsync(attempt, cancellationToken).ConfigureAwait(false) is not { } target)
        {
            return false;
        }

        var campaign = CampaignBudget.Of(attempt.CampaignId, spec);
        CallRecord? record;
        try
        {
            await budget.AcquireRecordAsync(campaign, campaign.RecordsApi, byCallId: true, cancellationToken).ConfigureAwait(false);
            record = await client.GetRecordByCallIdAsync(callId, campaign.RecordsApi, cancellationToken).ConfigureAwait(false);
        }
        catch (TencentCallException e) when (e.Kind == TencentErrorKind.NotFoundYet)
        {
            record = null;
        }
        catch (Exception e) when (e is TencentCallException or HttpRequestException)
        {
            return false;
        }

        var outcomes = Outcomes.Of(attempt, target, callId, Outcomes.Codes(attempt.ResultCodes), record, time.GetUtcNow());
        var settled = await store.SettleAsync(attempt.AttemptKey, outcomes, CancellationToken.None).ConfigureAwait(false);
        var result = Outcomes.TargetResult(outcomes);
        if (!settled.Refused)
        {
            LogResolved(attempt.AttemptKey, callId, result);
        }

        return !settled.Refused;
    }

    private async Task<Target?> TargetOfAsync(CallAttempt attempt, CancellationToken cancellationToken) =>
        (await store.GetTargetsAsync(attempt.CampaignId, attempt.TargetSeq - 1, 1, cancellationToken).ConfigureAwait(false))
            .FirstOrDefault(t => t.Seq == attempt.TargetSeq);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stale sweep: {Claims} abandoned claims and {Calls} unsettled calls finished")]
    private partial void LogStaleSwept(int claims, int calls);
}
