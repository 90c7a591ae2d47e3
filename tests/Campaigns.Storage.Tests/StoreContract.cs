using Campaigns.Storage.Model;

namespace Campaigns.Storage.Tests;

/// <summary>
/// The behaviour every store must have. Each database runs this same suite through a subclass that
/// makes a fresh, migrated store per test.
/// </summary>
public abstract partial class StoreContract : IAsyncLifetime
{
    protected const string Campaign = "spring-promo";

    protected IOutcomeStore Store { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Store = await CreateStoreAsync();
        await Store.MigrateAsync();
        await Store.RegisterCampaignAsync(Campaign, "campaign-" + Campaign, """{"robot":"r"}""");
    }

    public async Task DisposeAsync()
    {
        if (Store is IAsyncDisposable d)
        {
            await d.DisposeAsync();
        }

        await DropStoreAsync();
    }

    /// <summary>A store on an empty database.</summary>
    protected abstract Task<IOutcomeStore> CreateStoreAsync();

    /// <summary>Removes the database.</summary>
    protected abstract Task DropStoreAsync();

    /// <summary>Another store on the same database (a second worker).</summary>
    protected abstract IOutcomeStore SecondStore();

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
}
