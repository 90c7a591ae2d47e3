using System.Data.Common;
using Campaigns.Storage.Model;
using Dapper;
using DbUp;
using Microsoft.Data.Sqlite;

namespace Campaigns.Storage.Sql;

/// <summary>
/// The embedded default: one SQLite file, no server to run. WAL journal so readers do not block the
/// writer; bulk paths are prepared inserts inside one transaction (SQLite has no COPY).
/// </summary>
internal sealed class SqliteOutcomeStore : SqlOutcomeStore
{
    private readonly string connectionString;

    public SqliteOutcomeStore(string connectionString, TimeProvider time)
        : base(time)
    {
        // Foreign keys are off by default in SQLite; the schema relies on them.
        this.connectionString = new SqliteConnectionStringBuilder(connectionString) { ForeignKeys = true, DefaultTimeout = 30 }.ToString();
    }

    public override async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(new SqliteConnectionStringBuilder(connectionString).DataSource));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var conn = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (conn.ConfigureAwait(false))
        {
            await conn.ExecuteAsync("PRAGMA journal_mode = WAL").ConfigureAwait(false);
        }

        Upgrade(DeployChanges.To.SqliteDatabase(connectionString), "Sqlite");
    }

    protected override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var conn = new SqliteConnection(connectionString);
        await conn.OpenAsync(cancellationToken).ConfigureAwait(false);
        return conn;
    }

    protected override string Json(string expression) => expression;

    protected override string CalleesOf(string column) => $"json_each({column}) AS c";

    protected override string InList(string column, string parameter) => $"{column} IN {parameter}";

    // SQLITE_BUSY / SQLITE_LOCKED: another writer holds the database; its transaction will end.
    protected override bool IsTransient(Exception e) => e is SqliteException { SqliteErrorCode: 5 or 6 };

    protected override Task StageTargetsAsync(DbConnection conn, DbTransaction tx, IReadOnlyList<StagedTarget> rows, CancellationToken cancellationToken) =>
        conn.ExecuteAsync("INSERT INTO targets_in (ord, target_key, callees) VALUES (@Ord, @TargetKey, @Callees)", rows, tx);

    protected override Task StageIntentsAsync(DbConnection conn, DbTransaction tx, IReadOnlyList<StagedIntent> rows, CancellationToken cancellationToken) =>
        conn.ExecuteAsync("INSERT INTO intents_in (attempt_key, target_seq, attempt_no) VALUES (@AttemptKey, @TargetSeq, @AttemptNo)", rows, tx);

    protected override async Task StageOutcomesAsync(DbConnection conn, DbTransaction tx, IReadOnlyList<Outcome> rows, CancellationToken cancellationToken)
    {
        await conn.ExecuteAsync(
            """
            CREATE TEMP TABLE outcomes_in (
                attempt_key TEXT, callee TEXT, campaign_id TEXT, call_id TEXT, result TEXT, raw_result TEXT,
                start_time TEXT, accept_time TEXT, end_time TEXT, duration_ms INTEGER, raw_record TEXT, recorded_at TEXT)
            """,
            transaction: tx).ConfigureAwait(false);
        await conn.ExecuteAsync(
            """
            INSERT INTO outcomes_in (attempt_key, callee, campaign_id, call_id, result, raw_result,
                                     start_time, accept_time, end_time, duration_ms, raw_record, recorded_at)
            VALUES (@AttemptKey, @Callee, @CampaignId, @CallId, @Result, @RawResult,
                    @StartTime, @AcceptTime, @EndTime, @DurationMs, @RawRecord, @RecordedAt)
            """,
            rows,
            tx).ConfigureAwait(false);
    }
}
