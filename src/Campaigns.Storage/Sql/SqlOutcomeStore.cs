using System.Data.Common;
using System.Reflection;
using Campaigns.Storage.Model;
using Dapper;
using DbUp.Builder;

namespace Campaigns.Storage.Sql;

/// <summary>
/// The store's SQL, shared by both databases. A subclass supplies what differs: opening a connection,
/// migrations, filling a staging table in bulk (COPY or prepared inserts), JSON casts, and which
/// errors are transient. Every operation is one transaction and is retried on a transient error,
/// which is safe because every write is idempotent.
/// </summary>
internal abstract partial class SqlOutcomeStore : IOutcomeStore
{
    private const int MaxTries = 6;
    private int transientErrors;

    protected SqlOutcomeStore(TimeProvider time)
    {
        DapperSetup.Ensure();
        Time = time;
    }

    protected TimeProvider Time { get; }

    /// <summary>How many transient errors were retried (tests prove a restart was survived, not dodged).</summary>
    internal int TransientErrors => transientErrors;

    public abstract Task MigrateAsync(CancellationToken cancellationToken = default);

    public Task<CampaignRow> RegisterCampaignAsync(string campaignId, string workflowId, string definitionJson, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(campaignId);
        ArgumentException.ThrowIfNullOrWhiteSpace(workflowId);
        ArgumentException.ThrowIfNullOrWhiteSpace(definitionJson);
        return InTransactionAsync(async (conn, tx) =>
        {
            var now = Time.GetUtcNow();
            await conn.ExecuteAsync(
                $"""
                INSERT INTO campaigns (campaign_id, workflow_id, definition, status, created_at, updated_at)
                VALUES (@campaignId, @workflowId, {Json("@definitionJson")}, @status, @now, @now)
                ON CONFLICT (campaign_id) DO NOTHING
                """,
                new { campaignId, workflowId, definitionJson, status = Names.Of(CampaignStatus.Registered), now },
                tx).ConfigureAwait(false);
            return await conn.QuerySingleAsync<CampaignRow>(SelectCampaign, new { campaignId }, tx).ConfigureAwait(false);
        }, cancellationToken);
    }

    public Task<CampaignRow?> GetCampaignAsync(string campaignId, CancellationToken cancellationToken = default) =>
        InTransactionAsync((conn, tx) => conn.QuerySingleOrDefaultAsync<CampaignRow>(SelectCampaign, new { campaignId }, tx), cancellationToken);

    public Task SetCampaignStatusAsync(string campaignId, CampaignStatus status, string? totalsJson = null, CancellationToken cancellationToken = default) =>
        InTransactionAsync(async (conn, tx) =>
        {
            var changed = await conn.ExecuteAsync(
                $"""
                UPDATE campaigns SET status = @status, totals = COALESCE({Json("@totalsJson")}, totals), updated_at = @now
                WHERE campaign_id = @campaignId
                """,
                new { campaignId, status = Names.Of(status), totalsJson, now = Time.GetUtcNow() },
                tx).ConfigureAwait(false);
            return changed == 1 ? changed : throw NotRegistered(campaignId);
        }, cancellationToken);

    public Task<Progress> GetProgressAsync(string campaignId, CancellationToken cancellationToken = default) =>
        InTransactionAsync(async (conn, tx) =>
        {
            using var grid = await conn.QueryMultipleAsync(
                """
                SELECT count(*) FROM targets WHERE campaign_id = @campaignId;
                SELECT state AS key, count(*) AS count FROM call_attempts WHERE campaign_id = @campaignId GROUP BY state;
                SELECT result AS key, count(*) AS count FROM outcomes WHERE campaign_id = @campaignId GROUP BY result;
                """,
                new { campaignId },
                tx).ConfigureAwait(false);
            var targets = await grid.ReadSingleAsync<long>().ConfigureAwait(false);
            var states = (await grid.ReadAsync<(string Key, long Count)>().ConfigureAwait(false))
                .ToDictionary(r => Enum.Parse<AttemptState>(r.Key, ignoreCase: true), r => r.Count);
            var results = (await grid.ReadAsync<(string Key, long Count)>().ConfigureAwait(false))
                .ToDictionary(r => r.Key, r => r.Count, StringComparer.Ordinal);
            return new Progress(targets, states, results);
        }, cancellationToken);

    /// <summary>Applies the embedded scripts of <c>Migrations/{folder}/</c> that the journal has not seen, each in its own transaction.</summary>
    protected static void Upgrade(UpgradeEngineBuilder builder, string folder)
    {
        var result = builder
            .WithScriptsEmbeddedInAssembly(Assembly.GetExecutingAssembly(), name => name.Contains($".Migrations.{folder}.", StringComparison.Ordinal))
            .WithTransactionPerScript()
            .LogToNowhere()
            .Build()
            .PerformUpgrade();
        if (!result.Successful)
        {
            throw new InvalidOperationException($"migration {result.ErrorScript?.Name} failed: {result.Error.Message}", result.Error);
        }
    }

    /// <summary>Opens a connection.</summary>
    protected abstract Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>The SQL that turns a text parameter or column into the database's JSON type.</summary>
    protected abstract string Json(string expression);

    /// <summary>A FROM item <c>c</c> with one row per element (<c>c.value</c>) of the JSON array in <paramref name="column"/>.</summary>
    protected abstract string CalleesOf(string column);

    /// <summary>SQL testing <paramref name="column"/> against a list parameter (Npgsql binds arrays; SQLite needs the list expanded).</summary>
    protected abstract string InList(string column, string parameter);

    /// <summary>Whether <paramref name="e"/> may pass if the operation is simply tried again.</summary>
    protected abstract bool IsTransient(Exception e);

    /// <summary>Called after a transient error, before the retry (e.g. to drop pooled connections to a restarted server).</summary>
    protected virtual void OnTransientError()
    {
    }

    /// <summary>Runs <paramref name="work"/> in one transaction, retrying the whole of it on transient errors.</summary>
    protected async Task<T> InTransactionAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var conn = await OpenAsync(cancellationToken).ConfigureAwait(false);
                await using (conn.ConfigureAwait(false))
                {
                    var tx = await conn.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                    await using (tx.ConfigureAwait(false))
                    {
                        var result = await work(conn, tx).ConfigureAwait(false);
                        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
                        return result;
                    }
                }
            }
            catch (Exception e) when (attempt < MaxTries && IsTransient(e) && !cancellationToken.IsCancellationRequested)
            {
                Interlocked.Increment(ref transientErrors);
                OnTransientError();
                await Task.Delay(TimeSpan.FromMilliseconds(100 * (1 << attempt)), Time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private const string SelectCampaign = "SELECT campaign_id, workflow_id, definition, status, created_at, updated_at, totals FROM campaigns WHERE campaign_id = @campaignId";

    private static InvalidOperationException NotRegistered(string campaignId) => new($"campaign '{campaignId}' is not registered");
}
