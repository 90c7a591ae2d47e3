using Campaigns.Storage.Model;

namespace Campaigns.Storage.Tests;

/// <summary>
/// The behaviour every store must have. Each database runs this same suite through a subclass that
/// makes a fresh, migrated store per test.
/// </summary>
public abstract partial class StoreContract : IAsyncLifetime
{
    protected const string Campaign = "spring-promo";

    private readonly List<IOutcomeStore> others = [];

    protected IOutcomeStore Store { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Store = await CreateStoreAsync();
        await Store.MigrateAsync();
        await Store.RegisterCampaignAsync(Campaign, "campaign-" + Campaign, """{"robot":"r"}""");
    }

    public async Task DisposeAsync()
    {
        // Every store a test made is disposed here, whether the test passed or not.
        foreach (var store in others.Append(Store))
        {
            if (store is IAsyncDisposable d)
            {
                await d.DisposeAsync();
            }
        }

        await DropStoreAsync();
    }

    /// <summary>A store on an empty database.</summary>
    protected abstract Task<IOutcomeStore> CreateStoreAsync();

    /// <summary>Removes the database.</summary>
    protected abstract Task DropStoreAsync();

    /// <summary>Another store on the same database (a second worker), with other options if given.</summary>
    protected abstract IOutcomeStore NewStore(OutcomeStoreOptions? options);

    /// <summary>Runs SQL on the database directly, behind the store's back.</summary>
    protected abstract Task ExecuteAsync(string sql);

    /// <summary>A store on a new, empty database migrated only as far as 0001, and a way to run SQL on it.</summary>
    protected abstract Task<(IOutcomeStore Store, Func<string, Task> Execute)> NewDatabaseAt0001Async();

    /// <summary>A new store on this database made read-only (the way each database can be).</summary>
    protected abstract Task<IOutcomeStore> NewReadOnlyStoreAsync();

    /// <summary>
    /// Holds, from another connection, the lock a write to the campaign row needs (SQLite: the database's
    /// write lock; PostgreSQL: the row's), until disposed.
    /// </summary>
    protected abstract Task<IAsyncDisposable> HoldWriteLockAsync();

    /// <summary>Another store on the same database, disposed with the test.</summary>
    protected IOutcomeStore SecondStore(OutcomeStoreOptions? options = null)
    {
        var store = NewStore(options);
        others.Add(store);
        return store;
    }

    protected async Task<IOutcomeStore> ReadOnlyStoreAsync()
    {
        var store = await NewReadOnlyStoreAsync();
        others.Add(store);
        return store;
    }

    protected static int Retries(IOutcomeStore store) => ((Sql.SqlOutcomeStore)store).TransientErrors;

    protected static IReadOnlyList<IReadOnlyList<string>> Callees(params string[] ids) =>
        [.. ids.Select(id => (IReadOnlyList<string>)id.Split(';'))];

    protected async Task<CallAttempt> DialedAttemptAsync(int seq, string callee, int attemptNo = 1)
    {
        var intent = await Store.RecordIntentAsync(Campaign, seq, attemptNo);
        return await Store.MarkDialedAsync(intent.AttemptKey, $"call-{seq}-{attemptNo}", new Dictionary<string, long> { [callee] = 0 });
    }

    protected static Outcome OutcomeOf(CallAttempt a, string callee, string result = "NormalEnd") => new()
    {
        AttemptKey = a.AttemptKey,
        Callee = callee,
        CampaignId = a.CampaignId,
        CallId = a.CallId,
        Result = result,
        RawResult = result.ToLowerInvariant(),
        StartTime = DateTimeOffset.FromUnixTimeSeconds(1700000000),
        AcceptTime = result == "NormalEnd" ? DateTimeOffset.FromUnixTimeSeconds(1700000005) : null,
        EndTime = DateTimeOffset.FromUnixTimeSeconds(1700000065),
        DurationMs = result == "NormalEnd" ? 60_000 : null,
        RawRecord = $$"""{"CallId":"{{a.CallId}}","CallResult":"{{result}}"}""",
    };

    /// <summary>A bound on an operation that must not hang: a failure names what hung instead of stalling the run.</summary>
    protected static Task<T> Bounded<T>(Task<T> task) => task.WaitAsync(TimeSpan.FromSeconds(60));

    protected static Task Bounded(Task task) => task.WaitAsync(TimeSpan.FromSeconds(60));
}
