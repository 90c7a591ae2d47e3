using Campaigns.Storage;

namespace Campaigns.Cli.Connection;

/// <summary>Opens the outcome store the workers write to, with the worker's configuration key and rules.</summary>
internal static class StoreConnector
{
    public const string StoreRemedy =
        "give the worker's store with --store or ConnectionStrings__Outcomes (PostgreSQL 'Host=…;Database=…', or " +
        "'Data Source=file.db' for SQLite), or set OutcomeStore__Embedded=true for the local campaigns.db";

    /// <summary>
    /// The store, migrated (the CLI may be the first to touch a new database, e.g. to import before any worker
    /// ran; migrations are journaled, so this is a no-op afterwards).
    /// </summary>
    public static async Task<IOutcomeStore> OpenAsync(ConnectionSettings settings, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(settings.Store))
        {
            throw new CliException(ExitCodes.Invalid, "no outcome store configured: this command reads or writes the store the workers use", StoreRemedy);
        }

        IOutcomeStore store;
        try
        {
            // An operator waits at a prompt: give up sooner than a worker would (30 s) when the database is away.
            store = OutcomeStores.Create(settings.Store, new OutcomeStoreOptions { RetryDeadline = TimeSpan.FromSeconds(10) });
        }
        catch (ArgumentException e)
        {
            throw new CliException(ExitCodes.Invalid, "--store / ConnectionStrings__Outcomes: " + e.Message.Replace(" (Parameter 'connectionString')", string.Empty, StringComparison.Ordinal), StoreRemedy, e);
        }

        try
        {
            await store.MigrateAsync(cancellationToken).ConfigureAwait(false);
            return store;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            await DisposeAsync(store).ConfigureAwait(false);
            throw Unavailable(e);
        }
    }

    public static CliException Unavailable(Exception e) => new(
        ExitCodes.Unavailable,
        "cannot use the outcome store: " + e.Message,
        "start the database, or fix --store / ConnectionStrings__Outcomes (it must be the store the workers use)",
        e);

    public static async Task DisposeAsync(IOutcomeStore? store)
    {
        switch (store)
        {
            case IAsyncDisposable a:
                await a.DisposeAsync().ConfigureAwait(false);
                break;
            case IDisposable d:
                d.Dispose();
                break;
        }
    }
}
