using System.Data.Common;
using Campaigns.Storage.Sql;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Campaigns.Storage;

/// <summary>Makes the store a connection string asks for.</summary>
public static class OutcomeStores
{
    /// <summary>The configuration key of the connection string (<c>ConnectionStrings:Outcomes</c>).</summary>
    public const string ConnectionStringName = "Outcomes";

    /// <summary>The key under which an <see cref="NpgsqlDataSource"/> registered in DI is preferred.</summary>
    public const string DataSourceKey = "Outcomes";

    /// <summary>The embedded default, used only when asked for (<see cref="OutcomeStoreOptions.Embedded"/>): a SQLite file beside the process.</summary>
    public const string DefaultConnectionString = "Data Source=campaigns.db";

    /// <summary>
    /// PostgreSQL for an Npgsql connection string (<c>Host=…</c>), SQLite for a SQLite one
    /// (<c>Data Source=…</c>); anything else, an empty string included, is refused with the rule spelled out.
    /// </summary>
    public static IOutcomeStore Create(string connectionString, OutcomeStoreOptions? options = null, ILogger? logger = null, TimeProvider? time = null)
    {
        options ??= new OutcomeStoreOptions();
        logger ??= NullLogger.Instance;
        time ??= TimeProvider.System;
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new ArgumentException(
                $"ConnectionStrings:{ConnectionStringName} is empty. Workers of one fleet must share one store: set it to a PostgreSQL " +
                $"connection string (Host=…;Database=…), or to '{DefaultConnectionString}' for a local SQLite file, or set " +
                $"{OutcomeStoreOptions.Section}:{nameof(OutcomeStoreOptions.Embedded)}=true to use the embedded default",
                nameof(connectionString));
        }

        var builder = new DbConnectionStringBuilder();
        try
        {
            builder.ConnectionString = connectionString;
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"ConnectionStrings:{ConnectionStringName} is not a connection string: {e.Message}", nameof(connectionString));
        }

        if (builder.ContainsKey("Host") || builder.ContainsKey("Server"))
        {
            // Statements are the same few, run thousands of times: unless told otherwise, Npgsql prepares
            // them, so PostgreSQL plans each once per connection instead of on every call. The store keeps
            // no session state (no temp tables, no SET), so a pooled connection needs no reset statements
            // before its next use, which would otherwise run on every operation of the per-call path.
            var source = new NpgsqlDataSourceBuilder(connectionString);
            if (!builder.ContainsKey("Max Auto Prepare"))
            {
                source.ConnectionStringBuilder.MaxAutoPrepare = 32;
            }

            if (!builder.ContainsKey("No Reset On Close"))
            {
                source.ConnectionStringBuilder.NoResetOnClose = true;
            }

            return new PostgresOutcomeStore(source.Build(), ownsDataSource: true, options, logger, time);
        }

        if (builder.ContainsKey("Data Source") || builder.ContainsKey("DataSource") || builder.ContainsKey("Filename"))
        {
            return new SqliteOutcomeStore(connectionString, options, logger, time);
        }

        throw new ArgumentException(
            $"ConnectionStrings:{ConnectionStringName} must be a PostgreSQL (Host=…;Database=…) or SQLite (Data Source=file.db) connection string",
            nameof(connectionString));
    }

    /// <summary>A PostgreSQL store over a data source the caller owns (and disposes).</summary>
    public static IOutcomeStore Create(NpgsqlDataSource dataSource, OutcomeStoreOptions? options = null, ILogger? logger = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        return new PostgresOutcomeStore(dataSource, ownsDataSource: false, options ?? new OutcomeStoreOptions(), logger ?? NullLogger.Instance, time ?? TimeProvider.System);
    }

    /// <summary>
    /// Registers <see cref="IOutcomeStore"/> and section <c>OutcomeStore</c>. The database, in order: an
    /// <see cref="NpgsqlDataSource"/> registered with the key <c>"Outcomes"</c>; <c>ConnectionStrings:Outcomes</c>;
    /// an un-keyed <see cref="NpgsqlDataSource"/> when that is empty; the embedded SQLite file when
    /// <c>OutcomeStore:Embedded</c> is true. Otherwise resolving the store (at host start) fails naming the key.
    /// <see cref="IFleetRegistry"/> is the same store.
    /// A hosted service applies pending migrations when the host starts (unless <c>OutcomeStore:MigrateOnStart</c> is false).
    /// </summary>
    public static IServiceCollection AddOutcomeStore(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var connectionString = configuration.GetConnectionString(ConnectionStringName);
        var options = new OutcomeStoreOptions();
        configuration.GetSection(OutcomeStoreOptions.Section).Bind(options);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IOutcomeStore>(sp =>
        {
            var logger = sp.GetService<ILoggerFactory>()?.CreateLogger("Campaigns.Storage.OutcomeStore") ?? NullLogger.Instance;
            var time = sp.GetRequiredService<TimeProvider>();
            var dataSource = sp.GetKeyedService<NpgsqlDataSource>(DataSourceKey)
                ?? (string.IsNullOrWhiteSpace(connectionString) ? sp.GetService<NpgsqlDataSource>() : null);
            return dataSource is not null
                ? Create(dataSource, options, logger, time)
                : Create(string.IsNullOrWhiteSpace(connectionString) && options.Embedded ? DefaultConnectionString : connectionString ?? string.Empty, options, logger, time);
        });
        // The fleet registry lives in the same database (the store implements both).
        services.TryAddSingleton(sp => (IFleetRegistry)sp.GetRequiredService<IOutcomeStore>());
        if (options.MigrateOnStart)
        {
            services.AddHostedService<MigrateOnStart>();
        }

        return services;
    }
}

/// <summary>Applies pending migrations before the host's other services start using the store.</summary>
internal sealed class MigrateOnStart(IOutcomeStore store) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => store.MigrateAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
