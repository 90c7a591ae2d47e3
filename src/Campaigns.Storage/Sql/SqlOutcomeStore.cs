using System.Data.Common;
using System.Diagnostics;
using System.Reflection;
using Dapper;
using DbUp.Builder;
using Microsoft.Extensions.Logging;

namespace Campaigns.Storage.Sql;

/// <summary>
/// The store's SQL, shared by both databases. A subclass supplies what differs: connections and
/// transactions, migrations, row sets passed as one parameter (arrays and <c>unnest</c>, or JSON),
/// JSON casts, and which errors are transient. Every operation is one transaction, retried on a
/// transient error until <see cref="OutcomeStoreOptions.RetryDeadline"/>, which is safe because every
/// write is idempotent.
/// </summary>
internal abstract partial class SqlOutcomeStore : IOutcomeStore
{
    /// <summary>
    /// Row sets up to this size (a dialer's batch of intents, one call's outcomes) are passed so that PostgreSQL
    /// keeps one plan for the statement (see <see cref="Rows(string, DynamicParameters, bool, RowColumn[])"/>).
    /// </summary>
    protected const int PlanOnceRows = 100;

    private int transientErrors;

    protected SqlOutcomeStore(OutcomeStoreOptions options, ILogger logger, TimeProvider time)
    {
        DapperSetup.Ensure();
        Options = options;
        Logger = logger;
        Time = time;
        IntentLane = NewIntentLane();
        ClaimLane = NewClaimLane();
        DialedLane = NewDialedLane();
        SettleLane = NewSettleLane();
    }

    protected OutcomeStoreOptions Options { get; }

    protected ILogger Logger { get; }

    protected TimeProvider Time { get; }

    /// <summary>How many transient errors were retried (tests prove a restart was survived, not dodged).</summary>
    internal int TransientErrors => transientErrors;

    /// <summary>The database in words for error messages: host, port and database, or the file's path.</summary>
    internal abstract string Describe { get; }

    public abstract Task MigrateAsync(CancellationToken cancellationToken = default);

    /// <summary>Opens a connection.</summary>
    protected abstract Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Begins the transaction <paramref name="access"/> needs, or none (null) where the database runs the
    /// work atomically by itself: PostgreSQL runs one multi-statement command as one implicit transaction,
    /// which saves the COMMIT round trip on the per-call path. A read must not wait for writers (SQLite: deferred).
    /// </summary>
    protected abstract Task<DbTransaction?> BeginAsync(DbConnection conn, Access access, CancellationToken cancellationToken);

    /// <summary>The SQL that turns a text parameter or column into the database's JSON type.</summary>
    protected abstract string Json(string expression);

    /// <summary>A FROM item <c>c</c> with one row per element (<c>c.value</c>) of the JSON array in <paramref name="column"/>.</summary>
    protected abstract string CalleesOf(string column);

    /// <summary>
    /// A FROM item named <paramref name="alias"/> with one row per element of the columns' values (all the
    /// same length), passed as parameters added to <paramref name="parameters"/>: one statement, no temp table.
    /// The fragment may be used more than once in the same command.
    /// </summary>
    protected string Rows(string alias, DynamicParameters parameters, params RowColumn[] columns) => Rows(alias, parameters, false, columns);

    /// <summary>
    /// <see cref="Rows(string, DynamicParameters, RowColumn[])"/>; with <paramref name="planOnce"/> the database
    /// must not see how many rows there are when it plans, so a prepared statement keeps one plan for every call
    /// (only for small sets in statements that reach every table by a unique key whatever the row count).
    /// </summary>
    protected abstract string Rows(string alias, DynamicParameters parameters, bool planOnce, params RowColumn[] columns);

    /// <summary>
    /// The join that keeps the staged rows (<see cref="Rows(string, DynamicParameters, RowColumn[])"/>) as the outer loop: SQLite cannot estimate
    /// json_each's size and, given the choice, may scan the whole table once per staged row.
    /// </summary>
    protected virtual string JoinStaged => "JOIN";

    /// <summary>SQL testing <paramref name="column"/> against a list of texts, added to <paramref name="parameters"/>.</summary>
    protected abstract string In(string column, DynamicParameters parameters, string name, IReadOnlyList<string> values);

    /// <summary>The locking clause that makes a sub-select lock its rows in its order (PostgreSQL); empty for SQLite.</summary>
    protected abstract string ForUpdate { get; }

    /// <summary>Whether <paramref name="e"/> may pass if the operation is simply tried again.</summary>
    protected abstract bool IsTransient(Exception e);

    /// <summary>
    /// Waits for this process's turn to write, where the database admits one writer at a time (SQLite): an
    /// in-process queue is fair, where writers polling the file lock can starve one of them. Null: no turn needed.
    /// </summary>
    protected virtual Task<IDisposable?> WriterTurnAsync(Access access, CancellationToken cancellationToken) => Task.FromResult<IDisposable?>(null);

    /// <summary>Called after a transient error, before the retry (e.g. to drop pooled connections to a restarted server).</summary>
    protected virtual void OnTransientError()
    {
    }

    /// <summary>Applies the embedded scripts of <c>Migrations/{folder}/</c> (and <paramref name="code"/> scripts) the journal has not seen.</summary>
    protected void Upgrade(UpgradeEngineBuilder builder, string folder, Func<string, bool>? only, params (string Name, DbUp.Engine.IScript Script)[] code)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder = builder
            .WithScriptsEmbeddedInAssembly(
                Assembly.GetExecutingAssembly(),
                name => name.Contains($".Migrations.{folder}.", StringComparison.Ordinal) && (only is null || only(name)))
            .WithTransactionPerScript()
            .LogToNowhere();
        foreach (var (name, script) in code.Where(c => only is null || only(c.Name)))
        {
            builder = builder.WithScript(name, script);
        }

        var result = builder.Build().PerformUpgrade();
        if (!result.Successful)
        {
            throw new InvalidOperationException(
                $"ConnectionStrings:{OutcomeStores.ConnectionStringName} ({Describe}): migration {result.ErrorScript?.Name} failed: {result.Error.Message}", result.Error);
        }
    }

    /// <summary>
    /// Before migrating: waits (within the deadline) until the database answers. After: proves it takes
    /// writes, so a read-only database fails at start and not at the first write.
    /// </summary>
    protected Task ProbeAsync(bool write, CancellationToken cancellationToken) =>
        InTransactionAsync(
            write ? Access.Write : Access.Read,
            async (conn, tx, ct) =>
            {
                try
                {
                    // A statement that writes nothing, but that a read-only database refuses to run.
                    return await conn.ExecuteAsync(Cmd(write ? "DELETE FROM do_not_call WHERE 1 = 0" : "SELECT 1", null, tx, ct)).ConfigureAwait(false);
                }
                catch (DbException e) when (write && !IsTransient(e))
                {
                    throw new OutcomeStoreUnavailableException(
                        $"ConnectionStrings:{OutcomeStores.ConnectionStringName} ({Describe}) refuses writes: {e.Message}", e);
                }
            },
            cancellationToken);

    /// <summary>A Dapper command carrying the transaction and the caller's cancellation.</summary>
    protected static CommandDefinition Cmd(string sql, object? parameters, DbTransaction? tx, CancellationToken cancellationToken) =>
        new(sql, parameters, tx, cancellationToken: cancellationToken);

    /// <summary>
    /// Runs <paramref name="work"/> in one transaction, retrying the whole of it on transient errors until
    /// the deadline; past it, an <see cref="OutcomeStoreUnavailableException"/> names the database.
    /// </summary>
    protected async Task<T> InTransactionAsync<T>(Access access, Func<DbConnection, DbTransaction?, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Options.RetryDeadline);
        var started = Stopwatch.GetTimestamp();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using var turn = await WriterTurnAsync(access, deadline.Token).ConfigureAwait(false);
                var conn = await OpenWithinAsync(deadline.Token).ConfigureAwait(false);
                await using (conn.ConfigureAwait(false))
                {
                    var tx = await BeginAsync(conn, access, deadline.Token).ConfigureAwait(false);
                    if (tx is null)
                    {
                        return await work(conn, null, deadline.Token).ConfigureAwait(false);
                    }

                    await using (tx.ConfigureAwait(false))
                    {
                        var result = await work(conn, tx, deadline.Token).ConfigureAwait(false);
                        await tx.CommitAsync(deadline.Token).ConfigureAwait(false);
                        return result;
                    }
                }
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && (deadline.IsCancellationRequested || IsTransient(e)))
            {
                var delay = TimeSpan.FromMilliseconds(Math.Min(2000, 50 << Math.Min(attempt, 6)));
                var elapsed = Stopwatch.GetElapsedTime(started);
                if (deadline.IsCancellationRequested || elapsed + delay >= Options.RetryDeadline)
                {
                    throw new OutcomeStoreUnavailableException(
                        $"ConnectionStrings:{OutcomeStores.ConnectionStringName} ({Describe}) did not complete the operation within " +
                        $"{Options.RetryDeadline.TotalSeconds:0.#} s ({attempt} tries, OutcomeStore:RetryDeadline): {e.Message}",
                        e);
                }

                Interlocked.Increment(ref transientErrors);
                StoreMetrics.Retries.Add(1);
                Log.Retrying(Logger, Describe, attempt, delay.TotalMilliseconds, e.Message, e);
                OnTransientError();
                await Task.Delay(delay, Time, deadline.Token).ConfigureAwait(false);
            }
        }
    }

    // A driver may not give up opening a connection to a server that accepts and never answers until its
    // own connect timeout; the deadline does not wait for it. A connection that opens after all is closed.
    private async Task<DbConnection> OpenWithinAsync(CancellationToken cancellationToken)
    {
        var opening = OpenAsync(cancellationToken);
        try
        {
            return await opening.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
#pragma warning disable CA1849 // OnlyOnRanToCompletion: the task has its result when the continuation reads it
            _ = opening.ContinueWith(t => t.Result.DisposeAsync(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
#pragma warning restore CA1849
            throw;
        }
    }

    /// <summary>What the work of a transaction does.</summary>
    protected internal enum Access
    {
        /// <summary>Only reads (SQLite does not take the write lock; PostgreSQL needs no transaction).</summary>
        Read,

        /// <summary>Writes, in several commands: always a transaction.</summary>
        Write,

        /// <summary>Writes in exactly one command (several statements at most): PostgreSQL runs it atomically without BEGIN/COMMIT.</summary>
        OneBatch,
    }

    /// <summary>One column of a row set passed as a parameter: its name, PostgreSQL array type, and values.</summary>
    protected internal sealed record RowColumn(string Name, string PgType, Array Values);

    private static InvalidOperationException NotRegistered(string campaignId) => new($"campaign '{campaignId}' is not registered");
}
