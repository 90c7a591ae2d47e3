using Campaigns.Workflows.Activities;

namespace Campaigns.Activities.Batches;

/// <summary>
/// A batch ended by an error: the attempts it did finish (so a batch that gives up still reports them) and the
/// error. <see cref="Deterministic"/> is set for errors that no retry can cure (targets missing from the store).
/// </summary>
public sealed class BatchRunException : Exception
{
    /// <summary>An error ending a batch after <paramref name="finished"/> came to a result.</summary>
    public BatchRunException(IReadOnlyList<ItemResult> finished, Exception inner, bool deterministic)
        : base(inner?.Message, inner)
    {
        Finished = finished;
        Deterministic = deterministic;
    }

    /// <summary>Not for use: a batch error always carries what finished.</summary>
    public BatchRunException()
    {
    }

    /// <summary>Not for use: a batch error always carries what finished.</summary>
    public BatchRunException(string message)
        : base(message)
    {
    }

    /// <summary>Not for use: a batch error always carries what finished.</summary>
    public BatchRunException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>The attempts that came to a result before the error (this execution's or an earlier one's).</summary>
    public IReadOnlyList<ItemResult> Finished { get; } = [];

    /// <summary>No retry can cure it: give up at once.</summary>
    public bool Deterministic { get; }
}
