namespace Campaigns.Activities.Batches;

/// <summary>
/// What a batch needs from the activity it runs in: a claim token unique to this execution, the results
/// an earlier execution reported in its heartbeats, a way to heartbeat, and two kinds of stop.
/// </summary>
public sealed record BatchContext
{
    /// <summary>Unique per activity execution (workflow, activity id, attempt): the dial claim's owner.</summary>
    public required string ClaimToken { get; init; }

    /// <summary>Results an earlier execution of this batch reported (by attempt key).</summary>
    public IReadOnlyDictionary<string, string> PreviousResults { get; init; } = new Dictionary<string, string>();

    /// <summary>Reports progress (how many attempts have finished so far).</summary>
    public Action<int> Heartbeat { get; init; } = _ => { };

    /// <summary>The campaign is being cancelled: dial no more, hang up ringing calls, settle the rest.</summary>
    public CancellationToken Cancel { get; init; }

    /// <summary>The campaign's robot account.</summary>
    public string? Robot { get; init; }

    /// <summary>Stop at once (the worker is shutting down): a retry resumes from the store.</summary>
    public CancellationToken Abort { get; init; }

    /// <summary>
    /// The worker has begun to shut down (its graceful period runs; <see cref="Abort"/> follows it): send no
    /// start again that the vendor refused, give the claim back instead. Defaults to <see cref="Abort"/>.
    /// </summary>
    public CancellationToken Stopping
    {
        get => stopping ?? Abort;
        init => stopping = value;
    }

    /// <summary>
    /// The attempts a contact cap deferred (attempt key → when the cap frees), filled by the runner: the batch hands
    /// them back to the store due then. Shared by every copy of this context.
    /// </summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, DateTimeOffset> CappedUntil { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// The attempts deferred because the callee's own calling window is closed, or a holiday (attempt key → when it
    /// opens), filled by the runner: the batch hands them back to the store due then. Shared by every copy of this context.
    /// </summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, DateTimeOffset> ClosedUntil { get; } = new(StringComparer.Ordinal);

    private readonly CancellationToken? stopping;
}
