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
public sealed partial class CampaignWorkflow
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

    private readonly CancellationTokenSource batchesCancel = new();

    // Never cancelled: the clean-up after a cancel (waiting for batches, the final status) must still run.
    private readonly CancellationTokenSource detached = new();
    private CampaignSpec spec = new();

    // Everything the campaign carries from run to run (continue-as-new passes it on as it is): counts, progress,
    // pause, cap, what waits. The fields below it belong to one run.
    private CampaignState state = new();
    private bool cancelRequested;
    private ICallingWindow? window;
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

    // Batches dispatched by this run (the first ones are smaller: BatchSizeNow).
    private int batchesThisRun;

    // After a cancel: the attempts of batches that ended with no report (cancelled between two executions, or
    // timed out while every worker was down), settled by FinishCancelled before the campaign ends.
    private readonly List<BatchItem> abandoned = [];

    // A patch: since it, a cancelled campaign settles what its batches could not report and closes its open
    // intents (FinishCancelled), and a batch failing after a cancel no longer fails the campaign.
    private bool? settleAfterCancel;

    private bool SettleAfterCancel => settleAfterCancel ??= Workflow.Patched("settle-after-cancel");

    // A patch (issue 18 item 5): redials and deferred attempts wait in the store, each batch holds its attempts
    // there under a token, and continue-as-new no longer waits for the batches: the next run adopts them by token.
    // The workflow keeps only what the store said is left (a count and the earliest due time).
    private bool storePending;

    // Store mode: whether the last end check found nothing waiting in the store (state.PendingLeft is only a hint;
    // an end check, run while no other batch runs, decides that nothing is left).
    private bool storeEmpty;

    // Store mode: the running batches (token → their first-pass runs, null when taken from the store), handed to the
    // next run in state.Adopt when this one continues as new.
    private readonly Dictionary<string, IReadOnlyList<int[]>?> running = new(StringComparer.Ordinal);
    private readonly List<string> abandonedTokens = [];
    private bool adopting;
    private int batchNo;
    private DateTimeOffset runStarted;

    /// <summary>
    /// How long a run waits before adopting the batches the previous run left running: by then each of them has
    /// heartbeated, been told its workflow run is gone and stopped (the SDK sends a heartbeat at most every 0.8 ×
    /// the heartbeat timeout), so two executions rarely watch one call. Dispatch of new work goes on meanwhile.
    /// </summary>
    internal static readonly TimeSpan AdoptAfter = TimeSpan.FromSeconds(20);

    /// <summary>
    /// A run that adopts batches continues as new no sooner than this, so the adopted batches make progress before
    /// they are adopted again (each adoption restarts their executions).
    /// </summary>
    internal static readonly TimeSpan MinRunLength = TimeSpan.FromSeconds(30);

    /// <summary>Runs the campaign. <paramref name="campaign"/> is the operator's JSON, validated here first.</summary>
    [WorkflowRun]
    public async Task<CampaignProgress> RunAsync(JsonElement campaign, CampaignState? carryOver = null)
    {
        // The input is taken as raw JSON so that a wrong type is a validation problem naming its path,
        // not a payload that fails to deserialize and leaves the workflow task retrying for ever.
        var validation = CampaignValidator.Validate(campaign);
        if (!validation.IsValid)
        {
            throw new ApplicationFailureException(
                "Invalid campaign: " + string.Join("; ", validation.Problems),
                errorType: CampaignErrors.InvalidCampaign,
                nonRetryable: true,
                details: [validation.Problems]);
        }

        spec = validation.Spec!;
        var scheduleId = spec.Recurring ? spec.CampaignId : null;
        if (spec.StartAt is not null || spec.EndBy is not null || spec.Recurring)
        {
            // A scheduled or recurring campaign: its run's campaign id, its start and its end (see ScheduleRun).
            ScheduleRun(carryOver is null);
        }

        if (spec.Rate.MaxCallsInFlight > LegacyMaxInFlightBound && !Workflow.Patched("in-flight-100k"))
        {
            // Histories from when the bound was 20000 replay as they ran (this input failed validation then).
            throw new ApplicationFailureException(
                $"Invalid campaign: $.rate.maxCallsInFlight: {spec.Rate.MaxCallsInFlight} must be 1-20000", errorType: CampaignErrors.InvalidCampaign, nonRetryable: true);
        }

        window = spec.CallingWindow is { } w ? CallingWindow.Parse(w, []) : null;
        var campaignId = spec.CampaignId!;
        Workflow.UpsertTypedSearchAttributes(CampaignSearch.CampaignId.ValueSet(campaignId));
        liveSlots = Workflow.Patched("live-call-slots");
        // A chain that carries a pending list (from before the patch) keeps it: store mode starts with a new chain.
        storePending = liveSlots && (carryOver is null || carryOver.Pending.Count == 0) && Workflow.Patched("pending-in-store");
        runStarted = Workflow.UtcNow;
        // Checked when a chain starts only: a campaign started under another id before this check existed goes on
        // through its continue-as-new runs. A recurring campaign's run has the id its schedule gave it (ScheduleRun).
        var ownWorkflowId = scheduleId is null ? CampaignSearch.WorkflowIdOf(campaignId) : Workflow.Info.WorkflowId;
        if (carryOver is null && Workflow.Info.WorkflowId != ownWorkflowId && Workflow.Patched("one-campaign-id"))
        {
            // Another workflow id would run the same campaign id beside (or after) its own workflow.
            throw new ApplicationFailureException(
                $"Campaign {campaignId} must run as workflow {CampaignSearch.WorkflowIdOf(campaignId)}, not {Workflow.Info.WorkflowId}: start it with that workflow id (or use a new campaignId)",
                errorType: CampaignErrors.WrongWorkflowId,
                nonRetryable: true);
        }

        if (carryOver is null && Instants.Parse(spec.StartAt) is { } startAt && startAt > Workflow.UtcNow && !await WaitForStartAsync(startAt))
        {
            // Cancelled before its start: nothing was registered, nobody dialed.
            return await EndBeforeStartAsync();
        }

        if (carryOver is null)
        {
            // Since live-call slots registration is a local activity: it runs in this workflow task's worker
            // with no round trip through the server's task queue, so the first batch (and the first ring) comes
            // sooner, and the inline callee list is not copied into the history as an activity input.
            var registerInput = new RegisterInput(spec, Workflow.Info.WorkflowId)
            {
                RunId = liveSlots ? Workflow.Info.FirstExecutionRunId : null,
                // A recurring run dials the list imported under its schedule's id.
                TargetsFrom = spec.TargetsImported ? scheduleId : null,
            };
            var registered = liveSlots
                ? await Workflow.ExecuteLocalActivityAsync((ICampaignActivities a) => a.RegisterAsync(registerInput), LocalStoreOptions)
                : await Workflow.ExecuteActivityAsync((ICampaignActivities a) => a.RegisterAsync(registerInput), StoreOptions);
            state.Targets = registered.Targets;
            state.FleetStartRate = registered.StartsPerSecond;
            state.TimeZones = registered.TimeZones;
            state.Progress = new CampaignProgress { CampaignId = campaignId, Targets = state.Targets };
            // budgets.startCall is the same cap as rate.maxCallsPerSecond (the validator refuses two values).
            // No patch needed: histories recorded before budgets existed have no budgets (the validator then
            // refused the field), so they compute the same value. A setRate while it waited for startAt holds.
            state.MaxCallsPerSecond = rateBeforeStart is { } early ? early.MaxCallsPerSecond : spec.Rate.MaxCallsPerSecond ?? spec.Budgets?.StartCall;
        }
        else
        {
            // The previous run's state, as it left it: one more run.
            state = carryOver;
            state.Progress = state.Progress with { Runs = state.Progress.Runs + 1 };
            if (storePending)
            {
                adopting = state.Adopt.Count > 0;
                batchesThisRun = 4; // no ramp: the first ring of the campaign is long past
            }
        }

        // A patch (issue 20 part 3): callees in zones of their own open the dispatch gate while any of their windows is
        // open; the worker checks each callee's own window (and the app's holidays) when it dials. Histories recorded
        // before had no zones in their registration and replay with the campaign's window alone.
        if (spec.CallingWindow is { } own && state.TimeZones is { Count: > 0 } && Workflow.Patched("callee-time-zones"))
        {
            window = CalleeWindows.Of(own, state.TimeZones);
        }

        SetStatus(state.Paused ? CampaignStatuses.Paused : CampaignStatuses.Running);

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
            var input = InputFor(items);
            if (storePending)
            {
                // What batches held in the store (their tokens), and the previous run's batches never adopted.
                items.AddRange(state.Adopt.SelectMany(a => a.Runs is null ? [] : BatchRuns.ItemsOf(a.Runs)));
                input = InputFor(items) with { Token = NextToken(), AdoptTokens = [.. abandonedTokens, .. state.Adopt.Select(a => a.Token)] };
                state.Adopt.Clear();
            }

            var finished = await Workflow.ExecuteActivityAsync((ICampaignActivities a) => a.FinishCancelledAsync(input), FinishOptions(items.Count));
            Apply(BatchRuns.Expand(finished, finished.Taken is { } taken ? BatchRuns.ItemsOf(taken) : items), finished); // its CappedLeft 0 clears Deferred
        }

        if (fatal is not null)
        {
            // The store and the search attribute say Failed, so `list --status Failed` finds it (a patch:
            // histories of runs that failed before this change replay without the extra activity).
            if (Workflow.Patched("store-failed-status"))
            {
                SetStatus(CampaignStatuses.Failed);
                await Workflow.ExecuteActivityAsync(
                    (ICampaignActivities a) => a.SetStatusAsync(campaignId, state.Progress.Status, JsonSerializer.Serialize(state.Progress, CampaignJson.Options)),
                    StoreOptions);
            }

            throw fatal;
        }

        if (!cancelRequested && ShouldContinueAsNew() && !(storePending && activeBatches == 0 && (Done() || EndedBy())))
        {
            await Workflow.WaitConditionAsync(() => Workflow.AllHandlersFinished);
            if (storePending)
            {
                // Without waiting for the batches: the next run adopts them by their tokens (and dispatches on at once).
                state.Adopt.AddRange(running.Select(r => new AdoptedBatch(r.Key, r.Value)));
            }

            throw Workflow.CreateContinueAsNewException((CampaignWorkflow wf) => wf.RunAsync(campaign, state));
        }

        if (!cancelRequested && storePending && EndedBy() && !Done())
        {
            await FinishNotDialedAsync();
        }

        SetStatus(cancelRequested ? CampaignStatuses.Cancelled : CampaignStatuses.Completed);
        await Workflow.ExecuteActivityAsync(
            (ICampaignActivities a) => a.SetStatusAsync(campaignId, state.Progress.Status, JsonSerializer.Serialize(state.Progress, CampaignJson.Options)),
            StoreOptions);
        await Workflow.WaitConditionAsync(() => Workflow.AllHandlersFinished, detached.Token);
        if (Workflow.CancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException("The campaign was cancelled", Workflow.CancellationToken);
        }

        return state.Progress;
    }

    /// <summary>How far the campaign is.</summary>
    [WorkflowQuery("progress")]
    public CampaignProgress Progress => state.Progress;

    /// <summary>Stops dispatching new calls; calls already placed are still watched and settled.</summary>
    [WorkflowUpdate("pause")]
    public Task<CampaignProgress> PauseAsync()
    {
        state.Paused = true;
        SetStatus(CampaignStatuses.Paused);
        return Task.FromResult(state.Progress);
    }

    /// <summary>Refuses a pause that would change nothing, saying why.</summary>
    [WorkflowUpdateValidator(nameof(PauseAsync))]
    public void ValidatePause() => Refuse(state.Paused ? "the campaign is already paused" : EndedReason());

    /// <summary>Goes on dispatching.</summary>
    [WorkflowUpdate("resume")]
    public Task<CampaignProgress> ResumeAsync()
    {
        state.Paused = false;
        SetStatus(waitingToStart ? CampaignStatuses.Scheduled : CampaignStatuses.Running);
        return Task.FromResult(state.Progress);
    }

    /// <summary>Refuses a resume that would change nothing, saying why.</summary>
    [WorkflowUpdateValidator(nameof(ResumeAsync))]
    public void ValidateResume() => Refuse(!state.Paused ? "the campaign is not paused" : EndedReason());

    /// <summary>
    /// Stops dispatching, hangs up calls still ringing, keeps the outcomes of calls already answered, and
    /// ends the campaign as Cancelled with its totals.
    /// </summary>
    [WorkflowUpdate("cancel")]
    public Task<CampaignProgress> CancelAsync()
    {
        cancelRequested = true;
        batchesCancel.Cancel();
        return Task.FromResult(state.Progress);
    }

    /// <summary>Refuses a second cancel.</summary>
    [WorkflowUpdateValidator(nameof(CancelAsync))]
    public void ValidateCancel() => Refuse(EndedReason());

    /// <summary>Changes the campaign's start rate for the batches dispatched from now on.</summary>
    [WorkflowUpdate("setRate")]
    public Task<CampaignProgress> SetRateAsync(RateChange change)
    {
        state.MaxCallsPerSecond = change.MaxCallsPerSecond;
        rateBeforeStart = waitingToStart ? change : rateBeforeStart;
        return Task.FromResult(state.Progress);
    }

    /// <summary>Refuses a rate outside the vendor's limit.</summary>
    [WorkflowUpdateValidator(nameof(SetRateAsync))]
    public void ValidateSetRate(RateChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        Refuse(change.MaxCallsPerSecond is < 1 or > 200 ? "maxCallsPerSecond must be 1-200 (or null for the worker's share)" : EndedReason());
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

    private ActivityOptions BatchOptions(List<BatchItem> items) => BatchOptions(
        items.All(i => i.AttemptNo == 1)
            ? $"targets {items[0].Seq}-{items[^1].Seq}"
            : $"{items.Count} redials from target {items[0].Seq}");

    private ActivityOptions BatchOptions(string summary) => new()
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
            NonRetryableErrorTypes = [CampaignErrors.InvalidCampaign, CampaignErrors.TencentAuth],
        },
        Summary = summary,
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
            NonRetryableErrorTypes = [CampaignErrors.InvalidCampaign, CampaignErrors.TencentAuth],
        },
        Summary = $"settle {count} attempts after the cancel",
    };

    private BatchInput InputFor(List<BatchItem> items) => new()
    {
        CampaignId = spec.CampaignId!,
        // The dial settings only: the targets are in the store, and a 10k-callee list in every
        // batch's scheduled event would grow the history by megabytes.
        Spec = spec with { Callees = null, Groups = null, CalleeTimeZones = null, Rate = spec.Rate with { MaxCallsPerSecond = state.MaxCallsPerSecond } },
        // Compact (runs of sequence numbers) since live-call slots: a batch's input and result are most of
        // a run's history bytes, and one run should hold a 100,000-target campaign.
        Items = liveSlots ? [] : items,
        Runs = liveSlots ? BatchRuns.Of(items) : null,
        DialUntil = DialUntil(),
    };

    private async Task DispatchAsync()
    {
        // A patch: Temporal's own cancel (the Web UI, `temporal workflow cancel`) ends the wait below through its token.
        // The SDK re-checks wait conditions only after some workflow task ran, and a cancel alone runs none when no batch
        // is running to be cancelled: a paused campaign with no batch running stayed Running after such a cancel.
        var cancelWakes = Workflow.Patched("cancel-wakes-dispatch");
        while (true)
        {
            // Wake for a state change, or when the next redial falls due or the calling window opens.
            // A batch's results may add redials, which changes when to wake: re-plan after every change.
            var seen = changes;
            bool Ready() => changes != seen || fatal is not null || cancelRequested || CanDispatch() || CanEnd();
            var token = cancelWakes && !cancelRequested ? Workflow.CancellationToken : detached.Token;
            try
            {
                if (NextWake() is { } wake)
                {
                    await Workflow.WaitConditionAsync(Ready, wake, token);
                }
                else
                {
                    await Workflow.WaitConditionAsync(Ready, token);
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                // cancelRequested is set (the cancellation's callback): the cancel path below.
            }

            if (fatal is not null || cancelRequested)
            {
                // Let the batches finish their cancellation (hang-ups, outcomes of answered calls).
                await Workflow.WaitConditionAsync(() => activeBatches == 0, detached.Token);
                return;
            }

            if (CanDispatch())
            {
                if (storePending)
                {
                    DispatchHeld();
                    continue;
                }

                var items = NextItems();
                batchesThisRun++;
                _ = RunBatchAsync(InputFor(items), items, BatchOptions(items));
                continue;
            }

            if (CanEnd())
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
            nextDispatchAt = now + TimeSpan.FromSeconds((double)size / (state.MaxCallsPerSecond ?? 200));
        }

        var items = state.Pending.Where(p => p.DueAt <= now).Take(size).Select(p => new BatchItem(p.Seq, p.AttemptNo)).ToList();
        if (items.Count > 0)
        {
            var taken = items.Select(i => (i.Seq, i.AttemptNo)).ToHashSet();
            state.Pending.RemoveAll(p => taken.Contains((p.Seq, p.AttemptNo)));
            return items;
        }

        var count = (int)Math.Min(size, state.Targets - state.NextSeq + 1);
        items = [.. Enumerable.Range(state.NextSeq, count).Select(seq => new BatchItem(seq, 1))];
        state.NextSeq += count;
        state.Progress = state.Progress with { Dispatched = state.Progress.Dispatched + count };
        return items;
    }

    // Store mode: the previous run's batches are adopted first (not paced: they were dispatched already), then due
    // pending attempts are taken from the store, then the first pass goes on in target order, on the same timeline.
    // With nothing else left and no batch running, a take is the end check: only the store can say nothing waits.
    private void DispatchHeld()
    {
        var now = Workflow.UtcNow;
        var token = NextToken();
        if (CanAdopt(now))
        {
            var adopted = state.Adopt[0];
            state.Adopt.RemoveAt(0);
            var listed = adopted.Runs is null ? [] : BatchRuns.ItemsOf(adopted.Runs).ToList();
            StartHeld(InputFor(listed) with { Token = token, AdoptTokens = [adopted.Token] }, listed, adopted.Runs, "adopt " + adopted.Token, endCheck: false);
            return;
        }

        var size = BatchSizeNow();
        var interval = TimeSpan.FromSeconds(size / PaceRate());
        nextDispatchAt = (nextDispatchAt < now - interval ? now : nextDispatchAt) + interval;
        batchesThisRun++;
        var endCheck = EndCheckDue();
        var pendingDueNow = state.PendingLeft > 0 && state.NextPendingDue <= now;
        if (endCheck || (pendingDueNow && state.NextSeq > state.Targets))
        {
            // Paused or outside the calling window, the end check takes nothing: it only asks what is left.
            var take = endCheck && (state.Paused || (window is not null && !window.IsOpen(now))) ? 0 : size;
            state.PendingLeft = Math.Max(0, state.PendingLeft - take); // until a result says what is left
            storeEmpty = false;
            StartHeld(InputFor([]) with { Token = token, Take = take }, [], null, endCheck ? "end check: take what is left" : $"take {size} pending", endCheck);
            return;
        }

        // With pending attempts due, the batch takes them first and fills the rest of its size with first-pass
        // targets (those it has no room for wait in the store, due now): a take alone would spend a whole dispatch
        // interval on the few redials that fell due since the last one, and starve the first pass.
        var count = (int)Math.Min(size, state.Targets - state.NextSeq + 1);
        var items = Enumerable.Range(state.NextSeq, count).Select(seq => new BatchItem(seq, 1)).ToList();
        state.NextSeq += count;
        state.Progress = state.Progress with { Dispatched = state.Progress.Dispatched + count };
        var input = InputFor(items) with { Token = token, Take = pendingDueNow ? size : 0 };
        if (pendingDueNow)
        {
            state.PendingLeft = Math.Max(0, state.PendingLeft - size); // until a result says what is left
            storeEmpty = false;
        }

        StartHeld(input, items, input.Runs, $"targets {items[0].Seq}-{items[^1].Seq}" + (pendingDueNow ? ", due pending attempts first" : string.Empty), endCheck: false);
    }

    private void StartHeld(BatchInput input, List<BatchItem> items, IReadOnlyList<int[]>? runs, string summary, bool endCheck)
    {
        running[input.Token!] = runs;
        _ = RunBatchAsync(input, items, BatchOptions(summary), endCheck);
    }

    // Unique within the campaign: the run id and the batch's number in the run.
    private string NextToken() => $"{Workflow.Info.RunId}/{++batchNo}";

    private bool CanAdopt(DateTimeOffset now) => state.Adopt.Count > 0 && (!state.Paused || PastEndBy(now)) && now >= runStarted + AdoptAfter;

    // Store mode: continue as new once suggested, without waiting for the batches, when every batch of the previous
    // run is adopted and this run has lived MinRunLength.
    private bool SwitchNow() => ShouldContinueAsNew() && state.Adopt.Count == 0 && (!adopting || Workflow.UtcNow >= runStarted + MinRunLength);

    private bool CanEnd() => storePending
        ? SwitchNow() || (activeBatches == 0 && (Done() || EndedBy()))
        : activeBatches == 0 && (Done() || ShouldContinueAsNew() || EndedBy());

    // A batch holds at most about five seconds of this campaign's dialing, so pause and the window take effect quickly.
    // The first batches of a run ramp up from 50 (50, 100, 200, 400, 500): the first ring waits for its batch's
    // intents to be stored, and 50 are stored faster than 500.
    private int BatchSizeNow() =>
        !liveSlots ? (state.MaxCallsPerSecond is { } rate ? Math.Clamp(rate * 5, 1, BatchSize) : BatchSize)
        : Math.Clamp((int)(PaceRate() * 5), 1, Math.Min(MaxBatchSize, 50 << Math.Min(batchesThisRun, 4)));

    // The campaign's cap, else what the fleet's share of the start limit allows (the default 200 × 0.9 when the worker did not say).
    private double PaceRate() => state.MaxCallsPerSecond ?? state.FleetStartRate ?? 180;

    // Batches are dispatched one batch ahead of the timeline, so the worker always has the next one queued
    // behind its start gate and never idles while a workflow task or an activity task is on its way.
    private DateTimeOffset DispatchDueAt =>
        !liveSlots || nextDispatchAt == default ? nextDispatchAt : nextDispatchAt - TimeSpan.FromSeconds(BatchSizeNow() / PaceRate());

    private TimeSpan? NextWake()
    {
        var now = Workflow.UtcNow;
        if (PastEndBy(now))
        {
            // Nothing is dispatched any more: only adopting the previous run's batches (their calls are watched) is due.
            var adopt = state.Adopt.Count > 0 && runStarted + AdoptAfter > now ? runStarted + AdoptAfter : (DateTimeOffset?)null;
            adopt = Earliest(adopt, ShouldContinueAsNew() && adopting && runStarted + MinRunLength > now ? runStarted + MinRunLength : null);
            return adopt - now;
        }

        if (state.Paused)
        {
            // An update wakes a paused campaign (timers would only grow its history); endBy ends it paused too.
            return endBy - now;
        }

        // Only future instants: what is due already waits for a batch to finish (a change), not for a timer.
        var future = state.Pending.Where(p => p.DueAt > now).ToList();
        var wake = future.Count > 0 ? future.Min(p => p.DueAt) : (DateTimeOffset?)null;
        if (storePending)
        {
            wake = Earliest(wake, state.PendingLeft > 0 && state.NextPendingDue > now ? state.NextPendingDue : null);
            wake = Earliest(wake, state.Adopt.Count > 0 && runStarted + AdoptAfter > now ? runStarted + AdoptAfter : null);
            wake = Earliest(wake, ShouldContinueAsNew() && adopting && runStarted + MinRunLength > now ? runStarted + MinRunLength : null);
        }

        var dueAt = DispatchDueAt;
        var work = state.NextSeq <= state.Targets || state.Pending.Count > 0 || (storePending && (state.PendingLeft > 0 || (activeBatches == 0 && !storeEmpty)));
        if (dueAt > now && work && (wake is null || dueAt < wake))
        {
            wake = dueAt;
        }

        if (window is not null && !window.IsOpen(now) && window.OpensAfter(now) is { } opens && (wake is null || opens > wake))
        {
            wake = opens;
        }

        wake = Earliest(wake, endBy);
        return wake is { } at && at > now ? at - now : null;
    }

    private static DateTimeOffset? Earliest(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a < b ? a : b;

    // No start after the calling window closes, nor (since live-call slots) after StartWindow: what the worker
    // could not start by then (slots or budget short) comes back Deferred instead of queuing there.
    private DateTimeOffset? DialUntil()
    {
        // endBy ends dialing like the window's close does: nothing left unstarted by then is started.
        var closes = Earliest(window?.ClosesAfter(Workflow.UtcNow), endBy);
        if (!liveSlots)
        {
            return closes;
        }

        var by = Workflow.UtcNow + StartWindow;
        return closes is { } c && c < by ? c : by;
    }

    private async Task RunBatchAsync(BatchInput input, List<BatchItem> items, ActivityOptions options, bool endCheck = false)
    {
        activeBatches++;
        inFlight += items.Count;
        try
        {
            var result = liveSlots
                ? await Workflow.ExecuteActivityAsync((ICampaignActivities a) => a.RunBatchRunsAsync(input), options)
                : await Workflow.ExecuteActivityAsync((ICampaignActivities a) => a.RunBatchAsync(input), options);
            batchesGivenUpInARow = 0;
            Apply(BatchRuns.Expand(result, result.Taken is { } taken ? BatchRuns.ItemsOf(taken) : items), result);
            // Only a take dispatched while nothing else ran can say the store holds nothing more.
            storeEmpty = endCheck && result.Taken is { Count: 0 } && result.PendingLeft == 0;
        }
        catch (ActivityFailureException e) when (cancelRequested && TemporalException.IsCanceledException(e))
        {
            // Cancelled before it could report (between two executions): settled by FinishCancelled since the
            // patch; before it, its outcomes were in the store, its open attempts left open.
            if (SettleAfterCancel)
            {
                Abandon(input, items);
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
            Abandon(input, items);
        }
        catch (ActivityFailureException e)
        {
            fatal ??= e;
        }
        finally
        {
            activeBatches--;
            inFlight -= items.Count;
            if (input.Token is { } token)
            {
                running.Remove(token);
            }

            changes++; // a batch slot is free: dispatch may go on
        }
    }

    private void Abandon(BatchInput input, List<BatchItem> items)
    {
        abandoned.AddRange(items);
        if (input.Token is { } token)
        {
            abandonedTokens.Add(token); // what it held in the store (taken attempts the workflow never saw)
        }
    }

    private void Apply(BatchResult result, BatchResult? reported = null)
    {
        var now = Workflow.UtcNow;
        var deferred = result.Items.Count(i => i.Result == Results.Deferred); // store mode: handed back to the store by the batch
        if (!storePending)
        {
            // Chains from before pending attempts moved into the store keep deferred attempts and redials here (store
            // mode: the batch handed them back or added the redial there).
            foreach (var item in result.Items)
            {
                if (item.Result == Results.Deferred)
                {
                    state.Pending.Add(new PendingAttempt(item.Seq, item.AttemptNo, now));
                }
                else if (RedialFor(item) is { } rule)
                {
                    state.Pending.Add(new PendingAttempt(item.Seq, item.AttemptNo + 1, now + TimeSpan.FromSeconds(rule.DelaySeconds)));
                }
            }
        }

        state.Progress = ProgressCounts.Add(state.Progress, result.Items, item => RedialFor(item) is not null);
        if ((reported ?? result).PendingLeft is { } left)
        {
            // What the store held when the batch ended: the hint for the next take.
            state.PendingLeft = left;
            state.NextPendingDue = (reported ?? result).NextPendingDue;
        }

        if ((reported ?? result).CappedLeft is { } capped)
        {
            // Shown only (no command depends on it): what contact caps deferred, waiting in the store.
            state.Progress = state.Progress with { Deferred = capped };
        }

        if (liveSlots && deferred > 0 && (window is null || window.IsOpen(now)))
        {
            // The worker could not start them within StartWindow (live-call slots or the budget are the limit, not
            // this pace): wait half a window before the next batch, so dispatch follows what the worker starts.
            var later = now + (StartWindow / 2);
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
        var details = failure.Details.Count > 0 ? failure.Details.ElementAt<BatchResult>(0) : new BatchResult([]);
        items = details.Taken is { } taken ? [.. BatchRuns.ItemsOf(taken)] : items; // what it held in the store
        var finished = BatchRuns.Expand(details, items);
        var done = finished.Items.Select(i => (i.Seq, i.AttemptNo)).ToHashSet();
        var failed = items.Distinct().Where(i => !done.Contains((i.Seq, i.AttemptNo))).Select(i => new ItemResult(i.Seq, i.AttemptNo, Results.BatchFailed)).ToList();
        Apply(new BatchResult([.. finished.Items, .. failed]));
        state.Progress = ProgressCounts.GaveUp(state.Progress, failed.Count, failure.Message);
        batchesGivenUpInARow++;
        // After a cancel the campaign ends Cancelled whatever its batches did (since settle-after-cancel).
        if (batchesGivenUpInARow >= MaxBatchesGivenUpInARow && !(cancelRequested && SettleAfterCancel))
        {
            fatal ??= new ApplicationFailureException(
                $"{batchesGivenUpInARow} batches in a row gave up, the last with: {failure.Message}", errorType: CampaignErrors.BatchesFailing, nonRetryable: true);
        }

        Workflow.CurrentDetails = Summary();
    }

    // The campaign's redial rule for an attempt's result, when another attempt follows it (none after a cancel).
    private RedialRule? RedialFor(ItemResult item)
    {
        var rule = spec.Redial.Rules.FirstOrDefault(r => string.Equals(r.Result, item.Result, StringComparison.Ordinal));
        return rule is not null && item.AttemptNo < spec.Redial.MaxAttempts && !cancelRequested ? rule : null;
    }

    private bool Done() => storePending
        ? state.NextSeq > state.Targets && state.Adopt.Count == 0 && storeEmpty
        : state.NextSeq > state.Targets && state.Pending.Count == 0;

    private bool CanDispatch()
    {
        if (storePending)
        {
            return CanDispatchHeld();
        }

        if (state.Paused || cancelRequested || fatal is not null || ShouldContinueAsNew())
        {
            return false;
        }

        var now = Workflow.UtcNow;
        if (now < DispatchDueAt || PastEndBy(now))
        {
            return false;
        }

        var work = state.NextSeq <= state.Targets || state.Pending.Any(p => p.DueAt <= now);
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

    private bool CanDispatchHeld()
    {
        var now = Workflow.UtcNow;
        if (cancelRequested || fatal is not null || activeBatches >= MaxActiveBatches)
        {
            return false;
        }

        if (CanAdopt(now))
        {
            return true;
        }

        if (SwitchNow() || now < DispatchDueAt || PastEndBy(now))
        {
            return false;
        }

        // The end check runs paused or outside the window too (taking nothing): a campaign whose last batch ends
        // after the window closed completes then, not when the window opens again.
        if (EndCheckDue())
        {
            return true;
        }

        return !state.Paused && (window is null || window.IsOpen(now)) && (state.NextSeq <= state.Targets || (state.PendingLeft > 0 && state.NextPendingDue <= now));
    }

    // Nothing else to do, no batch running: only the store can say whether anything is left.
    private bool EndCheckDue() => state.NextSeq > state.Targets && state.PendingLeft == 0 && activeBatches == 0 && state.Adopt.Count == 0 && !storeEmpty;

    private bool ShouldContinueAsNew() => Workflow.ContinueAsNewSuggested;

    private void SetStatus(string status)
    {
        state.Progress = state.Progress with { Status = status };
        Workflow.UpsertTypedSearchAttributes(CampaignSearch.CampaignStatus.ValueSet(status));
        Workflow.CurrentDetails = Summary();
    }

    // What the Web UI shows as the run's current details (CampaignSummary): read by Apply, GaveUp and SetStatus.
    private string Summary() => CampaignSummary.Of(
        state.Progress,
        spec,
        waiting: storePending ? state.PendingLeft : state.Pending.Count,
        outsideWindow: window is not null && !window.IsOpen(Workflow.UtcNow) ? window.ToString() : null,
        waitingToStart: waitingToStart);

    private string? EndedReason() =>
        cancelRequested ? "the campaign is being cancelled"
        : fatal is not null ? "the campaign is failing: " + fatal.Message
        : state.Progress.Status is CampaignStatuses.Completed or CampaignStatuses.Cancelled or CampaignStatuses.Failed ? "the campaign has ended"
        : null;

    private static void Refuse(string? reason)
    {
        if (reason is not null)
        {
            throw new ApplicationFailureException(reason, errorType: CampaignErrors.CommandRefused, nonRetryable: true);
        }
    }
}
