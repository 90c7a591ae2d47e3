using Microsoft.Data.Sqlite;

namespace Campaigns.Storage.Tests;

/// <summary>The store contract on the embedded SQLite store, a fresh file per test.</summary>
public sealed class SqliteStoreTests : StoreContract
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "campaigns-tests-" + Guid.NewGuid().ToString("N"));

    private string File => Path.Combine(directory, "outcomes.db");

    private string ConnectionString => $"Data Source={File}";

    protected override Task<IOutcomeStore> CreateStoreAsync() => Task.FromResult(OutcomeStores.Create(ConnectionString));

    protected override IOutcomeStore NewStore(OutcomeStoreOptions? options) => OutcomeStores.Create(ConnectionString, options);

    protected override Task DropStoreAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
        return Task.CompletedTask;
    }

    protected override Task ExecuteAsync(string sql) => ExecuteAsync(ConnectionString, sql);

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var conn = new SqliteConnection(connectionString + ";Foreign Keys=True");
        await conn.OpenAsync();
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        await cmd.ExecuteNonQueryAsync();
    }

    // Root ignores file permissions, so read-only is what SQLite itself is told.
    protected override Task<IOutcomeStore> NewReadOnlyStoreAsync() => Task.FromResult(OutcomeStores.Create(ConnectionString + ";Mode=ReadOnly"));

    protected override async Task<(IOutcomeStore Store, Func<string, Task> Execute)> NewDatabaseAt0001Async()
    {
        var connectionString = $"Data Source={Path.Combine(directory, "old.db")}";
        var store = (Sql.SqliteOutcomeStore)OutcomeStores.Create(connectionString);
        await store.MigrateAsync(name => name.Contains(".0001_", StringComparison.Ordinal), default);
        return (store, sql => ExecuteAsync(connectionString, sql));
    }

    protected override async Task<IAsyncDisposable> HoldWriteLockAsync()
    {
        var conn = new SqliteConnection(ConnectionString);
        await conn.OpenAsync();
        await using (var cmd = conn.CreateCommand())
        {
            cmd.CommandText = "BEGIN IMMEDIATE";
            await cmd.ExecuteNonQueryAsync();
        }

        return conn;
    }
}
