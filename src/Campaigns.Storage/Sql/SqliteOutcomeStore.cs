using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Dapper;
using DbUp;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Campaigns.Storage.Sql;

/// <summary>
/// The embedded store: one SQLite file, no server to run. WAL journal so readers do not block the
/// writer, and reads in deferred transactions so they never wait for one either. Row sets travel as
/// one JSON parameter read by <c>json_each</c> (SQLite has no arrays).
/// </summary>
internal sealed class SqliteOutcomeStore : SqlOutcomeStore, IAsyncDisposable, IDisposable
{
    private readonly string connectionString;
    private readonly SemaphoreSlim writer = new(1, 1);

    public SqliteOutcomeStore(string connectionString, OutcomeStoreOptions options, ILogger logger, TimeProvider time)
        : base(options, logger, time)
    {
        // Foreign keys are off by default in SQLite; the schema relies on them. A writer waits for the
        // lock at most as long as the whole operation may take.
        var builder = new SqliteConnectionStringBuilder(connectionString)
        {
            ForeignKeys = true,
            DefaultTimeout = (int)Math.Clamp(Math.Ceiling(options.RetryDeadline.TotalSeconds), 1, 30),
        };
        this.connectionString = builder.ToString();
        Describe = $"SQLite file {Path.GetFullPath(builder.DataSource)}";
    }

    internal override string Describe { get; }

    protected override string ForUpdate => string.Empty;

    // julianday('now') has millisecond resolution (unixepoch('subsec') needs SQLite 3.42).
    protected override string NowMs => "CAST(round((julianday('now') - 2440587.5) * 86400000.0) AS INTEGER)";

    // SQLite takes the left side of a CROSS JOIN as the outer loop, always.
    protected override string JoinStaged => "CROSS JOIN";

    public override async Task MigrateAsync(CancellationToken cancellationToken = default) =>
        await MigrateAsync(null, cancellationToken).ConfigureAwait(false);

    /// <summary>Migrates with only the scripts <paramref name="only"/> accepts (tests: an old schema with data in it).</summary>
    internal async Task MigrateAsync(Func<string, bool>? only, CancellationToken cancellationToken)
    {
        var path = new SqliteConnectionStringBuilder(connectionString);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path.DataSource));
        if (!string.IsNullOrEmpty(directory) && path.Mode is not SqliteOpenMode.ReadOnly)
        {
            Directory.CreateDirectory(directory);
        }

        await ProbeAsync(write: false, cancellationToken).ConfigureAwait(false);
        if (path.Mode is not SqliteOpenMode.ReadOnly)
        {
            var conn = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (conn.ConfigureAwait(false))
            {
                await conn.ExecuteAsync(Cmd("PRAGMA journal_mode = WAL", null, null, cancellationToken)).ConfigureAwait(false);
            }
        }

        Upgrade(
            DeployChanges.To.SqliteDatabase(connectionString),
            "Sqlite",
            only,
            ("Campaigns.Storage.Migrations.Sqlite.0003_fixed_size_target_keys", new SqliteTargetRekey()));
        if (only is null)
        {
            await ProbeAsync(write: true, cancellationToken).ConfigureAwait(false);
        }
    }

    protected override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var conn = new SqliteConnection(connectionString);
        await conn.OpenAsync(cancellationToken).ConfigureAwait(false);
        return conn;
    }

    // Deferred: a read takes no lock until it reads, and in WAL mode never waits for a writer. Immediate:
    // a writer takes the write lock up front, so it cannot fail half-way when upgrading a read lock.
    // Microsoft.Data.Sqlite has no asynchronous BeginTransaction that takes `deferred`, and its async ones run
    // synchronously anyway (SQLite is an in-process library).
#pragma warning disable CA1849 // see above
    protected override Task<DbTransaction?> BeginAsync(DbConnection conn, Access access, CancellationToken cancellationToken) =>
        Task.FromResult<DbTransaction?>(((SqliteConnection)conn).BeginTransaction(deferred: access == Access.Read));
#pragma warning restore CA1849

    public void Dispose() => writer.Dispose();

    public ValueTask DisposeAsync()
    {
        writer.Dispose();
        return ValueTask.CompletedTask;
    }

    protected override async Task<IDisposable?> WriterTurnAsync(Access access, CancellationToken cancellationToken)
    {
        if (access == Access.Read)
        {
            return null;
        }

        await writer.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Turn(writer);
    }

    protected override string Json(string expression) => expression;

    protected override string CalleesOf(string column) => $"json_each({column}) AS c";

    // Always one JSON document: SQLite plans every statement anyway, and cheaply.
    protected override string Rows(string alias, DynamicParameters parameters, bool planOnce, params RowColumn[] columns)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        parameters.Add(alias, JsonRows(columns));
        var fields = columns.Select((c, i) => string.Create(CultureInfo.InvariantCulture, $"json_extract(value, '$[{i}]') AS {c.Name}"));
        return $"(SELECT {string.Join(", ", fields)} FROM json_each(@{alias})) AS {alias}";
    }

    protected override string In(string column, DynamicParameters parameters, string name, IReadOnlyList<string> values)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        parameters.Add(name, JsonSerializer.Serialize(values));
        return $"{column} IN (SELECT value FROM json_each(@{name}))";
    }

    // SQLITE_BUSY / SQLITE_LOCKED: another writer holds the database; its transaction will end.
    protected override bool IsTransient(Exception e) => e is SqliteException { SqliteErrorCode: 5 or 6 };

    // [[row 1 values], [row 2 values], …]; times in the text form Microsoft.Data.Sqlite itself writes, so they compare.
    private static string JsonRows(RowColumn[] columns)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            var count = columns.Length == 0 ? 0 : columns[0].Values.Length;
            for (var row = 0; row < count; row++)
            {
                json.WriteStartArray();
                foreach (var column in columns)
                {
                    switch (column.Values.GetValue(row))
                    {
                        case null: json.WriteNullValue(); break;
                        case string s: json.WriteStringValue(s); break;
                        case int i: json.WriteNumberValue(i); break;
                        case long l: json.WriteNumberValue(l); break;
                        case DateTimeOffset t:
                            json.WriteStringValue(t.ToUniversalTime().ToString(@"yyyy\-MM\-dd HH\:mm\:ss.FFFFFFFzzz", CultureInfo.InvariantCulture));
                            break;
                        case var other: throw new NotSupportedException($"no JSON form for {other.GetType().Name}");
                    }
                }

                json.WriteEndArray();
            }

            json.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private sealed class Turn(SemaphoreSlim writer) : IDisposable
    {
        public void Dispose() => writer.Release();
    }
}
