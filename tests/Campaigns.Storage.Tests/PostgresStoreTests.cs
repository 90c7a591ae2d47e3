using Campaigns.Storage.Model;
using Campaigns.Testing;

namespace Campaigns.Storage.Tests;

/// <summary>The store contract on PostgreSQL (the server tests/run.sh starts), a fresh database per test.</summary>
public sealed class PostgresStoreTests : StoreContract
{
    private string connectionString = "";

    protected override async Task<IOutcomeStore> CreateStoreAsync()
    {
        connectionString = await PostgresServer.CreateDatabaseAsync();
        return OutcomeStores.Create(connectionString);
    }

    protected override IOutcomeStore SecondStore() => OutcomeStores.Create(connectionString);

    protected override Task DropStoreAsync() => PostgresServer.DropDatabaseAsync(connectionString);
}

/// <summary>What only a server database can suffer: a restart in the middle of a write.</summary>
[Collection(PostgresRestarts.Name)]
public sealed class PostgresRestartTests : IAsyncLifetime
{
    private string connectionString = "";
    private IOutcomeStore store = null!;

    public async Task InitializeAsync()
    {
        connectionString = await PostgresServer.CreateDatabaseAsync();
        store = OutcomeStores.Create(connectionString);
        await store.MigrateAsync();
        await store.RegisterCampaignAsync("c", "campaign-c", "{}");
    }

    public async Task DisposeAsync()
    {
        await ((IAsyncDisposable)store).DisposeAsync();
        await PostgresServer.DropDatabaseAsync(connectionString);
    }

    [Fact]
    public async Task UpsertOutcomes_ServerRestartsMidBatch_TheRetriedBatchLandsOnce()
    {
        const int n = 40_000;
        await store.AddTargetsAsync("c", [.. Enumerable.Range(0, n).Select(i => (IReadOnlyList<string>)["u" + i])]);
        var attempts = new List<Outcome>(n);
        for (var seq = 1; seq <= n; seq += 1)
        {
            attempts.Add(new Outcome { AttemptKey = AttemptKey.For("c", seq, 1), Callee = "u" + (seq - 1), CampaignId = "c", CallId = "call-" + seq, Result = "NormalEnd" });
        }

        await RecordIntentsAsync(n);

        // Two writes race a restart: whichever one the restart cuts is retried by the store itself.
        var write = store.UpsertOutcomesAsync(attempts);
        await Task.Delay(30);
        await PostgresServer.RestartAsync();
        await write;
        await store.UpsertOutcomesAsync(attempts);

        var progress = await store.GetProgressAsync("c");
        Assert.True(((Sql.SqlOutcomeStore)store).TransientErrors > 0, "the restart did not cut the write; the test proved nothing");
        Assert.Equal(n, progress.OutcomesByResult["NormalEnd"]);
        Assert.Equal(n, progress.Targets);
    }

    [Fact]
    public async Task AddTargets_ServerRestartsMidImport_EveryTargetOnce()
    {
        const int n = 60_000;
        var targets = Enumerable.Range(0, n).Select(i => (IReadOnlyList<string>)["v" + i]).ToList();

        var import = store.AddTargetsAsync("c", targets);
        await Task.Delay(30);
        await PostgresServer.RestartAsync();
        await import;
        var again = await store.AddTargetsAsync("c", targets);

        Assert.True(((Sql.SqlOutcomeStore)store).TransientErrors > 0, "the restart did not cut the import; the test proved nothing");
        Assert.Equal(0, again.Added);
        var last = await store.GetTargetsAsync("c", n - 1, 10);
        Assert.Equal(n, Assert.Single(last).Seq);
    }

    // Intents in one go: 40k single calls would make the test slow for no extra proof.
    private async Task RecordIntentsAsync(int n)
    {
        await using var conn = new Npgsql.NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand(
            """
            INSERT INTO call_attempts (attempt_key, campaign_id, target_seq, attempt_no, state, call_id, intended_at, updated_at)
            SELECT k, 'c', s, 1, 'dialed', 'call-' || s, now(), now() FROM unnest(@keys, @seqs) AS x(k, s)
            """,
            conn);
        cmd.Parameters.AddWithValue("keys", Enumerable.Range(1, n).Select(s => AttemptKey.For("c", s, 1)).ToArray());
        cmd.Parameters.AddWithValue("seqs", Enumerable.Range(1, n).ToArray());
        await cmd.ExecuteNonQueryAsync();
    }
}

/// <summary>Restarting the shared server must not overlap other restarts.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PostgresRestarts
{
    public const string Name = "postgres restarts";
}
