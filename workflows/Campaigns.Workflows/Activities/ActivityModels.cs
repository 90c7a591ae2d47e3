using Campaigns.Workflows.Contract;

namespace Campaigns.Workflows.Activities;

/// <summary>What <see cref="ICampaignActivities.RegisterAsync"/> needs: the validated campaign and its JSON.</summary>
public sealed record RegisterInput(CampaignSpec Spec, string WorkflowId)
{
    /// <summary>
    /// The run chain registering (the first execution's run id, the same across continue-as-new); null from
    /// workflows before this field (then only a final status refuses).
    /// </summary>
    public string? RunId { get; init; }

    /// <summary>
    /// The campaign whose imported targets this one dials (a recurring campaign's run: the list imported under its
    /// schedule's id, copied into the run's own campaign); null: its own.
    /// </summary>
    public string? TargetsFrom { get; init; }
}

/// <summary>The campaign as stored: how many targets it has.</summary>
public sealed record RegisterResult(long Targets)
{
    /// <summary>
    /// Starts per second the fleet's share allows (limit × headroom), the pace of a campaign without a cap of
    /// its own (null from workers before this field: 200).
    /// </summary>
    public double? StartsPerSecond { get; init; }

    /// <summary>
    /// The zones the campaign's targets are called in (each target's own, the calling window's for those with none),
    /// when any differs from the window's zone; null otherwise, and from workers before this field
    /// (docs/callee-time-zones.md).
    /// </summary>
    public IReadOnlyList<string>? TimeZones { get; init; }
}

/// <summary>One target's attempt to dial: target sequence number and attempt number (1 = first dial).</summary>
public sealed record BatchItem(int Seq, int AttemptNo);

/// <summary>
/// A slice of targets that one activity dials, watches and settles. The activity draws every request from
/// the worker's shared per-API budget, so the batch size sets history size, not speed.
/// </summary>
public sealed record BatchInput
{
    /// <summary>Id of the campaign the batch belongs to.</summary>
    public required string CampaignId { get; init; }

    /// <summary>The dial settings of the campaign.</summary>
    public required CampaignSpec Spec { get; init; }

    /// <summary>The attempts of this batch (empty when <see cref="Runs"/> names them).</summary>
    public required IReadOnlyList<BatchItem> Items { get; init; }

    /// <summary>
    /// The attempts of this batch, compact: runs of <c>[firstSeq, count, attemptNo]</c> (a first-pass batch is one
    /// run). Null from workflows before live-call slots, which list <see cref="Items"/>.
    /// </summary>
    public IReadOnlyList<int[]>? Runs { get; init; }

    /// <summary>Every attempt of the batch, from <see cref="Runs"/> or <see cref="Items"/>.</summary>
    public IReadOnlyList<BatchItem> AllItems() => Runs is null ? Items : BatchRuns.ItemsOf(Runs);

    /// <summary>No start after this instant (the calling window closes): the rest come back as Deferred.</summary>
    public DateTimeOffset? DialUntil { get; init; }

    /// <summary>
    /// Since pending attempts live in the store: the batch's token there (the same for every execution of the
    /// batch). Its attempts are <see cref="Runs"/> (those no other batch holds), what the batches of
    /// <see cref="AdoptTokens"/> held, and <see cref="Take"/> due pending attempts; its Deferred attempts and its
    /// redials are handed back to the store. Null from workflows before: the workflow lists every attempt.
    /// </summary>
    public string? Token { get; init; }

    /// <summary>How many due pending attempts (redials, deferred) to take from the store (with <see cref="Token"/>).</summary>
    public int Take { get; init; }

    /// <summary>Tokens of batches of the previous run (it continued as new while they ran): their attempts are this batch's.</summary>
    public IReadOnlyList<string>? AdoptTokens { get; init; }
}

/// <summary>
/// What <see cref="ICampaignActivities.FinishNotDialedAsync"/> stored once <c>endBy</c> passed: first attempts by
/// result (<see cref="Results.NotDialed"/>, <see cref="Results.Skipped"/>; <see cref="Results.Capped"/> for attempts a
/// contact cap still deferred, redials included), and every target it finished, those whose redial was dropped
/// included (they keep their last result).
/// </summary>
public sealed record NotDialedResult(IReadOnlyDictionary<string, long> ByResult, long Finished);

/// <summary>How one attempt ended (see <see cref="Results"/> for the values).</summary>
public sealed record ItemResult(int Seq, int AttemptNo, string Result);

/// <summary>
/// The results of a batch: one per attempt in <see cref="Items"/>, or compact in <see cref="Seqs"/> (result →
/// target sequence numbers) when the batch's input came as <see cref="BatchInput.Runs"/>.
/// </summary>
public sealed record BatchResult(IReadOnlyList<ItemResult> Items)
{
    /// <summary>Result → the sequence numbers of the batch's attempts with that result (each seq is in a batch once).</summary>
    public IReadOnlyDictionary<string, int[]>? Seqs { get; init; }

    /// <summary>
    /// The attempts the batch held (with <see cref="BatchInput.Token"/>), as runs <c>[firstSeq, count, attemptNo]</c>:
    /// what <see cref="Seqs"/> is expanded against, since the workflow does not know what it took from the store.
    /// </summary>
    public IReadOnlyList<int[]>? Taken { get; init; }

    /// <summary>Pending attempts left in the store when the batch ended (with <see cref="BatchInput.Token"/>).</summary>
    public long? PendingLeft { get; init; }

    /// <summary>When the earliest of <see cref="PendingLeft"/> is due.</summary>
    public DateTimeOffset? NextPendingDue { get; init; }

    /// <summary>
    /// How many of <see cref="PendingLeft"/> a contact cap deferred (the progress shows them as Deferred). A batch
    /// hands those back to the store with the time the cap frees and leaves them out of <see cref="Seqs"/>.
    /// </summary>
    public long? CappedLeft { get; init; }
}
