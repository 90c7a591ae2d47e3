using System.Data.Common;
using Campaigns.Storage.Sql;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Campaigns.Storage;

/// <summary>Makes the store a connection string asks for.</summary>
public static class OutcomeStores
{
    /// <summary>The configuration key of the connection string (<c>ConnectionStrings:Outcomes</c>).</summary>
    public const string ConnectionStringName = "Outcomes";

    /// <summary>The embedded default: a SQLite file beside the process.</summary>
    public const string DefaultConnectionString = "Data Source=campaigns.db";

    /// <summary>
    /// PostgreSQL for an Npgsql connection string (<c>Host=…</c>), SQLite for a SQLite one
    /// (<c>Data Source=…</c>); anything else is refused with the rule spelled out.
    /// </summary>
    public static IOutcomeStore Create(string connectionString, TimeProvider? time = null)
    {
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
            return new PostgresOutcomeStore(connectionString, time ?? TimeProvider.System);
        }

        if (builder.ContainsKey("Data Source") || builder.ContainsKey("DataSource") || builder.ContainsKey("Filename"))
        {
            return new SqliteOutcomeStore(connectionString, time ?? TimeProvider.System);
        }

        throw new ArgumentException(
            $"ConnectionStrings:{ConnectionStringName} must be a PostgreSQL (Host=…;Database=…) or SQLite (Data Source=file.db) connection string",
            nameof(connectionString));
    }

    /// <summary>
    /// Registers <see cref="IOutcomeStore"/> from <c>ConnectionStrings:Outcomes</c>, SQLite
    /// (<see cref="DefaultConnectionString"/>) when unset, and a hosted service that applies pending
    /// migrations when the host starts (unless <c>OutcomeStore:MigrateOnStart</c> is false).
    /// </summary>
    public static IServiceCollection AddOutcomeStore(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var connectionString = configuration.GetConnectionString(ConnectionStringName);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => Create(
            string.IsNullOrWhiteSpace(connectionString) ? DefaultConnectionString : connectionString,
            sp.GetRequiredService<TimeProvider>()));
        if (configuration.GetValue("OutcomeStore:MigrateOnStart", defaultValue: true))
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
