using System.Data.Common;
using Campaigns.Storage.Model;
using Dapper;
using DbUp;
using Npgsql;
using NpgsqlTypes;

namespace Campaigns.Storage.Sql;

/// <summary>The production store: PostgreSQL through an <see cref="NpgsqlDataSource"/>; bulk paths use binary COPY.</summary>
internal sealed class PostgresOutcomeStore(string connectionString, TimeProvider time) : SqlOutcomeStore(time), IAsyncDisposable, IDisposable
{
    // Any constant works; it only has to be the same for every process migrating this database.
    private const long MigrationLock = 0x43_61_6D_70_61_69_67;
    private readonly NpgsqlDataSource dataSource = NpgsqlDataSource.Create(connectionString);

    public override async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        // Workers starting together would race to create the same tables: one migrates, the others wait.
        var conn = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (conn.ConfigureAwait(false))
        {
            await conn.ExecuteAsync("SELECT pg_advisory_lock(@MigrationLock)", new { MigrationLock }).ConfigureAwait(false);
            try
            {
                Upgrade(DeployChanges.To.PostgresqlDatabase(connectionString), "Postgres");
            }
            finally
            {
                await conn.ExecuteAsync("SELECT pg_advisory_unlock(@MigrationLock)", new { MigrationLock }).ConfigureAwait(false);
            }
        }
    }

    public ValueTask DisposeAsync() => dataSource.DisposeAsync();

    public void Dispose() => dataSource.Dispose();

    protected override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    protected override string Json(string expression) => $"CAST({expression} AS jsonb)";

    protected override string CalleesOf(string column) => $"jsonb_array_elements_text(CAST({column} AS jsonb)) AS c(value)";

    protected override string InList(string column, string parameter) => $"{column} = ANY({parameter})";

    // Connection failures, a server shutting down or restarting (57P01-57P03), serialization failures.
    protected override bool IsTransient(Exception e) => e switch
    {
        PostgresException p => p.IsTransient || p.SqlState.StartsWith("08", StringComparison.Ordinal) || p.SqlState.StartsWith("57P0", StringComparison.Ordinal),
        NpgsqlException n => n.IsTransient,
        TimeoutException or IOException => true,
        _ => false,
    };

    // After a server restart every pooled connection is dead: drop them rather than fail once per connection.
    protected override void OnTransientError() => dataSource.Clear();

    protected override async Task StageTargetsAsync(DbConnection conn, DbTransaction tx, IReadOnlyList<StagedTarget> rows, CancellationToken cancellationToken)
    {
        var copy = await ((NpgsqlConnection)conn).BeginBinaryImportAsync(
            "COPY targets_in (ord, target_key, callees) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false);
        await using (copy.ConfigureAwait(false))
        {
            foreach (var row in rows)
            {
                await copy.StartRowAsync(cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(row.Ord, NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(row.TargetKey, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(row.Callees, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
            }

            await copy.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    protected override async Task StageIntentsAsync(DbConnection conn, DbTransaction tx, IReadOnlyList<StagedIntent> rows, CancellationToken cancellationToken)
    {
        var copy = await ((NpgsqlConnection)conn).BeginBinaryImportAsync(
            "COPY intents_in (attempt_key, target_seq, attempt_no) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false);
        await using (copy.ConfigureAwait(false))
        {
            foreach (var row in rows)
            {
                await copy.StartRowAsync(cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(row.AttemptKey, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(row.TargetSeq, NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(row.AttemptNo, NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
            }

            await copy.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    protected override async Task StageOutcomesAsync(DbConnection conn, DbTransaction tx, IReadOnlyList<Outcome> rows, CancellationToken cancellationToken)
    {
        await conn.ExecuteAsync(
            """
            CREATE TEMP TABLE outcomes_in (
                attempt_key text, callee text, campaign_id text, call_id text, result text, raw_result text,
                start_time timestamptz, accept_time timestamptz, end_time timestamptz, duration_ms bigint, raw_record text, recorded_at timestamptz)
            """,
            transaction: tx).ConfigureAwait(false);
        var copy = await ((NpgsqlConnection)conn).BeginBinaryImportAsync(
            """
            COPY outcomes_in (attempt_key, callee, campaign_id, call_id, result, raw_result,
                              start_time, accept_time, end_time, duration_ms, raw_record, recorded_at) FROM STDIN (FORMAT BINARY)
            """,
            cancellationToken).ConfigureAwait(false);
        await using (copy.ConfigureAwait(false))
        {
            foreach (var o in rows)
            {
                await copy.StartRowAsync(cancellationToken).ConfigureAwait(false);
                await Text(copy, o.AttemptKey, cancellationToken).ConfigureAwait(false);
                await Text(copy, o.Callee, cancellationToken).ConfigureAwait(false);
                await Text(copy, o.CampaignId, cancellationToken).ConfigureAwait(false);
                await Text(copy, o.CallId, cancellationToken).ConfigureAwait(false);
                await Text(copy, o.Result, cancellationToken).ConfigureAwait(false);
                await Text(copy, o.RawResult, cancellationToken).ConfigureAwait(false);
                await Stamp(copy, o.StartTime, cancellationToken).ConfigureAwait(false);
                await Stamp(copy, o.AcceptTime, cancellationToken).ConfigureAwait(false);
                await Stamp(copy, o.EndTime, cancellationToken).ConfigureAwait(false);
                if (o.DurationMs is { } ms)
                {
                    await copy.WriteAsync(ms, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await copy.WriteNullAsync(cancellationToken).ConfigureAwait(false);
                }

                await Text(copy, o.RawRecord, cancellationToken).ConfigureAwait(false);
                await Stamp(copy, o.RecordedAt, cancellationToken).ConfigureAwait(false);
            }

            await copy.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static Task Text(NpgsqlBinaryImporter copy, string? value, CancellationToken cancellationToken) =>
        value is null ? copy.WriteNullAsync(cancellationToken) : copy.WriteAsync(value, NpgsqlDbType.Text, cancellationToken);

    private static Task Stamp(NpgsqlBinaryImporter copy, DateTimeOffset? value, CancellationToken cancellationToken) =>
        value is { } t ? copy.WriteAsync(t.ToUniversalTime(), NpgsqlDbType.TimestampTz, cancellationToken) : copy.WriteNullAsync(cancellationToken);
}
