using System.Text.Json;
using Campaigns.Activities.Batches;
using Campaigns.Activities.Budget;
using Campaigns.Storage;
using Campaigns.Storage.Model;
using Campaigns.Workflows.Contract;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Campaigns.Activities.Sweeping;

/// <summary>
/// Re-searches the records for attempts left Unknown (the start's answer was lost and the batch's bounded
/// search found nothing: a record that came late, a vendor outage during the search). Found, the attempt
/// becomes Dialed with that CallId and its outcomes are settled, exactly as the batch would have done. It
/// never dials: the only requests it sends are record searches, drawn from the worker's records budget.
/// </summary>
public sealed partial class UnresolvedSweeper(
    IOutcomeStore store, RecordFinder records, IOptions<CampaignWorkerOptions> options, TimeProvider time, ILogger<UnresolvedSweeper> logger)
{
    /// <summary>One pass over every Unknown attempt still within the vendor's record retention.</summary>
    public async Task<SweepResult> SweepOnceAsync(CancellationToken cancellationToken)
    {
        var sweep = options.Value.Sweep;
        var watch = options.Value.Watch;
        var now = time.GetUtcNow();
        // Only attempts their batch has stopped searching for (its reconcile window is over).
        var changedBefore = now - watch.Scaled(watch.ReconcileWindowSeconds);
        var since = now - TimeSpan.FromDays(sweep.RetentionDays);
        var specs = new Dictionary<string, CampaignSpec?>(StringComparer.Ordinal);
        var (searched, found) = (0, 0);
        string? after = null;
        while (true)
        {
            var page = await store.GetUnknownAttemptsAsync(since, changedBefore, after, sweep.PageSize, cancellationToken).ConfigureAwait(false);
            foreach (var attempt in page)
            {
                if (!specs.TryGetValue(attempt.CampaignId, out var spec))
                {
                    spec = specs[attempt.CampaignId] = await SpecOfAsync(attempt.CampaignId, cancellationToken).ConfigureAwait(false);
                }

                if (spec?.RobotAccount is null)
                {
                    continue;
                }

                searched++;
                found += await ResolveAsync(attempt, spec, cancellationToken).ConfigureAwait(false) ? 1 : 0;
            }

            if (page.Count < sweep.PageSize)
            {
                if (searched > 0)
                {
                    LogSwept(searched, found);
                }

                return new SweepResult(searched, found);
            }

            after = page[^1].AttemptKey;
        }
    }

    private async Task<CampaignSpec?> SpecOfAsync(string campaignId, CancellationToken cancellationToken)
    {
        var campaign = await store.GetCampaignAsync(campaignId, cancellationToken).ConfigureAwait(false);
        try
        {
            return campaign is null ? null : JsonSerializer.Deserialize<CampaignSpec>(campaign.Definition, CampaignJson.Options);
        }
        catch (JsonException e)
        {
            LogUnreadableCampaign(campaignId, e.Message);
            return null;
        }
    }

    private async Task<bool> ResolveAsync(CallAttempt attempt, CampaignSpec spec, CancellationToken cancellationToken)
    {
        var target = (await store.GetTargetsAsync(attempt.CampaignId, attempt.TargetSeq - 1, 1, cancellationToken).ConfigureAwait(false))
            .FirstOrDefault(t => t.Seq == attempt.TargetSeq);
        if (target is null)
        {
            return false;
        }

        // The start left right after the claim: its call began within the request's lifetime, so the search
        // spans minutes, not the days since (a by-filter search reads every call of the app in its range).
        var started = attempt.ClaimedAt ?? attempt.IntendedAt;
        var record = await records.SearchAsync(
            spec.RobotAccount!, target.Callees, BatchRunner.RoomIdOf(spec, attempt), started, started + TimeSpan.FromMinutes(10), CampaignBudget.Of(attempt.CampaignId, spec), cancellationToken).ConfigureAwait(false);
        if (record is null)
        {
            return false;
        }

        var dialed = await store.MarkDialedAsync(attempt.AttemptKey, record.CallId, new Dictionary<string, long>(), CancellationToken.None).ConfigureAwait(false);
        if (dialed.Refused || dialed.CallId != record.CallId)
        {
            return false; // resolved meanwhile by someone else: theirs stands
        }

        var outcomes = Outcomes.Of(dialed, target, record.CallId, new Dictionary<string, long>(), record, time.GetUtcNow());
        await store.SettleAsync(attempt.AttemptKey, outcomes, CancellationToken.None).ConfigureAwait(false);
        var result = Outcomes.TargetResult(outcomes);
        LogResolved(attempt.AttemptKey, record.CallId, result);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Unresolved sweep: {Searched} attempts searched, {Found} found and settled")]
    private partial void LogSwept(int searched, int found);

    [LoggerMessage(Level = LogLevel.Information, Message = "Unresolved attempt {AttemptKey} found as call {CallId}: {Result}")]
    private partial void LogResolved(string attemptKey, string callId, string result);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Campaign {CampaignId}: stored definition unreadable, its unresolved attempts are not swept ({Reason})")]
    private partial void LogUnreadableCampaign(string campaignId, string reason);
}

/// <summary>What one sweep did: attempts searched for, and found (now Dialed and settled).</summary>
public sealed record SweepResult(int Searched, int Found);
