using System.Text.Json;
using Campaigns.Activities.Batches;
using Campaigns.Storage;
using Campaigns.Storage.Model;
using Campaigns.Workflows.Activities;
using Campaigns.Workflows.Contract;
using Microsoft.Extensions.Options;
using Temporalio.Activities;
using Temporalio.Exceptions;

namespace Campaigns.Activities;

/// <summary>The campaign workflow's activities, thin over the store and <see cref="BatchRunner"/>.</summary>
public sealed partial class CampaignActivities(IOutcomeStore store, BatchRunner batches, HeldAttempts held, IOptions<CampaignWorkerOptions> options) : ICampaignActivities
{
    /// <inheritdoc />
    [Activity("RegisterCampaign")]
    public async Task<RegisterResult> RegisterAsync(RegisterInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var ct = ActivityExecutionContext.Current.CancellationToken;
        var spec = input.Spec;
        var campaignId = spec.CampaignId!;
        var definition = JsonSerializer.Serialize(spec, CampaignJson.Options);
        var row = input.RunId is { } runId
            ? await store.ClaimCampaignAsync(campaignId, input.WorkflowId, runId, definition, ct).ConfigureAwait(false)
            : await store.RegisterCampaignAsync(campaignId, input.WorkflowId, definition, ct).ConfigureAwait(false);
        RefuseAnotherRun(row, input);
        var zones = spec.CalleeTimeZones ?? new Dictionary<string, string>();
        var targets = (spec.Callees ?? []).Select(c => new NewTarget([c], zones.GetValueOrDefault(c)))
            .Concat((spec.Groups ?? []).Select(g => new NewTarget(g)))
            .ToList();
        if (targets.Count > 0)
        {
            // Idempotent: a target already in the campaign is skipped, so a retry adds nothing.
            await store.AddZonedTargetsAsync(campaignId, targets, ct).ConfigureAwait(false);
        }

        if (input.TargetsFrom is { } list)
        {
            await CopyTargetsAsync(list, campaignId, ct).ConfigureAwait(false);
        }

        var progress = await store.GetProgressAsync(campaignId, ct).ConfigureAwait(false);
        if (progress.Targets == 0)
        {
            throw new ApplicationFailureException(
                input.TargetsFrom is { } from
                    ? $"Campaign {campaignId} has no targets: the list of its schedule {from} is empty; import it first (campaigns import {from} --csv FILE)"
                    : $"Campaign {campaignId} has no targets in the store: import them first (targetsImported is set)",
                errorType: CampaignErrors.InvalidCampaign,
                nonRetryable: true);
        }

        await store.SetCampaignStatusAsync(campaignId, CampaignStatus.Running, cancellationToken: ct).ConfigureAwait(false);
        // The pace of a campaign without a cap: the fleet's whole share of the start limit (every worker's share together).
        var budget = options.Value.Budget;
        return new RegisterResult(progress.Targets)
        {
            StartsPerSecond = budget.StartCallsPerSecond * budget.Headroom,
            TimeZones = await CalleeZonesAsync(spec, campaignId, ct).ConfigureAwait(false),
        };
    }

    // The zones the targets are called in, for the workflow's dispatch gate (docs/callee-time-zones.md): null when the
    // campaign has no window (no gate) or every target is called in the window's own zone.
    private async Task<IReadOnlyList<string>?> CalleeZonesAsync(CampaignSpec spec, string campaignId, CancellationToken ct)
    {
        if (spec.CallingWindow?.TimeZone is not { } own)
        {
            return null;
        }

        var found = await store.GetTargetZonesAsync(campaignId, ct).ConfigureAwait(false);
        List<string> zones = [.. found.Zones, .. found.AnyWithoutZone ? [own] : Array.Empty<string>()];
        return zones.All(z => z == own) ? null : [.. zones.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }

    // One campaign id, one campaign: a run that did not take the campaign changes nothing and dials nobody (its
    // leftovers, Intended attempts of a cancelled campaign, or redials recomputed with new rules, would ring
    // people again). Non-retryable: no retry makes the campaign id free.
    private static void RefuseAnotherRun(CampaignRow row, RegisterInput input)
    {
        var id = row.CampaignId;
        if (!string.Equals(row.WorkflowId, input.WorkflowId, StringComparison.Ordinal))
        {
            throw new ApplicationFailureException(
                $"Campaign {id} belongs to workflow {row.WorkflowId} ({Name(row.Status)}); a campaign id is used once: start this campaign with a new campaignId",
                errorType: CampaignErrors.CampaignIdTaken,
                nonRetryable: true);
        }

        var final = row.Status is CampaignStatus.Completed or CampaignStatus.Cancelled or CampaignStatus.Failed;
        // A row from before run ids were stored (null) that is past Registered was taken by a chain that never
        // registers again (continue-as-new skips registration): a chain registering now is another one.
        var otherRun = input.RunId is not null && (row.RunId is null ? row.Status != CampaignStatus.Registered : !string.Equals(row.RunId, input.RunId, StringComparison.Ordinal));
        if (final || otherRun)
        {
            throw new ApplicationFailureException(
                $"Campaign {id} was already run (it is {Name(row.Status)} in the store); a campaign id is used once: to call its targets again, start a new campaign with a new campaignId",
                errorType: CampaignErrors.CampaignAlreadyRun,
                nonRetryable: true);
        }

        static string Name(CampaignStatus status) => status.ToString().ToLowerInvariant();
    }

    /// <inheritdoc />
    [Activity("RunBatchRuns")]
    public Task<BatchResult> RunBatchRunsAsync(BatchInput input) => RunBatchAsync(input);

    /// <inheritdoc />
    [Activity("RunBatch")]
    public async Task<BatchResult> RunBatchAsync(BatchInput input)
    {
        var activity = ActivityExecutionContext.Current;
        var info = activity.Info;
        var previous = await PreviousResultsAsync(info).ConfigureAwait(false);

        // One token fires for every reason; a requested cancel is graceful (hang up, settle), anything else aborts.
        using var cancel = new CancellationTokenSource();
        using var abort = new CancellationTokenSource();
        using var registration = activity.CancellationToken.Register(() =>
        {
            if (activity.CancelReason == ActivityCancelReason.CancelRequested)
            {
                cancel.Cancel();
            }
            else
            {
                abort.Cancel();
            }
        });
        var context = ContextOf(activity, input, cancel.Token, abort.Token) with { PreviousResults = previous ?? [] };
        if (input.Token is not null)
        {
            // Pending attempts in the store: the batch runs what it holds there (its first-pass targets, what it
            // adopted, what it took), and hands back what it did not finish.
            var (taken, holding) = await held.TakeAsync(input, abort.Token).ConfigureAwait(false);
            if (holding.Items.Count == 0)
            {
                return HeldAttempts.Nothing(holding);
            }

            input = taken;
        }

        try
        {
            var result = await batches.RunAsync(input, context).ConfigureAwait(false);
            return input.Token is not null ? await held.HandBackAsync(input, result.Items, cancel.IsCancellationRequested, abort.Token, context.CappedUntil, context.ClosedUntil).ConfigureAwait(false)
                : input.Runs is null ? result
                : BatchRuns.Compact(result.Items);
        }
        catch (BatchRunException e) when (e.Deterministic || (!BatchFaults.Heals(e.InnerException!) && info.Attempt >= options.Value.Batches.GiveUpAfterAttempts))
        {
            // The same error on every execution (a bug, an unreadable row, targets gone): retrying forever would
            // freeze the campaign. Give up, reporting what did finish; the workflow counts the rest BatchFailed.
            var error = e.InnerException!;
            // Nothing of it is left open: its intents never claimed are closed (never dialed by the campaign); an
            // attempt it left Dialing, Dialed or Unknown is the sweeper's, which settles or reconciles it.
            var finished = e.Finished.Select(i => AttemptKey.For(input.CampaignId, i.Seq, i.AttemptNo)).ToHashSet(StringComparer.Ordinal);
            var open = input.AllItems().Select(i => AttemptKey.For(input.CampaignId, i.Seq, i.AttemptNo)).Where(k => !finished.Contains(k)).Distinct().ToList();
            await store.CloseIntendedAsync(input.CampaignId, "not dialed: its batch gave up (" + error.GetType().Name + ")", open, CancellationToken.None).ConfigureAwait(false);
            // Held in the store: the redials of what did finish go back there, and the workflow learns what the batch held.
            var details = input.Token is not null ? await held.HandBackAsync(input, [.. e.Finished.Where(r => r.Result != Results.Deferred)], cancel.IsCancellationRequested, CancellationToken.None).ConfigureAwait(false)
                : input.Runs is null ? new BatchResult(e.Finished)
                : BatchRuns.Compact(e.Finished);
            throw new ApplicationFailureException(
                $"Batch gave up after {info.Attempt} execution(s): {error.GetType().Name}: {error.Message}",
                errorType: Results.BatchGaveUpError,
                nonRetryable: true,
                details: [details]);
        }
        catch (BatchRunException e)
        {
            // A fault that heals (or the bound not reached yet): retried by the activity's retry policy.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException!);
            throw;
        }
    }

    /// <inheritdoc />
    [Activity("FinishCancelled")]
    public async Task<BatchResult> FinishCancelledAsync(BatchInput input)
    {
        var activity = ActivityExecutionContext.Current;
        var info = activity.Info;
        if (input.Token is not null)
        {
            // Pending attempts in the store: what the abandoned batches held (by their tokens) is settled too.
            input = (await held.TakeAsync(input with { Take = 0 }, activity.CancellationToken).ConfigureAwait(false)).Input;
        }

        var items = input.AllItems().Distinct().ToList();
        var results = new List<ItemResult>();
        if (items.Count > 0)
        {
            // The campaign is cancelled before anything starts: nothing is dialed, ringing calls are hung up,
            // answered ones watched and recorded, lost starts reconciled (BatchRunner under Cancel).
            using var cancelled = new CancellationTokenSource();
            await cancelled.CancelAsync().ConfigureAwait(false);
            var context = ContextOf(activity, input, cancelled.Token, activity.CancellationToken);
            try
            {
                results.AddRange((await batches.RunAsync(input with { DialUntil = null }, context).ConfigureAwait(false)).Items);
            }
            catch (BatchRunException e) when (e.Deterministic || (!BatchFaults.Heals(e.InnerException!) && info.Attempt >= options.Value.Batches.GiveUpAfterAttempts))
            {
                // As a batch that gives up: what finished is reported, the rest is BatchFailed and the sweeper's.
                var done = e.Finished.Select(i => (i.Seq, i.AttemptNo)).ToHashSet();
                results.AddRange(e.Finished);
                results.AddRange(items.Where(i => !done.Contains((i.Seq, i.AttemptNo))).Select(i => new ItemResult(i.Seq, i.AttemptNo, Results.BatchFailed)));
            }
            catch (BatchRunException e)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException!);
                throw;
            }
        }

        // Attempts a contact cap deferred end Capped (never dialed; counted by the workflow as finished).
        IReadOnlyList<BatchItem> capped = input.Token is null ? []
            : [.. (await store.CloseCappedAsync(input.CampaignId, BatchRunner.CappedInfo, activity.CancellationToken).ConfigureAwait(false)).Select(c => new BatchItem(c.TargetSeq, c.AttemptNo))];
        results.AddRange(capped.Select(c => new ItemResult(c.Seq, c.AttemptNo, Results.Capped)));

        // Deferred attempts waiting to be dispatched again, intents of batches that gave up: none is dialed now.
        await store.CloseIntendedAsync(input.CampaignId, BatchRunner.CancelledInfo, null, activity.CancellationToken).ConfigureAwait(false);
        if (input.Token is not null)
        {
            // Redials and deferred attempts waiting in the store are never dispatched now.
            await store.DeletePendingAsync(input.CampaignId, activity.CancellationToken).ConfigureAwait(false);
            return BatchRuns.Compact(results) with { Taken = [.. input.Runs ?? [], .. BatchRuns.Of(capped)], PendingLeft = 0, CappedLeft = 0 };
        }

        return input.Runs is null ? new BatchResult(results) : BatchRuns.Compact(results);
    }

    // A batch's view of its activity execution: a claim token unique to it, heartbeats carrying a count, and
    // the worker's shutdown as Stopping (it fires before the graceful period ends, then Abort).
    private static BatchContext ContextOf(ActivityExecutionContext activity, BatchInput input, CancellationToken cancel, CancellationToken abort)
    {
        var info = activity.Info;
        return new BatchContext
        {
            ClaimToken = $"{info.WorkflowId}/{info.WorkflowRunId}/{info.ActivityId}/{info.Attempt}",
            Heartbeat = count => activity.Heartbeat(count),
            Cancel = cancel,
            Robot = input.Spec.RobotAccount,
            Abort = abort,
            Stopping = activity.WorkerShutdownToken,
        };
    }

    // Executions before compact heartbeats reported every finished result (attempt key → result); newer ones
    // report only a count (a big map per batch, times hundreds of batches waiting for records, would grow the
    // workflow's mutable state toward Temporal's limit). A retry then reads settled results from the store.
    private static async Task<Dictionary<string, string>?> PreviousResultsAsync(ActivityInfo info)
    {
        if (info.HeartbeatDetails.Count == 0)
        {
            return null;
        }

        try
        {
            return await info.HeartbeatDetailAtAsync<Dictionary<string, string>>(0).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            return null; // a count
        }
    }

    /// <inheritdoc />
    [Activity("SetCampaignStatus")]
    public async Task SetStatusAsync(string campaignId, string status, string? totalsJson)
    {
        var stored = Enum.Parse<CampaignStatus>(status);
        var ct = ActivityExecutionContext.Current.CancellationToken;
        await store.SetCampaignStatusAsync(campaignId, stored, totalsJson, ct).ConfigureAwait(false);
        if (stored is CampaignStatus.Completed or CampaignStatus.Cancelled or CampaignStatus.Failed)
        {
            // Ended: whatever still waits in the store to be dispatched never will be; what a contact cap deferred is
            // closed as Capped first, so the store says why it was never dialed.
            await store.CloseCappedAsync(campaignId, BatchRunner.CappedInfo, ct).ConfigureAwait(false);
            await store.DeletePendingAsync(campaignId, ct).ConfigureAwait(false);
        }
    }
}
