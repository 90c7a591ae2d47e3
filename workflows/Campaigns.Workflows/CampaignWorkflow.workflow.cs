using System.Text.Json;
using Campaigns.Workflows.Activities;
using Campaigns.Workflows.Contract;
using Campaigns.Workflows.Validation;
using Temporalio.Common;
using Temporalio.Exceptions;
using Temporalio.Workflows;

namespace Campaigns.Workflows;

/// <summary>
/// One campaign: validate, register, dispatch targets in batches (each batch an activity that dials under
/// the shared budget, watches and settles its calls), keep the history small with continue-as-new at safe
/// points, and answer pause / resume / cancel / setRate and the progress query. Deterministic: no I/O,
/// no clock but Workflow.UtcNow, no secrets (DESIGN.md).
/// </summary>
[Workflow("CampaignWorkflow")]
public sealed class CampaignWorkflow
{
    /// <summary>Targets per batch activity before live-call slots (histories recorded then replay with it).</summary>
    internal const int BatchSize = 100;

    /// <summary>
    /// Targets per batch activity: about 2.8 s of dialing at the vendor's 180/s share. Large enough that a
    /// 100,000-target campaign stays in one run (events and payload bytes per target), small enough that a
    /// pause or the end of the calling window stops dialing within a few seconds and a retry stays cheap.
    /// </summary>
    internal const int MaxBatchSize = 500;

    /// <summary>
    /// Batches running at once. Batches live until their last record (up to the worker's record wait, 10
    /// minutes), so at the full rate about 400 run at once; this bound keeps well under Temporal's default
    /// limit of 2,000 pending activities per workflow. It is not what limits live calls (the worker does).
    /// </summary>
    internal const int MaxActiveBatches = 1000;

    /// <summary>The default <c>rate.maxCallsInFlight</c> before live-call slots: a batch held its slots until its last record.</summary>
    internal const int LegacyMaxCallsInFlight = 2000;

    /// <summary>The validator's bound on <c>rate.maxCallsInFlight</c> before live-call slots.</summary>
    internal const int LegacyMaxInFlightBound = 20_000;

    /// <summary>
    /// How long a batch's attempts may wait on the worker for a live-call slot and the start gate before they
    /// come back <c>Deferred</c> (never claimed) to be dispatched again later: dispatch feels the worker's
    /// back-pressure, and a pause or a rate change reaches what was dispatched within about this long.
    /// </summary>
    internal static readonly TimeSpan StartWindow = TimeSpan.FromSeconds(30);

    /// <summary>Batches that gave up with none succeeding in between before the campaign fails (the fault is everywhere).</summary>
    internal const int MaxBatchesGivenUpInARow = 3;

    /// <summary>Distinct error messages of given-up batches kept in the progress.</summary>
    internal const int MaxErrorsKept = 10;

    private readonly CancellationTokenSource batchesCancel = new();

    // Never cancelled: the clean-up after a cancel (waiting for batches, the final status) must still run.
    private readonly CancellationTokenSource detached = new();
    private CampaignSpec spec = new();
    private CampaignProgress progress = new();
    private int nextSeq = 1;
    private long targets;
    private bool paused;
    private bool cancelRequested;
    private int? maxCallsPerSecond;
    private List<PendingAttempt> pending = [];
    private CallingWindow? window;
    private int activeBatches;
    private int changes;
    private DateTimeOffset nextDispatchAt;
    private long inFlight;
    private Exception? fatal;
    private int batchesGivenUpInARow;

    // Live-call slots (a patch): the worker limits calls ringing or talking (rate.maxCallsInFlight), batches
    // no longer hold slots until their records come, dispatch pacing accumulates on a timeline, batches are
    // larger and their inputs and results compact. Histories recorded before replay the old way.
    private bool liveSlots;

    // Starts per second the fleet's budget allows (the worker says at registration): the pace without a cap.
    private double? fleetStartRate;

    // Batches dispatched by this run (the first ones are smaller: BatchSizeNow).
    private int batchesThisRun;

    // After a cancel: the attempts of batches that ended with no report (cancelled between two executions, or
    // timed out while every worker was down), settled by FinishCancelled before the campaign ends.
    private readonly List<BatchItem> abandoned = [];

    // A patch: since it, a cancelled campaign settles what its batches could not report and closes its open
    // intents (FinishCancelled), and a batch failing after a cancel no longer fails the campaign.
    private bool? settleAfterCancel;

    private bool SettleAfterCancel => settleAfterCancel ??= Workflow.Patched("settle-after-cancel");

    /// <summary>Runs the campaign. <paramref name="campaign"/> is the operator's JSON, validated here first.</summary>
    [WorkflowRun]
    public async Task<CampaignProgress> RunAsync(JsonElement campaign, CarryOver? carryOver = null)
    {
        // The input is taken as raw JSON so that a wrong type is a validation problem naming its path,
        // not a payload that fails to deserialize and leaves the workflow task retrying for ever.
        var validation = CampaignValidator.Validate(campaign);
        if (!validation.IsValid)
        {
            throw new ApplicationFailureException(
                "Invalid campaign: " + string.Join("; ", validation.Problems),
                errorType: "InvalidCampaign",
                nonRetryable: true,
                details: [validation.Problems]);
        }

        spec = validation.Spec!;
        if (spec.Rate.MaxCallsInFlight > LegacyMaxInFlightBound && !Workflow.Patched("in-flight-100k"))
        {
            // Histories from when the bound was 20000 replay as they ran (this input failed validation then).
            throw new ApplicationFailureException(
                $"Invalid campaign: $.rate.maxCallsInFlight: {spec.Rate.MaxCallsInFlight} must be 1-20000", errorType: "InvalidCampaign", nonRetryable: true);
        }

        window = spec.CallingWindow is { } w ? CallingWindow.Parse(w, []) : null;
        var campaignId = spec.CampaignId!;
        Workflow.UpsertTypedSearchAttributes(CampaignSearch.CampaignId.ValueSet(campaignId));
        liveSlots = Workflow.Patched("live-call-slots");
        // Checked when a chain starts only: a campaign started under another id before this check existed goes on
        // through its continue-as-new runs.
        if (carryOver is null && Workflow.Info.WorkflowId != CampaignSearch.WorkflowIdOf(campaignId) && Workflow.Patched("one-campaign-id"))
        {
            // Another workflow id would run the same campaign id beside (or after) its own workflow.
            throw new ApplicationFailureException(
                $"Campaign {campaignId} must run as workflow {CampaignSearch.WorkflowIdOf(campaignId)}, not {Workflow.Info.WorkflowId}: start it with that workflow id (or use a new campaignId)",
                errorType: CampaignErrors.WrongWorkflowId,
                nonRetryable: true);
        }

        if (carryOver is null)
        {
            // Since live-call slots registration is a local activity: it runs in this workflow task's worker
            // with no round trip through the server's task queue, so the first batch (and the first ring) comes
            // sooner, and the inline callee list is not copied into the history as an activity input.
            var registerInput = new RegisterInput(spec, Workflow.Info.WorkflowId) { RunId = liveSlots ? Workflow.Info.FirstExecutionRunId : null };
            var registered = liveSlots
                ? await Workflow.ExecuteLocalActivityAsync((ICampaignActivities a) => a.RegisterAsync(registerInput), LocalStoreOptions)
                : await Workflow.ExecuteActivityAsync((ICampaignActivities a) => a.RegisterAsync(registerInput), StoreOptions);
            targets = registered.Targets;
            fleetStartRate = registered.StartsPerSecond;
            progress = new CampaignProgress { CampaignId = campaignId, Targets = targets };
            // budgets.startCall is the same cap as rate.maxCallsPerSecond (the validator refuses two values).
            // No patch needed: histories recorded before budgets existed have no budgets (the validator then
            // refused the field), so they compute the same value.
            maxCallsPerSecond = spec.Rate.MaxCallsPerSecond ?? spec.Budgets?.StartCall;
        }
        else
        {
            targets = carryOver.Targets;
            nextSeq = carryOver.NextSeq;
            progress = carryOver.Progress with { Runs = carryOver.Progress.Runs + 1 };
            paused = carryOver.Paused;
            maxCallsPerSecond = carryOver.MaxCallsPerSecond;
            fleetStartRate = carryOver.FleetStartRate;
            pending = [.. carryOver.Pending];
        }

        SetStatus(paused ? CampaignStatuses.Paused : CampaignStatuses.Running);

        // `temporal workflow cancel` (or the Web UI's cancel) takes the same path as the cancel update:
        // stop dispatching, hang up ringing calls, keep the outcomes of answered ones, record the status.
        using var onCancel = Workflow.CancellationToken.Register(() =>
        {
            cancelRequested = true;
            batchesCancel.Cancel();
        });
        await DispatchAsync();
        if (cancelRequested && SettleAfterCancel)
        {
            // Nothing left open: what no batch reported is settled now, and the campaign's intents are closed
            // (before a failure is raised too: a cancelled campaign whose batches gave up still closes them).
            var items = abandoned.Distinct().ToList();
            var finished = await Workflow.ExecuteActivityAsync((ICampaignActivities a) => a.FinishCancelledAsync(InputFor(items)), FinishOptions(items.Count));
            Apply(BatchRuns.Expand(finished, items));
        }

        if (fatal is not null)
        {
            // The store and the search attribute say Failed, so `list --status Failed` finds it (a patch:
            // histories of runs that failed before this change replay without the extra activity).
            if (Workflow.Patched("store-failed-status"))
            {
                SetStatus(CampaignStatuses.Failed);
                await Workflow.ExecuteActivityAsync(
                    (ICampaignActivities a) => a.SetStatusAsync(campaignId, progress.Status, JsonSerializer.Serialize(progress, CampaignJson.Options)),
                    StoreOptions);
            }

            throw fatal;
        }

        if (!cancelRequested && ShouldContinueAsNew())
        {
            await Workflow.WaitConditionAsync(() => Workflow.AllHandlersFinished);
            throw Workflow.CreateContinueAsNewException((CampaignWorkflow wf) => wf.RunAsync(campaign, new CarryOver
            {
                Targets = targets,
                NextSeq = nextSeq,
                Progress = progress,
                Paused = paused,
                MaxCallsPerSecond = maxCallsPerSecond,
                FleetStartRate = fleetStartRate,
                Pending = pending,
            }));
        }

        SetStatus(cancelRequested ? CampaignStatuses.Cancelled : CampaignStatuses.Completed);
        await Workflow.ExecuteActivityAsync(
            (ICampaignActivities a) => a.SetStatusAsync(campaignId, progress.Status, JsonSerializer.Serialize(progress, CampaignJson.Options)),
            StoreOptions);
        await Workflow.WaitConditionAsync(() => Workflow.AllHandlersFinished, detached.Token);
        if (Workflow.CancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException("The campaign was cancelled", Workflow.CancellationToken);
        }

        return progress;
    }

    /// <summary>How far the campaign is.</summary>
    [WorkflowQuery("progress")]
    public CampaignProgress Progress => progress;

    /// <summary>Stops dispatching new calls; calls already placed are still watched and settled.</summary>
    [WorkflowUpdate("pause")]
    public Task<CampaignProgress> PauseAsync()
    {
        paused = true;
        SetStatus(CampaignStatuses.Paused);
        return Task.FromResult(progress);
    }

    /// <summary>Refuses a pause that would change nothing, saying why.</summary>
    [WorkflowUpdateValidator(nameof(PauseAsync))]
    public void ValidatePause() => Refuse(paused ? "the campaign is already paused" : EndedReason());

    /// <summary>Goes on dispatching.</summary>
    [WorkflowUpdate("resume")]
    public Task<CampaignProgress> ResumeAsync()
    {
        paused = false;
        SetStatus(CampaignStatuses.Running);
        return Task.FromResult(progress);
    }

    /// <summary>Refuses a resume that would change nothing, saying why.</summary>
    [WorkflowUpdateValidator(nameof(ResumeAsync))]
    public void ValidateResume() => Refuse(!paused ? "the campaign is not paused" : EndedReason());

    /// <summary>
    /// Stops dispatching, hangs up calls still ringing, keeps the outcomes of calls already answered, and
    /// ends the campaign as Cancelled with its totals.
    /// </summary>
    [WorkflowUpdate("cancel")]
    public Task<CampaignProgress> CancelAsync()
    {
        cancelRequested = true;
        batchesCancel.Cancel();
        return Task.FromResult(progress);
    }

    /// <summary>Refuses a second cancel.</summary>
    [WorkflowUpdateValidator(nameof(CancelAsync))]
    public void ValidateCancel() => Refuse(EndedReason());

    /// <summary>Changes the campaign's start rate for the batches dispatched from now on.</summary>
    [WorkflowUpdate("setRate")]
    public Task<CampaignProgress> SetRateAsync(RateChange change)
    {
        maxCallsPerSecond = change.MaxCallsPerSecond;
        return Task.FromResult(progress);
    }

    /// <summary>Refuses a rate outside the vendor's budget.</summary>
    [WorkflowUpdateValidator(nameof(SetRateAsync))]
    public void ValidateSetRate(RateChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        Refuse(change.MaxCallsPerSecond is < 1 or > 200 ? "maxCallsPerSecond must be 1-200 (or null for the worker's budget)" : EndedReason());
    }

    private LocalActivityOptions LocalStoreOptions => new()
    {
        StartToCloseTimeout = TimeSpan.FromMinutes(2),
        CancellationToken = detached.Token,
        RetryPolicy = new RetryPolicy { MaximumInterval = TimeSpan.FromSeconds(30) },
    };

    private ActivityOptions StoreOptions => new()
    {
        StartToCloseTimeout = TimeSpan.FromMinutes(2),
        CancellationToken = detached.Token,
        RetryPolicy = new RetryPolicy { MaximumInterval = TimeSpan.FromSeconds(30) },
    };

    private ActivityOptions BatchOptions(List<BatchItem> items) => new()
    {
        // A batch lives as long as its longest call: ring timeout, talk, record delay. Heartbeats carry its
        // progress, so a killed worker is noticed within the heartbeat timeout and the retry resumes from the store.
        StartToCloseTimeout = TimeSpan.FromHours(6),
        HeartbeatTimeout = TimeSpan.FromSeconds(20),
        CancellationToken = batchesCancel.Token,
        CancellationType = ActivityCancellationType.WaitCancellationCompleted,
        RetryPolicy = new RetryPolicy
        {
            MaximumInterval = TimeSpan.FromSeconds(30),
            NonRetryableErrorTypes = ["InvalidCampaign", "TencentAuth", "TencentInvalid"],
        },
        Summary = items.All(i => i.AttemptNo == 1)
            ? $"targets {items[0].Seq}-{items[^1].Seq}"
            : $"{items.Count} redials from target {items[0].Seq}",
    };

    // The finish after a cancel: as long as a batch may live (its calls watched, its records awaited), never
    // cancelled itself, retried until a worker is back.
    private ActivityOptions FinishOptions(int count) => new()
    {
        StartToCloseTimeout = TimeSpan.FromHours(6),
        HeartbeatTimeout = TimeSpan.FromSeconds(20),
        CancellationToken = detached.Token,
        RetryPolicy = new RetryPolicy
        {
            MaximumInterval = TimeSpan.FromSeconds(30),
            NonRetryableErrorTypes = ["InvalidCampaign", "TencentAuth", "TencentInvalid"],
        },
        Summary = $"settle {count} attempts after the cancel",
    };

    private BatchInput InputFor(List<BatchItem> items) => new()
    {
        CampaignId = spec.CampaignId!,
        // The dial settings only: the targets are in the store, and a 10k-callee list in every
        // batch's scheduled event would grow the history by megabytes.
        Spec = spec with { Callees = null, Groups = null, Rate = spec.Rate with { MaxCallsPerSecond = maxCallsPerSecond } },
        // Compact (runs of sequence numbers) since live-call slots: a batch's input and result are most of
        // a run's history bytes, and one run should hold a 100,000-target campaign.
        Items = liveSlots ? [] : items,
        Runs = liveSlots ? BatchRuns.Of(items) : null,
        DialUntil = DialUntil(),
    };

    private async Task DispatchAsync()
    {
        while (true)
        {
            // Wake for a state change, or when the next redial falls due or the calling window opens.
            // A batch's results may add redials, which changes when to wake: re-plan after every change.
            var seen = changes;
            bool Ready() => changes != seen || fatal is not null || cancelRequested || CanDispatch()
                || (activeBatches == 0 && (Done() || ShouldContinueAsNew()));
            if (NextWake() is { } wake)
            {
                await Workflow.WaitConditionAsync(Ready, wake, detached.Token);
            }
            else
            {
                await Workflow.WaitConditionAsync(Ready, detached.Token);
            }
            if (fatal is not null || cancelRequested)
            {
                // Let the batches finish their cancellation (hang-ups, outcomes of answered calls).
                await Workflow.WaitConditionAsync(() => activeBatches == 0, detached.Token);
                return;
            }

            if (CanDispatch())
            {
                var items = NextItems();
                batchesThisRun++;
                _ = RunBatchAsync(items, BatchOptions(items));
                continue;
            }

            if (activeBatches == 0 && (Done() || ShouldContinueAsNew()))
            {
                return;
            }
        }
    }

    // Redials that are due go first, then the first pass in target order. Batches are paced at the
    // campaign's rate (or the vendor's 200/s), so dials are not queued far ahead of the budget: a pause,
    // a cancel or the end of the calling window then stops dialing within one batch.
    private List<BatchItem> NextItems()
    {
        var size = BatchSizeNow();
        var now = Workflow.UtcNow;
        if (liveSlots)
        {
            // A running timeline (next += interval): a late timer or a slow workflow task is caught up by the
            // next batch instead of lost on every one. After a pause, a closed window or an idle spell (more
            // than a batch behind) the timeline restarts from now, so nothing bursts.
            var interval = TimeSpan.FromSeconds(size / PaceRate());
            nextDispatchAt = (nextDispatchAt < now - interval ? now : nextDispatchAt) + interval;
        }
        else
        {
            nextDispatchAt = now + TimeSpan.FromSeconds((double)size / (maxCallsPerSecond ?? 200));
        }
        var items = pending.Where(p => p.DueAt <= now).Take(size).Select(p => new BatchItem(p.Seq, p.AttemptNo)).ToList();
        if (items.Count > 0)
        {
            var taken = items.Select(i => (i.Seq, i.AttemptNo)).ToHashSet();
            pending.RemoveAll(p => taken.Contains((p.Seq, p.AttemptNo)));
            return items;
        }

        var count = (int)Math.Min(size, targets - nextSeq + 1);
        items = [.. Enumerable.Range(nextSeq, count).Select(seq => new BatchItem(seq, 1))];
        nextSeq += count;
        progress = progress with { Dispatched = progress.Dispatched + count };
        return items;
    }

    // A batch holds at most about five seconds of this campaign's dialing, so pause and the window take effect quickly.
    // The first batches of a run ramp up from 50 (50, 100, 200, 400, 500): the first ring waits for its batch's
    // intents to be stored, and 50 are stored faster than 500.
    private int BatchSizeNow() =>
        !liveSlots ? (maxCallsPerSecond is { } rate ? Math.Clamp(rate * 5, 1, BatchSize) : BatchSize)
        : Math.Clamp((int)(PaceRate() * 5), 1, Math.Min(MaxBatchSize, 50 << Math.Min(batchesThisRun, 4)));

    // The campaign's cap, else what the fleet's start budget allows (the default 200 × 0.9 when the worker did not say).
    private double PaceRate() => maxCallsPerSecond ?? fleetStartRate ?? 180;

    // Batches are dispatched one batch ahead of the timeline, so the worker always has the next one queued
    // behind its start gate and never idles while a workflow task or an activity task is on its way.
    private DateTimeOffset DispatchDueAt =>
        !liveSlots || nextDispatchAt == default ? nextDispatchAt : nextDispatchAt - TimeSpan.FromSeconds(BatchSizeNow() / PaceRate());

    private TimeSpan? NextWake()
    {
        var now = Workflow.UtcNow;
        if (paused)
        {
            return null; // an update wakes a paused campaign; timers would only grow its history
        }

        // Only future instants: what is due already waits for a batch to finish (a change), not for a timer.
        var future = pending.Where(p => p.DueAt > now).ToList();
        var wake = future.Count > 0 ? future.Min(p => p.DueAt) : (DateTimeOffset?)null;
        var dueAt = DispatchDueAt;
        if (dueAt > now && (nextSeq <= targets || pending.Count > 0) && (wake is null || dueAt < wake))
        {
            wake = dueAt;
        }

        if (window is not null && !window.IsOpen(now) && window.OpensAfter(now) is { } opens && (wake is null || opens > wake))
        {
            wake = opens;
        }

        return wake is { } at && at > now ? at - now : null;
    }

    // No start after the calling window closes, nor (since live-call slots) after StartWindow: what the worker
    // could not start by then (slots or budget short) comes back Deferred instead of queuing there.
    private DateTimeOffset? DialUntil()
    {
        var closes = window?.ClosesAfter(Workflow.UtcNow);
        if (!liveSlots)
        {
            return closes;
        }

        var by = Workflow.UtcNow + StartWindow;
        return closes is { } c && c < by ? c : by;
    }

    private async Task RunBatchAsync(List<BatchItem> items, ActivityOptions options)
    {
        activeBatches++;
        inFlight += items.Count;
        try
        {
            var input = InputFor(items);
            var result = liveSlots
                ? await Workflow.ExecuteActivityAsync((ICampaignActivities a) => a.RunBatchRunsAsync(input), options)
                : await Workflow.ExecuteActivityAsync((ICampaignActivities a) => a.RunBatchAsync(input), options);
            batchesGivenUpInARow = 0;
            Apply(BatchRuns.Expand(result, items));
        }
        catch (ActivityFailureException e) when (cancelRequested && TemporalException.IsCanceledException(e))
        {
            // Cancelled before it could report (between two executions): settled by FinishCancelled since the
            // patch; before it, its outcomes were in the store, its open attempts left open.
            if (SettleAfterCancel)
            {
                abandoned.AddRange(items);
            }
        }
        catch (ActivityFailureException e) when (e.InnerException is ApplicationFailureException { ErrorType: Results.BatchGaveUpError } gaveUp
            && Workflow.Patched("batch-gave-up"))
        {
            // A patch: runs before this change failed the campaign on any batch failure, and replay that way.
            GaveUp(items, gaveUp);
        }
        catch (ActivityFailureException) when (cancelRequested && SettleAfterCancel)
        {
            // Failed after the cancel (a heartbeat timeout while every worker was down): the campaign was
            // cancelled, not broken; what the batch left is settled by FinishCancelled when a worker is back.
            abandoned.AddRange(items);
        }
        catch (ActivityFailureException e)
        {
            fatal ??= e;
        }
        finally
        {
            activeBatches--;
            inFlight -= items.Count;
            changes++; // a batch slot is free: dispatch may go on
        }
    }

    private void Apply(BatchResult result)
    {
        var byResult = new Dictionary<string, long>(progress.ByResult, StringComparer.Ordinal);
        var finished = 0;
        var unresolved = 0;
        var deferred = 0;
        var now = Workflow.UtcNow;
        foreach (var item in result.Items)
        {
            if (item.Result == Results.Deferred)
            {
                pending.Add(new PendingAttempt(item.Seq, item.AttemptNo, now));
                deferred++;
                continue;
            }

            byResult[item.Result] = byResult.GetValueOrDefault(item.Result) + 1;
            var rule = spec.Redial.Rules.FirstOrDefault(r => string.Equals(r.Result, item.Result, StringComparison.Ordinal));
            if (rule is not null && item.AttemptNo < spec.Redial.MaxAttempts && !cancelRequested)
            {
                pending.Add(new PendingAttempt(item.Seq, item.AttemptNo + 1, now + TimeSpan.FromSeconds(rule.DelaySeconds)));
                continue;
            }

            finished++;
            unresolved += item.Result == Results.Unresolved ? 1 : 0;
        }

        progress = progress with
        {
            Finished = progress.Finished + finished,
            ByResult = byResult,
            Unresolved = progress.Unresolved + unresolved,
            Attempts = progress.Attempts + result.Items.Count(i => i.Result != Results.Deferred),
        };
        if (liveSlots && deferred > 0 && (window is null || window.IsOpen(now)))
        {
            // The worker could not start them within StartWindow (live-call slots or the budget are the limit, not
            // this pace): wait half a window before the next batch, so dispatch follows what the worker starts.
            var later = now + StartWindow / 2;
            nextDispatchAt = nextDispatchAt > later ? nextDispatchAt : later;
        }

        changes++;
        Workflow.CurrentDetails = Summary();
    }

    // A batch that gave up: what it finished counts as usual; every other attempt of it is BatchFailed, final
    // and never dialed again (the store keeps whatever state it reached). The campaign goes on: one poisoned
    // batch must not stop the others. Batches giving up with no batch succeeding between them mean the fault
    // is everywhere: after MaxBatchesGivenUpInARow the campaign fails, naming the error.
    private void GaveUp(List<BatchItem> items, ApplicationFailureException failure)
    {
        var finished = BatchRuns.Expand(failure.Details.Count > 0 ? failure.Details.ElementAt<BatchResult>(0) : new BatchResult([]), items);
        var done = finished.Items.Select(i => (i.Seq, i.AttemptNo)).ToHashSet();
        var failed = items.Distinct().Where(i => !done.Contains((i.Seq, i.AttemptNo))).Select(i => new ItemResult(i.Seq, i.AttemptNo, Results.BatchFailed)).ToList();
        Apply(new BatchResult([.. finished.Items, .. failed]));
        progress = progress with
        {
            Errored = progress.Errored + failed.Count,
            Errors = progress.Errors.Contains(failure.Message) || progress.Errors.Count >= MaxErrorsKept ? progress.Errors : [.. progress.Errors, failure.Message],
        };
        batchesGivenUpInARow++;
        // After a cancel the campaign ends Cancelled whatever its batches did (since settle-after-cancel).
        if (batchesGivenUpInARow >= MaxBatchesGivenUpInARow && !(cancelRequested && SettleAfterCancel))
        {
            fatal ??= new ApplicationFailureException(
                $"{batchesGivenUpInARow} batches in a row gave up, the last with: {failure.Message}", errorType: "BatchesFailing", nonRetryable: true);
        }

        Workflow.CurrentDetails = Summary();
    }

    private bool Done() => nextSeq > targets && pending.Count == 0;

    private bool CanDispatch()
    {
        if (paused || cancelRequested || fatal is not null || ShouldContinueAsNew())
        {
            return false;
        }

        var now = Workflow.UtcNow;
        if (now < DispatchDueAt)
        {
            return false;
        }

        var work = nextSeq <= targets || pending.Any(p => p.DueAt <= now);
        if (!work || (window is not null && !window.IsOpen(now)))
        {
            return false;
        }

        // Live-call slots: the worker holds a call's slot from its start to its end, so waiting for records
        // never stops dispatch; here only the number of running batches is bounded. Before: a batch held its
        // size in slots until its last record came.
        return liveSlots
            ? activeBatches < MaxActiveBatches
            : inFlight + BatchSizeNow() <= Math.Max(spec.Rate.MaxCallsInFlight ?? LegacyMaxCallsInFlight, BatchSizeNow());
    }

    private bool ShouldContinueAsNew() => Workflow.ContinueAsNewSuggested;

    private void SetStatus(string status)
    {
        progress = progress with { Status = status };
        Workflow.UpsertTypedSearchAttributes(CampaignSearch.CampaignStatus.ValueSet(status));
        Workflow.CurrentDetails = Summary();
    }

    private string Summary()
    {
        var results = string.Join(", ", progress.ByResult.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {p.Value}"));
        var waiting = pending.Count > 0 ? $", {pending.Count} waiting to redial" : "";
        var closed = window is not null && !window.IsOpen(Workflow.UtcNow) ? $"\n\nOutside the calling window ({window})" : "";
        return $"**{progress.Status}** — {progress.Finished} of {progress.Targets} targets finished, {progress.Dispatched} dispatched{waiting}{closed}"
            + (results.Length > 0 ? $"\n\n{results}" : "")
            + (progress.Unresolved > 0 ? $"\n\n{progress.Unresolved} unresolved (start answer lost, call not found)" : "")
            + (progress.Errored > 0 ? $"\n\n{progress.Errored} not dialed: their batch gave up ({progress.Errors[^1]})" : "");
    }

    private string? EndedReason() =>
        cancelRequested ? "the campaign is being cancelled"
        : fatal is not null ? "the campaign is failing: " + fatal.Message
        : progress.Status is CampaignStatuses.Completed or CampaignStatuses.Cancelled or CampaignStatuses.Failed ? "the campaign has ended"
        : null;

    private static void Refuse(string? reason)
    {
        if (reason is not null)
        {
            throw new ApplicationFailureException(reason, errorType: "CommandRefused", nonRetryable: true);
        }
    }
}
