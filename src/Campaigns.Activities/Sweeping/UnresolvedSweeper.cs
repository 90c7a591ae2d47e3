using System.Text.Json;
using Campaigns.Activities.Batches;
using Campaigns.Activities.Budget;
using Campaigns.Activities.Caps;
using Campaigns.Activities.Records;
using Campaigns.Storage;
using Campaigns.Storage.Model;
using Campaigns.TencentCall;
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
    IOutcomeStore store,
    RecordFinder records,
    ITencentCallClient client,
    ApiBudget budget,
    IOptions<CampaignWorkerOptions> options,
    TimeProvider time,
    ILogger<UnresolvedSweeper> logger)
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

                // Then what no batch finishes any more: claims left Dialing, calls left Dialed (StaleAttempts.cs).
                var stale = await SweepStaleAsync(specs, cancellationToken).ConfigureAwait(false);
                var pruned = await PruneContactsAsync(now, cancellationToken).ConfigureAwait(false);
                return new SweepResult(searched, found) { Claims = stale.Claims, Calls = stale.Calls, ContactsPruned = pruned };
            }

            after = page[^1].AttemptKey;
        }
    }

    // The callee → attempt index the contact caps read grows with every claim; no cap looks back further than 30
    // days (plus the store's hour of slack for a start answered late), so rows older than ContactRetention go, at
    // most once per ContactPruneEvery (one DELETE; the attempts and outcomes stay).
    internal static readonly TimeSpan ContactRetention = TimeSpan.FromDays(32);
    private static readonly TimeSpan ContactPruneEvery = TimeSpan.FromHours(1);
    private DateTimeOffset contactsPrunedAt = DateTimeOffset.MinValue;

    private async Task<int> PruneContactsAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (now - contactsPrunedAt < ContactPruneEvery)
        {
            return 0;
        }

        var pruned = await store.PruneContactsAsync(now - ContactRetention, cancellationToken).ConfigureAwait(false);
        contactsPrunedAt = now;
        if (pruned > 0)
        {
            LogContactsPruned(pruned, ContactRetention.TotalDays);
        }

        return pruned;
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
        if (await TargetOfAsync(attempt, cancellationToken).ConfigureAwait(false) is not { } target)
        {
            return false;
        }

        // The start left within the stale-start fence of its claim: its call began within seconds of it, so the
        // search spans those seconds, not the days since (a by-filter search reads every call of the app in its range).
        var claimed = attempt.ClaimedAt ?? attempt.IntendedAt;
        var record = await records.SearchLostStartAsync(
            spec.RobotAccount!, target.Callees, BatchRunner.RoomIdOf(spec, attempt), claimed, CampaignBudget.Of(attempt.CampaignId, spec), cancellationToken).ConfigureAwait(false);
        if (record is null)
        {
            return false;
        }

        // Dialed and settled in one transaction: a failure leaves it Unknown, searched again next time.
        var outcomes = Outcomes.Of(attempt with { State = AttemptState.Dialed, CallId = record.CallId }, target, record.CallId, new Dictionary<string, long>(), record, time.GetUtcNow());
        var resolved = await store.ResolveFoundAsync(attempt.AttemptKey, record.CallId, outcomes, CancellationToken.None).ConfigureAwait(false);
        if (resolved.Refused)
        {
            return false; // resolved meanwhile by someone else: theirs stands
        }

        var result = Outcomes.TargetResult(outcomes);
        LogResolved(attempt.AttemptKey, record.CallId, result);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Contact caps: {Pruned} callee contacts older than {Days} days deleted from the index")]
    private partial void LogContactsPruned(int pruned, double days);

    [LoggerMessage(Level = LogLevel.Information, Message = "Unresolved sweep: {Searched} attempts searched, {Found} found and settled")]
    private partial void LogSwept(int searched, int found);

    [LoggerMessage(Level = LogLevel.Information, Message = "Unresolved attempt {AttemptKey} found as call {CallId}: {Result}")]
    private partial void LogResolved(string attemptKey, string callId, string result);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Campaign {CampaignId}: stored definition unreadable, its unresolved attempts are not swept ({Reason})")]
    private partial void LogUnreadableCampaign(string campaignId, string reason);
}

/// <summary>
/// What one sweep did: Unknown attempts searched for, and found (now settled); stale claims finished (found and
/// settled, or handed on as Unknown); stale calls settled from their records.
/// </summary>
public sealed record SweepResult(int Searched, int Found)
{
    /// <summary>Claims left Dialing by an execution that is gone, finished (settled, or Unknown).</summary>
    public int Claims { get; init; }

    /// <summary>Calls left Dialed by a batch that is gone, settled.</summary>
    public int Calls { get; init; }

    /// <summary>Rows of the contact caps' callee index older than the longest cap, deleted (at most once an hour).</summary>
    public int ContactsPruned { get; init; }
}
