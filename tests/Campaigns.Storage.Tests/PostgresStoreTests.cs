using Campaigns.Testing;
using Npgsql;

namespace Campaigns.Storage.Tests;

/// <summary>The store contract on PostgreSQL (the server tests/run.sh starts), a fresh database per test.</summary>
public sealed class PostgresStoreTests : StoreContract
{
    private readonly List<string> databases = [];
    private string connectionString = string.Empty;

    protected override async Task<IOutcomeStore> CreateStoreAsync()
    {
        connectionString = await PostgresServer.CreateDatabaseAsync();
        return OutcomeStores.Create(connectionString);
    }

    protected override IOutcomeStore NewStore(OutcomeStoreOptions? options) => OutcomeStores.Create(connectionString, options);

    protected override async Task DropStoreAsync()
    {
        foreach (var database in databases.Append(connectionString))
        {
            await PostgresServer.DropDatabaseAsync(database);
        }
    }

    protected override Task ExecuteAsync(string sql) => ExecuteAsync(connectionString, sql);

    protected override async Task<(IOutcomeStore Store, Func<string, Task> Execute)> NewDatabaseAt0001Async()
    {
        var old = await PostgresServer.CreateDatabaseAsync();
        databases.Add(old);
        var store = (Sql.PostgresOutcomeStore)OutcomeStores.Create(old);
        await store.MigrateAsync(name => name.Contains(".0001_", StringComparison.Ordinal), default);
        return (store, sql => ExecuteAsync(old, sql));
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }

    protected override async Task<IOutcomeStore> NewReadOnlyStoreAsync()
    {
        var database = new NpgsqlConnectionStringBuilder(connectionString).Database;
        await ExecuteAsync($"ALTER DATABASE {database} SET default_transaction_read_only = on");
        return OutcomeStores.Create(connectionString);
    }

    protected override async Task<IAsyncDisposable> HoldWriteLockAsync()
    {
        var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"BEGIN; SELECT * FROM campaigns WHERE campaign_id = '{Campaign}' FOR UPDATE", conn);
        await cmd.ExecuteNonQueryAsync();
        return conn;
    }

    [Fact]
    public async Task SetCampaignStatus_CallerCancelsWhileBlocked_StopsWaiting()
    {
        await using var held = await HoldWriteLockAsync();
        using var cancel = new CancellationTokenSource();

        var write = Store.SetCampaignStatusAsync(Campaign, Model.CampaignStatus.Running, cancellationToken: cancel.Token);
        await PostgresServer.WaitForLockWaitAsync(connectionString);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Bounded(write));
    }
}
