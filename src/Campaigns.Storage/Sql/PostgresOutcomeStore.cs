using System.Buffers;
using System.Data.Common;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Campaigns.Storage.Model;
using Dapper;
using DbUp;
using DbUp.Postgresql;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Campaigns.Storage.Sql;

/// <summary>
/// The production store: PostgreSQL through an <see cref="NpgsqlDataSource"/> (its own, or one already
/// registered in DI). Row sets travel as array parameters expanded by <c>unnest</c> (small ones on the
/// per-call path as one jsonb document, see <see cref="Rows"/>): one statement per step, no temp table,
/// and a call's outcomes and its settle share one statement, so the dialer's per-call path is three round trips.
/// </summary>
internal sealed partial class PostgresOutcomeStore : SqlOutcomeStore, IAsyncDisposable, IDisposable
{
    // Any constant works; it only has to be the same for every process migrating this database.
    private const long MigrationLock = 0x43_61_6D_70_61_69_67;
    private readonly NpgsqlDataSource dataSource;
    private readonly bool ownsDataSource;

    public PostgresOutcomeStore(NpgsqlDataSource dataSource, bool ownsDataSource, OutcomeStoreOptions options, ILogger logger, TimeProvider time)
        : base(options, logger, time)
    {
        this.dataSource = dataSource;
        this.ownsDataSource = ownsDataSource;
        var b = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString);
        Describe = $"PostgreSQL {b.Host}:{b.Port}/{b.Database}";
    }

    internal override string Describe { get; }

    protected override string ForUpdate => " FOR UPDATE";

    // clock_timestamp(), not now(): the time of reading, not of the transaction's start.
    protected override string NowMs => "CAST(floor(extract(epoch FROM clock_timestamp()) * 1000) AS bigint)";

    public override Task MigrateAsync(CancellationToken cancellationToken = default) => MigrateAsync(null, cancellationToken);

    /// <summary>Migrates with only the scripts <paramref name="only"/> accepts (tests: an old schema with data in it).</summary>
    internal async Task MigrateAsync(Func<string, bool>? only, CancellationToken cancellationToken)
    {
        await ProbeAsync(write: false, cancellationToken).ConfigureAwait(false);

        // Workers starting together would race to create the same tables: one migrates, the others wait.
        var conn = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (conn.ConfigureAwait(false))
        {
            await conn.ExecuteAsync(Cmd("SELECT pg_advisory_lock(@MigrationLock)", new { MigrationLock }, null, cancellationToken)).ConfigureAwait(false);
            try
            {
                Upgrade(DeployChanges.To.PostgresqlDatabase(new PostgresqlConnectionManager(dataSource)), "Postgres", only);
            }
            finally
            {
                await conn.ExecuteAsync(Cmd("SELECT pg_advisory_unlock(@MigrationLock)", new { MigrationLock }, null, CancellationToken.None)).ConfigureAwait(false);
            }
        }

        if (only is null)
        {
            await ProbeAsync(write: true, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The upsert and the move as one statement (data-modifying CTEs): one round trip, atomic without BEGIN.
    /// The attempt moves only when every staged outcome matched it; all parts see the same snapshot, and a
    /// racing settle of the same attempt waits on the outcome rows, then finds the attempt Settled (a repeat).
    /// </summary>
    protected override Task<CallAttempt> SettleAloneAsync(SettleCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        var (attemptKey, rows) = (call.Key, call.Rows);
        return InTransactionAsync(
            Access.OneBatch,
            async (conn, tx, ct) =>
            {
                var (matched, insert, parameters) = UpsertSql(rows, attemptKey);
                parameters.Add("to", Names.Of(Settled.To));
                parameters.Add("from", Names.Of(Settled.From.Single()));
                var result = (await conn.QueryAsync<long, CallAttempt?, (long Written, CallAttempt? Moved)>(
                    Cmd(
                        $"""
                        WITH m AS (
                        {matched}
                        ), written AS (
                        {insert}
                        RETURNING 1
                        ), moved AS (
                            UPDATE call_attempts SET state = @to, updated_at = @now, {Settled.Set}
                            WHERE attempt_key = @attemptKey AND state = @from AND (SELECT count(*) FROM m) = @staged
                            RETURNING {AttemptColumns}
                        )
                        SELECT (SELECT count(*) FROM written) AS written, moved.*
                        FROM (SELECT 1) AS one LEFT JOIN moved ON true
                        """,
                        parameters,
                        tx,
                        ct),
                    (written, moved) => (written, moved),
                    splitOn: "attempt_key").ConfigureAwait(false)).Single();
                if (result.Written < rows.Count)
                {
                    await RefuseMismatchAsync(conn, tx, rows, ct).ConfigureAwait(false);
                }

                return result.Moved ?? await StoredAfterRefusalAsync(conn, tx, attemptKey, Settled, ct).ConfigureAwait(false);
            },
            cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (ownsDataSource)
        {
            await dataSource.DisposeAsync().ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        if (ownsDataSource)
        {
            dataSource.Dispose();
        }
    }

    /// <summary>
    /// Deliberately by SQLSTATE (<see cref="PostgresErrorCodes"/>): what a restart, a failover or a busy
    /// server says. 57P04 (database dropped) and 08P01 (protocol violation) will not pass by retrying.
    /// </summary>
    internal static bool IsTransientError(Exception e) => e switch
    {
        PostgresException p => p.SqlState is PostgresErrorCodes.SerializationFailure
            or PostgresErrorCodes.DeadlockDetected
            or PostgresErrorCodes.LockNotAvailable
            or PostgresErrorCodes.AdminShutdown
            or PostgresErrorCodes.CrashShutdown
            or PostgresErrorCodes.CannotConnectNow
            or PostgresErrorCodes.TooManyConnections
            or PostgresErrorCodes.InsufficientResources
            or PostgresErrorCodes.ConnectionException
            or PostgresErrorCodes.ConnectionDoesNotExist
            or PostgresErrorCodes.ConnectionFailure
            or PostgresErrorCodes.SqlClientUnableToEstablishSqlConnection
            or PostgresErrorCodes.SqlServerRejectedEstablishmentOfSqlConnection,

        // Npgsql's own judgement of a failure without a SQLSTATE: I/O errors, timeouts, a broken connection.
        NpgsqlException n => n.IsTransient,
        TimeoutException => true,
        _ => false,
    };

    protected override bool IsTransient(Exception e) => IsTransientError(e);

    // After a server restart every pooled connection is dead: drop them rather than fail once per connection.
    protected override void OnTransientError() => dataSource.Clear();

    protected override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    protected override async Task<DbTransaction?> BeginAsync(DbConnection conn, Access access, CancellationToken cancellationToken) =>
        access == Access.Write ? await conn.BeginTransactionAsync(cancellationToken).ConfigureAwait(false) : null;

    protected override string Json(string expression) => $"CAST({expression} AS jsonb)";

    protected override string CalleesOf(string column) => $"jsonb_array_elements_text(CAST({column} AS jsonb)) AS c(value)";

    // Row sets travel as binary arrays expanded by unnest. The planner sees their length, so a prepared statement
    // is planned anew on every call (its generic plan, costed for an unknown length, never looks cheaper): right
    // for bulk writes, where the size matters, and the larger part of the server's time on the per-call path.
    // There (planOnce), the rows travel as one jsonb document instead, whose length the planner cannot see:
    // the generic plan costs the same as a custom one, and PostgreSQL keeps it.
    protected override string Rows(string alias, DynamicParameters parameters, bool planOnce, params RowColumn[] columns)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(columns);
        if (planOnce && columns.Length > 0)
        {
            parameters.Add(alias, JsonRows(columns));
            return $"jsonb_to_recordset(CAST(@{alias} AS jsonb)) AS {alias}({string.Join(", ", columns.Select(c => $"{c.Name} {c.PgType}"))})";
        }

        var arrays = new List<string>(columns.Length);
        for (var i = 0; i < columns.Length; i++)
        {
            var name = $"{alias}_{i}";
            parameters.Add(name, columns[i].Values);
            arrays.Add($"CAST(@{name} AS {columns[i].PgType}[])");
        }

        return $"unnest({string.Join(", ", arrays)}) AS {alias}({string.Join(", ", columns.Select(c => c.Name))})";
    }

    // [{"column": value, …}, …]. Times to the microsecond, cut as Npgsql cuts them (timestamptz's input would round).
    private static string JsonRows(RowColumn[] columns)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            for (var row = 0; row < columns[0].Values.Length; row++)
            {
                json.WriteStartObject();
                foreach (var column in columns)
                {
                    json.WritePropertyName(column.Name);
                    switch (column.Values.GetValue(row))
                    {
                        case null: json.WriteNullValue(); break;
                        case string s: json.WriteStringValue(s); break;
                        case int i: json.WriteNumberValue(i); break;
                        case long l: json.WriteNumberValue(l); break;
                        case DateTimeOffset t:
                            var utc = t.UtcDateTime;
                            json.WriteStringValue(utc.AddTicks(-(utc.Ticks % 10)).ToString(@"yyyy\-MM\-dd\THH\:mm\:ss.ffffff\Z", CultureInfo.InvariantCulture));
                            break;
                        case var other: throw new NotSupportedException($"no JSON form for {other.GetType().Name}");
                    }
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    protected override string In(string column, DynamicParameters parameters, string name, IReadOnlyList<string> values)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        parameters.Add(name, values.ToArray());
        return $"{column} = ANY(@{name})";
    }
}
