namespace Campaigns.Storage.Tests;

/// <summary>The store contract on the embedded SQLite store, a fresh file per test.</summary>
public sealed class SqliteStoreTests : StoreContract
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "campaigns-tests-" + Guid.NewGuid().ToString("N"));

    private string ConnectionString => $"Data Source={Path.Combine(directory, "outcomes.db")}";

    protected override Task<IOutcomeStore> CreateStoreAsync() => Task.FromResult(OutcomeStores.Create(ConnectionString));

    protected override IOutcomeStore SecondStore() => OutcomeStores.Create(ConnectionString);

    protected override Task DropStoreAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
        return Task.CompletedTask;
    }
}
