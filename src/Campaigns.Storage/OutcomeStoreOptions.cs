using Campaigns.Storage.Model;

namespace Campaigns.Storage;

/// <summary>Section <c>OutcomeStore</c>: how the store behaves, whichever database it is on.</summary>
public sealed class OutcomeStoreOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "OutcomeStore";

    /// <summary>Apply pending migrations when the host starts (default true).</summary>
    public bool MigrateOnStart { get; set; } = true;

    /// <summary>
    /// Use the embedded SQLite file <c>campaigns.db</c> in the working directory when <c>ConnectionStrings:Outcomes</c>
    /// is empty. Off by default: workers of one fleet must share one store, so an empty connection string is
    /// refused rather than silently giving each worker a file of its own.
    /// </summary>
    public bool Embedded { get; set; }

    /// <summary>
    /// The longest one operation may take, retries of transient errors included (default 30 s); past it the
    /// operation fails with an <see cref="OutcomeStoreUnavailableException"/> naming the database.
    /// </summary>
    public TimeSpan RetryDeadline { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Group commit on the per-call path (default true): concurrent intents, claims, dialed marks and settles each
    /// go to the database together (docs/outcome-store.md, Group commit). false: every call is its own transaction,
    /// as before it existed; what each costs on a whole campaign is in docs/benchmarks.md.
    /// </summary>
    public bool GroupCommit { get; set; } = true;

    /// <summary>Most callees of one group target (the vendor allows 9 people with the robot: 8).</summary>
    public int MaxGroupCallees { get; set; } = CalleeId.DefaultMaxGroupCallees;
}

/// <summary>
/// The database could not be reached (or stayed busy) within <see cref="OutcomeStoreOptions.RetryDeadline"/>,
/// or refuses writes. The message names <c>ConnectionStrings:Outcomes</c> and the host or file.
/// </summary>
public sealed class OutcomeStoreUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public OutcomeStoreUnavailableException(string message, Exception? inner)
        : base(message, inner)
    {
    }

    /// <summary>Creates the exception.</summary>
    public OutcomeStoreUnavailableException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public OutcomeStoreUnavailableException(string message)
        : base(message)
    {
    }
}
