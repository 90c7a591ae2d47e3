using System.Collections.Concurrent;
using System.Text.Json;
using Campaigns.Workflows.Activities;
using Campaigns.Workflows.Contract;
using Temporalio.Activities;
using Temporalio.Exceptions;

namespace Campaigns.Workflows.Tests.Mocked;

/// <summary>
/// The campaign's activities with nobody dialed and nothing stored (as samples-dotnet mocks activities: a class whose
/// <c>[Activity("Name")]</c> methods carry the names of <see cref="ICampaignActivities"/>, added with
/// <c>AddAllActivities</c>). A batch "dials" each attempt at once, with the result <see cref="Outcome"/> gives it;
/// pending attempts (redials, deferred) live in a <see cref="FakePendingStore"/> under the batch's token, as the real
/// store keeps them. Its clock is the activity's start time as the server gave it: on the time-skipping server that is
/// workflow time, so what it records says when, in the campaign's time, each batch ran.
/// </summary>
internal sealed class FakeCampaignActivities
{
    private readonly FakePendingStore pending = new();
    private readonly ConcurrentDictionary<(int, int), bool> deferred = new();
    private int batchNo;

    /// <summary>The result of one attempt (default: answered).</summary>
    public Func<int, int, string> Outcome { get; init; } = (_, _) => Results.NormalEnd;

    /// <summary>
    /// Targets whose attempt comes back Deferred the first time a batch holds it (as when the worker could not start it
    /// within the start window): handed back to the store, due now, never dialed that time.
    /// </summary>
    public IReadOnlySet<int> DeferOnce { get; init; } = new HashSet<int>();

    /// <summary>
    /// For the n-th batch execution (1-based) and the attempts it holds: how many it finishes before it gives up
    /// (a non-retryable <c>BatchGaveUp</c> failure), or null to finish them all (default).
    /// </summary>
    public Func<int, IReadOnlyList<BatchItem>, int?> GiveUpAfter { get; init; } = (_, _) => null;

    /// <summary>
    /// Bytes of filler added to the JSON result of a batch (n-th execution, the attempts it held → bytes; default none). The
    /// workflow ignores the unknown field; the history grows, so the server suggests continuing as new (the time-skipping
    /// server does at 4 MB of history).
    /// </summary>
    public Func<int, IReadOnlyList<BatchItem>, int> PaddingBytes { get; init; } = (_, _) => 0;

    /// <summary>Bytes of filler added to the registration's result (recorded in the history as a local activity's marker).</summary>
    public int RegisterPaddingBytes { get; init; }

    /// <summary>
    /// Awaited by the n-th batch execution once it holds its attempts, before it dials: true goes on, false stops it
    /// there, dialing nobody and handing nothing back (as a batch stops when told its workflow run is gone).
    /// </summary>
    public Func<int, IReadOnlyList<BatchItem>, Task<bool>> Hold { get; init; } = (_, _) => Task.FromResult(true);

    /// <summary>Registrations (a continue-as-new run never registers again).</summary>
    public ConcurrentQueue<RegisterInput> Registrations { get; } = new();

    /// <summary>Every batch execution, in the order they started.</summary>
    public ConcurrentQueue<BatchCall> Batches { get; } = new();

    /// <summary>Every attempt dialed: target, attempt number, workflow time.</summary>
    public ConcurrentQueue<Dial> Dials { get; } = new();

    /// <summary>The statuses SetCampaignStatus stored.</summary>
    public ConcurrentQueue<string> Statuses { get; } = new();

    /// <summary>FinishCancelled and FinishNotDialed executions.</summary>
    public ConcurrentQueue<string> Finishes { get; } = new();

    /// <summary>Batches that held at least one attempt and were not stopped.</summary>
    public IReadOnlyList<BatchCall> Dialing => [.. Batches.Where(b => b.Held.Count > 0 && !b.Stopped)];

    [Activity("RegisterCampaign")]
    public Task<JsonElement> RegisterAsync(RegisterInput input)
    {
        Registrations.Enqueue(input);
        var targets = (input.Spec.Callees?.Count ?? 0) + (input.Spec.Groups?.Count ?? 0);
        return Task.FromResult(Padded(new RegisterResult(targets) { StartsPerSecond = 180 }, RegisterPaddingBytes));
    }

    [Activity("RunBatch")]
    public Task<JsonElement> RunBatchAsync(BatchInput input) => RunBatchRunsAsync(input);

    [Activity("RunBatchRuns")]
    public async Task<JsonElement> RunBatchRunsAsync(BatchInput input)
    {
        var info = ActivityExecutionContext.Current.Info;
        var now = Now();
        var n = Interlocked.Increment(ref batchNo);
        var held = input.Token is { } token
            ? pending.TakePending(token, input.AdoptTokens ?? [], [.. input.AllItems().Select(i => (i.Seq, i.AttemptNo))], input.Take, now).Items.Select(i => new BatchItem(i.Seq, i.AttemptNo)).ToList()
            : [.. input.AllItems()];
        if (!await Hold(n, held))
        {
            Batches.Enqueue(new BatchCall(n, now, Utc(info.ScheduledTime), info.WorkflowRunId, info.Attempt, input, held, [], false) { Stopped = true });
            throw new OperationCanceledException($"batch {n} stopped before dialing");
        }

        return HeldBatchResult(input, info, now, n, held);
    }

    [Activity("FinishCancelled")]
    public Task<BatchResult> FinishCancelledAsync(BatchInput input)
    {
        Finishes.Enqueue("FinishCancelled");
        var now = Now();
        var items = input.Token is { } token
            ? pending.TakePending(token, input.AdoptTokens ?? [], [.. input.AllItems().Select(i => (i.Seq, i.AttemptNo))], 0, now).Items.Select(i => new BatchItem(i.Seq, i.AttemptNo)).ToList()
            : [.. input.AllItems().Distinct()];
        pending.DeleteAll();
        var results = items.Select(i => new ItemResult(i.Seq, i.AttemptNo, Results.Cancelled)).ToList();
        return Task.FromResult(BatchRuns.Compact(results) with { Taken = BatchRuns.Of(items), PendingLeft = 0, CappedLeft = 0 });
    }

    [Activity("FinishNotDialed")]
    public Task<NotDialedResult> FinishNotDialedAsync(BatchInput input)
    {
        Finishes.Enqueue("FinishNotDialed");
        var waiting = pending.Free(Now(), all: true);
        var firsts = input.AllItems().Select(i => i.Seq).Concat(waiting.Where(w => w.AttemptNo == 1).Select(w => w.Seq)).Distinct().Count();
        var redials = waiting.Count(w => w.AttemptNo > 1);
        pending.DeleteAll();
        var byResult = firsts > 0 ? new Dictionary<string, long> { [Results.NotDialed] = firsts } : [];
        return Task.FromResult(new NotDialedResult(byResult, firsts + redials));
    }

    [Activity("SetCampaignStatus")]
    public Task SetStatusAsync(string campaignId, string status, string? totalsJson)
    {
        Statuses.Enqueue(status);
        if (status is CampaignStatuses.Completed or CampaignStatuses.Cancelled or CampaignStatuses.Failed)
        {
            pending.DeleteAll();
        }

        return Task.CompletedTask;
    }

    // One execution: hold the attempts (from the store when the input has a token), dial each now unless DialUntil has
    // passed (then Deferred), hand back the deferred attempts and the redials the campaign's rules ask for.
    private JsonElement HeldBatchResult(BatchInput input, ActivityInfo info, DateTimeOffset now, int n, List<BatchItem> held)
    {
        var giveUpAfter = held.Count > 0 ? GiveUpAfter(n, held) : null;
        var results = new List<ItemResult>();
        foreach (var item in held.Take(giveUpAfter ?? held.Count))
        {
            if ((input.DialUntil is { } until && now > until) || (DeferOnce.Contains(item.Seq) && deferred.TryAdd((item.Seq, item.AttemptNo), true)))
            {
                results.Add(new ItemResult(item.Seq, item.AttemptNo, Results.Deferred));
                continue;
            }

            Dials.Enqueue(new Dial(item.Seq, item.AttemptNo, now));
            results.Add(new ItemResult(item.Seq, item.AttemptNo, Outcome(item.Seq, item.AttemptNo)));
        }

        Batches.Enqueue(new BatchCall(n, now, Utc(info.ScheduledTime), info.WorkflowRunId, info.Attempt, input, held, results, giveUpAfter is not null));
        var result = input.Token is { } t ? HandBack(input, t, held, results, now) : input.Runs is null ? new BatchResult(results) : BatchRuns.Compact(results);
        if (giveUpAfter is not null)
        {
            throw new ApplicationFailureException(
                $"Batch gave up after {info.Attempt} execution(s): fake fault in batch {n}", errorType: Results.BatchGaveUpError, nonRetryable: true, details: [result]);
        }

        return Padded(result, PaddingBytes(n, held));
    }

    // The result as JSON, with a filler field the workflow does not read when bytes > 0.
    private static JsonElement Padded<T>(T result, int bytes)
    {
        var json = JsonSerializer.SerializeToNode(result, CampaignJson.Options)!.AsObject();
        if (bytes > 0)
        {
            json["padding"] = new string('x', bytes);
        }

        return JsonSerializer.SerializeToElement(json, CampaignJson.Options);
    }

    private BatchResult HandBack(BatchInput input, string token, List<BatchItem> held, List<ItemResult> results, DateTimeOffset now)
    {
        var deferred = results.Where(r => r.Result == Results.Deferred).Select(r => (r.Seq, r.AttemptNo, now)).ToList();
        var redials = results.Select(r => (Result: r, Rule: input.Spec.Redial.Rules.FirstOrDefault(x => x.Result == r.Result)))
            .Where(r => r.Rule is not null && r.Result.AttemptNo < input.Spec.Redial.MaxAttempts && r.Result.Result != Results.Deferred)
            .Select(r => (r.Result.Seq, r.Result.AttemptNo + 1, now + TimeSpan.FromSeconds(r.Rule!.DelaySeconds)))
            .ToList();
        var left = pending.HandBack(token, deferred, redials);
        return BatchRuns.Compact(results) with { Taken = BatchRuns.Of(held), PendingLeft = left.Left, NextPendingDue = left.NextDue, CappedLeft = 0 };
    }

    // The server's start time of this execution: workflow time on the time-skipping server.
    private static DateTimeOffset Now() => Utc(ActivityExecutionContext.Current.Info.StartedTime);

    private static DateTimeOffset Utc(DateTime time) => new(DateTime.SpecifyKind(time, DateTimeKind.Utc));
}

/// <summary>One batch execution as the fake saw it.</summary>
internal sealed record BatchCall(
    int No, DateTimeOffset At, DateTimeOffset ScheduledAt, string? RunId, int Attempt, BatchInput Input, IReadOnlyList<BatchItem> Held, IReadOnlyList<ItemResult> Results, bool GaveUp)
{
    /// <summary>Stopped by <see cref="FakeCampaignActivities.Hold"/> before it dialed (its attempts stay held by its token).</summary>
    public bool Stopped { get; init; }
}

/// <summary>One attempt dialed by the fake.</summary>
internal sealed record Dial(int Seq, int AttemptNo, DateTimeOffset At);
