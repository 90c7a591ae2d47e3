using System.Diagnostics;
using System.Globalization;
using System.Text;
using Campaigns.Storage;
using Campaigns.Storage.Csv;
using Campaigns.Storage.Model;
using Campaigns.Testing;

namespace Campaigns.Bench;

/// <summary>
/// The outcome store on both databases: the per-call path at concurrency 1 and 16, then the bulk paths
/// (importing 100k callees from CSV, recording 100k intents, upserting outcomes 10k at a time) and the
/// progress query at 100k rows.
/// </summary>
internal static class StorageBench
{
    private const int Callees = 100_000;
    private const int Batch = 10_000;
    private static bool perCallOnly;

    public static async Task RunAsync(string? postgres, bool perCallOnly = false, bool postgresOnly = false)
    {
        StorageBench.perCallOnly = perCallOnly;
        if (!postgresOnly)
        {
            var dir = Path.Combine(Path.GetTempPath(), "campaigns-bench-" + Guid.NewGuid().ToString("N"));
            await RunOneAsync("SQLite", $"Data Source={Path.Combine(dir, "bench.db")}");
            Directory.Delete(dir, recursive: true);
        }

        postgres ??= Environment.GetEnvironmentVariable("CAMPAIGNS_TEST_POSTGRES") is null ? null : await PostgresServer.CreateDatabaseAsync();
        if (postgres is null)
        {
            Console.WriteLine("PostgreSQL: skipped (run through 'bash tests/bench.sh storage', or pass a connection string)");
            return;
        }

        await RunOneAsync("PostgreSQL", postgres);
    }

    private static async Task RunOneAsync(string name, string connectionString)
    {
        var store = OutcomeStores.Create(connectionString);
        await store.MigrateAsync();
        await store.RegisterCampaignAsync("bench", "campaign-bench", "{}");
        var csv = new StringBuilder("callee\n");
        for (var i = 0; i < Callees; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"user{i:D7}\n");
        }

        Console.WriteLine($"{name}:");
        foreach (var shape in new[] { "single", "dialer" })
        {
            // 4800 at 16: the dialer's batches of 100 come out even (three rounds of 16).
            await PerCallBench.RunAsync(store, shape, concurrency: 1, calls: 1000);
            await PerCallBench.RunAsync(store, shape, concurrency: 16, calls: 4800);
        }

        if (perCallOnly)
        {
            if (store is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync();
            }

            return;
        }

        var import = await TimeAsync(() => CalleeImporter.ImportAsync(store, "bench", new StringReader(csv.ToString())));
        Report("import 100k callees from CSV", import.Elapsed, Callees, "callees");

        var pairs = Enumerable.Range(1, Callees).Select(seq => (seq, 1)).ToList();
        var intents = await TimeAsync(async () =>
        {
            foreach (var chunk in pairs.Chunk(1000))
            {
                await store.RecordIntentsAsync("bench", chunk);
            }

            return 0;
        });
        Report("record 100k intents (batches of 1000)", intents.Elapsed, Callees, "attempts");
        await MarkAllDialedAsync(name, connectionString);

        var batches = Enumerable.Range(0, Callees / Batch).Select(b => Enumerable.Range(1 + (b * Batch), Batch).Select(Outcome).ToList()).ToList();
        var first = await TimeAsync(async () =>
        {
            await store.UpsertOutcomesAsync(batches[0]);
            return 0;
        });
        Report("upsert 10k outcomes (one batch, new rows)", first.Elapsed, Batch, "outcomes");
        var again = await TimeAsync(async () =>
        {
            await store.UpsertOutcomesAsync(batches[0]);
            return 0;
        });
        Report("upsert the same 10k again (all conflicts)", again.Elapsed, Batch, "outcomes");
        foreach (var batch in batches.Skip(1))
        {
            await store.UpsertOutcomesAsync(batch);
        }

        var samples = new List<TimeSpan>();
        Progress? progress = null;
        for (var i = 0; i < 21; i++)
        {
            var p = await TimeAsync(() => store.GetProgressAsync("bench"));
            samples.Add(p.Elapsed);
            progress = p.Result;
        }

        samples.Sort();
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"  progress query at {progress!.Targets} targets / {progress.AttemptsByState.Values.Sum()} attempts / {progress.OutcomesByResult.Values.Sum()} outcomes: median {samples[10].TotalMilliseconds:F1} ms"));
        if (store is IAsyncDisposable d)
        {
            await d.DisposeAsync();
        }
    }

    // Outcomes are accepted only for dialed attempts; 100k single-call moves would measure the per-call
    // path again, so the bench moves them behind the store's back.
    private static async Task MarkAllDialedAsync(string name, string connectionString)
    {
        const string sql = "UPDATE call_attempts SET state = 'dialed', call_id = 'call-' || target_seq WHERE campaign_id = 'bench'";
        await using System.Data.Common.DbConnection conn = name == "SQLite"
            ? new Microsoft.Data.Sqlite.SqliteConnection(connectionString)
            : new Npgsql.NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        await cmd.ExecuteNonQueryAsync();
    }

    private static Outcome Outcome(int seq) => new()
    {
        AttemptKey = AttemptKey.For("bench", seq, 1),
        Callee = $"user{seq - 1:D7}",
        CampaignId = "bench",
        CallId = "call-" + seq,
        Result = (seq % 4) switch { 0 => "NormalEnd", 1 => "NotAnswer", 2 => "Reject", _ => "CallBusy" },
        RawResult = "normal_end",
        StartTime = DateTimeOffset.UnixEpoch.AddSeconds(1700000000 + seq),
        EndTime = DateTimeOffset.UnixEpoch.AddSeconds(1700000060 + seq),
        RawRecord = """{"CallResult":"NormalEnd"}""",
    };

    private static void Report(string what, TimeSpan elapsed, int count, string unit) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {what}: {elapsed.TotalSeconds:F2} s = {count / elapsed.TotalSeconds:F0} {unit}/s"));

    private static async Task<(T Result, TimeSpan Elapsed)> TimeAsync<T>(Func<Task<T>> work)
    {
        var watch = Stopwatch.StartNew();
        var result = await work();
        return (result, watch.Elapsed);
    }
}
