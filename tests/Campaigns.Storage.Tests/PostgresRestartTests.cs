using Campaigns.Storage.Model;
using Campaigns.Testing;
using Microsoft.Extensions.Logging;

namespace Campaigns.Storage.Tests;

/// <summary>
/// What only a server database can suffer: a restart in the middle of a write. The write is first made to
/// wait on a lock held by another connection, so the restart cuts it for certain, not by timing.
/// </summary>
[Collection(PostgresRestarts.Name)]
public sealed class PostgresRestartTests : IAsyncLifetime, IDisposable
{
    private readonly CapturingLoggerProvider logs = new();
    private string connectionString = string.Empty;
    private IOutcomeStore store = null!;

    public async Task InitializeAsync()
    {
        connectionString = await PostgresServer.CreateDatabaseAsync();
        using var factory = LoggerFactory.Create(b => b.AddProvider(logs));
        store = OutcomeStores.Create(connectionString, new OutcomeStoreOptions { RetryDeadline = TimeSpan.FromSeconds(60) }, factory.CreateLogger("store"));
        await store.MigrateAsync();
        await store.RegisterCampaignAsync("c", "campaign-c", "{}");
    }

    public void Dispose() => logs.Dispose();

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
        var outcomes = Enumerable.Range(1, n)
            .Select(seq => new Outcome { AttemptKey = AttemptKey.For("c", seq, 1), Callee = "u" + (seq - 1), CampaignId = "c", CallId = "call-" + seq, Result = "NormalEnd" })
            .ToList();
        await RecordDialedAttemptsAsync(n);

        var write = await PostgresServer.RestartWhileWaitingAsync(connectionString, "outcomes", () => store.UpsertOutcomesAsync(outcomes));
        await write;
        await store.UpsertOutcomesAsync(outcomes);

        var progress = await store.GetProgressAsync("c");
        Assert.True(((Sql.SqlOutcomeStore)store).TransientErrors > 0, "the restart did not cut the write; the test proved nothing");
        Assert.Contains(logs.Lines, l => l.StartsWith("Warning", StringComparison.Ordinal) && l.Contains("failed transiently, retrying", StringComparison.Ordinal));
        Assert.Equal(n, progress.OutcomesByResult["NormalEnd"]);
        Assert.Equal(n, progress.Targets);
    }

    [Fact]
    public async Task AddTargets_ServerRestartsMidImport_EveryTargetOnce()
    {
        const int n = 60_000;
        var targets = Enumerable.Range(0, n).Select(i => (IReadOnlyList<string>)["v" + i]).ToList();

        var import = await PostgresServer.RestartWhileWaitingAsync(connectionString, "targets", () => store.AddTargetsAsync("c", targets));
        await import;
        var again = await store.AddTargetsAsync("c", targets);

        Assert.True(((Sql.SqlOutcomeStore)store).TransientErrors > 0, "the restart did not cut the import; the test proved nothing");
        Assert.Equal(0, again.Added);
        var last = await store.GetTargetsAsync("c", n - 1, 10);
        Assert.Equal(n, Assert.Single(last).Seq);
    }

    // Attempts in one go: 40k single calls would make the test slow for no extra proof.
    private async Task RecordDialedAttemptsAsync(int n)
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
