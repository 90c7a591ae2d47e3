using Campaigns.Cli.Connection;
using Campaigns.Storage;
using Campaigns.Workflows;

namespace Campaigns.Cli;

/// <summary>What one command run has: its output, connection settings, and the connections it opened (lazily).</summary>
internal sealed class CliContext(CliIo io, ConnectionSettings settings, CancellationToken cancellationToken) : IAsyncDisposable
{
    private CampaignClient? campaigns;
    private IOutcomeStore? store;

    public CliIo Io => io;

    public ConnectionSettings Settings => settings;

    public CancellationToken Cancel => cancellationToken;

    /// <summary>The Temporal client (connected on first use).</summary>
    public async Task<CampaignClient> CampaignsAsync() =>
        campaigns ??= await TemporalConnector.ConnectAsync(settings, cancellationToken).ConfigureAwait(false);

    /// <summary>The outcome store (opened and migrated on first use).</summary>
    public async Task<IOutcomeStore> StoreAsync() =>
        store ??= await StoreConnector.OpenAsync(settings, cancellationToken).ConfigureAwait(false);

    /// <summary>The store in words for messages (never the password).</summary>
    public string StoreName
    {
        get
        {
            try
            {
                var builder = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = settings.Store ?? string.Empty };
                string? Get(string key) => builder.TryGetValue(key, out var v) ? v?.ToString() : null;
                return Get("Host") is { } host
                    ? $"PostgreSQL {host}/{Get("Database") ?? "?"}"
                    : $"SQLite {Get("Data Source") ?? Get("DataSource") ?? Get("Filename") ?? "?"}";
            }
            catch (ArgumentException)
            {
                return "the outcome store";
            }
        }
    }

    public async ValueTask DisposeAsync() => await StoreConnector.DisposeAsync(store).ConfigureAwait(false);
}
