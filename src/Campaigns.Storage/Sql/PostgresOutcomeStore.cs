using System.Data.Common;
using Dapper;
using DbUp;
using DbUp.Postgresql;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Campaigns.Storage.Sql;

/// <summary>
/// The production store: PostgreSQL through an <see cref="NpgsqlDataSource"/> (its own, or one already
/// registered in DI). Row sets travel as array parameters expanded by <c>unnest</c>: one statement per
/// step, no temp table, so the per-call path stays a couple of round trips.
/// </summary>
internal sealed class PostgresOutcomeStore : SqlOutcomeStore, IAsyncDisposable, IDisposable
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

    protected override string Rows(string alias, DynamicParameters parameters, params RowColumn[] columns)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var arrays = new List<string>(columns.Length);
        for (var i = 0; i < columns.Length; i++)
        {
            var name = $"{alias}_{i}";
            parameters.Add(name, columns[i].Values);
            arrays.Add($"CAST(@{name} AS {columns[i].PgType}[])");
        }

        return $"unnest({string.Join(", ", arrays)}) AS {alias}({string.Join(", ", columns.Select(c => c.Name))})";
    }

    protected override string In(string column, DynamicParameters parameters, string name, IReadOnlyList<string> values)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        parameters.Add(name, values.ToArray());
        return $"{column} = ANY(@{name})";
    }
}
