using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Campaigns.Storage.Tests;

public class RegistrationTests
{
    [Theory]
    [InlineData("Data Source=/tmp/x.db", "SqliteOutcomeStore")]
    [InlineData("Host=127.0.0.1;Database=campaigns;Username=u", "PostgresOutcomeStore")]
    public void AddOutcomeStore_ChoosesTheDatabaseFromTheConnectionString(string connectionString, string expected)
    {
        using var provider = Services(("ConnectionStrings:Outcomes", connectionString)).BuildServiceProvider();

        Assert.Equal(expected, provider.GetRequiredService<IOutcomeStore>().GetType().Name);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void AddOutcomeStore_EmptyConnectionString_IsRefusedSayingHowToAskForTheEmbeddedStore(string? connectionString)
    {
        using var provider = Services(("ConnectionStrings:Outcomes", connectionString)).BuildServiceProvider();

        var e = Assert.Throws<ArgumentException>(() => provider.GetRequiredService<IOutcomeStore>());

        Assert.Contains("ConnectionStrings:Outcomes is empty", e.Message, StringComparison.Ordinal);
        Assert.Contains("OutcomeStore:Embedded=true", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddOutcomeStore_EmbeddedAskedFor_IsTheSqliteFileBesideTheProcess()
    {
        using var provider = Services(("OutcomeStore:Embedded", "true")).BuildServiceProvider();

        var store = (Sql.SqlOutcomeStore)provider.GetRequiredService<IOutcomeStore>();

        Assert.Equal($"SQLite file {Path.GetFullPath("campaigns.db")}", store.Describe);
    }

    [Fact]
    public async Task AddOutcomeStore_UsesAnNpgsqlDataSourceFromDI_AndLeavesItOpen()
    {
        await using var keyed = NpgsqlDataSource.Create("Host=keyed.example;Database=outcomes;Username=u");
        await using var plain = NpgsqlDataSource.Create("Host=plain.example;Database=other;Username=u");
        var withKey = Services(("ConnectionStrings:Outcomes", "Host=config.example;Database=x;Username=u"))
            .AddKeyedSingleton(OutcomeStores.DataSourceKey, keyed);
        var withoutKey = Services().AddSingleton(plain);

        await using (var provider = withKey.BuildServiceProvider())
        {
            Assert.Equal("PostgreSQL keyed.example:5432/outcomes", ((Sql.SqlOutcomeStore)provider.GetRequiredService<IOutcomeStore>()).Describe);
        }

        await using (var provider = withoutKey.BuildServiceProvider())
        {
            Assert.Equal("PostgreSQL plain.example:5432/other", ((Sql.SqlOutcomeStore)provider.GetRequiredService<IOutcomeStore>()).Describe);
        }

        await using var conn = keyed.CreateConnection(); // still usable: the store did not dispose what it does not own
        Assert.Equal("keyed.example", new NpgsqlConnectionStringBuilder(conn.ConnectionString).Host);
    }

    [Fact]
    public async Task AddOutcomeStore_BindsTheOutcomeStoreSection()
    {
        using var provider = Services(
            ("ConnectionStrings:Outcomes", "Data Source=/tmp/x.db"),
            ("OutcomeStore:RetryDeadline", "00:00:05"),
            ("OutcomeStore:MaxGroupCallees", "3")).BuildServiceProvider();

        var store = provider.GetRequiredService<IOutcomeStore>();

        var e = await Assert.ThrowsAsync<ArgumentException>(() => store.AddTargetsAsync("c", [["a", "b", "c", "d"]]));
        Assert.Contains("limit of 3", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("just some words")]
    [InlineData("Flavour=vanilla")]
    public void Create_NeitherDatabase_IsRefusedNamingTheKey(string connectionString)
    {
        var e = Assert.Throws<ArgumentException>(() => OutcomeStores.Create(connectionString));

        Assert.Contains("ConnectionStrings:Outcomes", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(PostgresErrorCodes.AdminShutdown, true)]
    [InlineData(PostgresErrorCodes.CannotConnectNow, true)]
    [InlineData(PostgresErrorCodes.SerializationFailure, true)]
    [InlineData(PostgresErrorCodes.DeadlockDetected, true)]
    [InlineData(PostgresErrorCodes.TooManyConnections, true)]
    [InlineData(PostgresErrorCodes.DatabaseDropped, false)]
    [InlineData(PostgresErrorCodes.ProtocolViolation, false)]
    [InlineData(PostgresErrorCodes.UniqueViolation, false)]
    [InlineData(PostgresErrorCodes.ReadOnlySqlTransaction, false)]
    public void Postgres_TransientErrors_AreChosenBySqlState(string sqlState, bool transient)
    {
        var e = new PostgresException("m", "FATAL", "FATAL", sqlState);

        Assert.Equal(transient, Sql.PostgresOutcomeStore.IsTransientError(e));
    }

    [Fact]
    public async Task Postgres_ServerThatNeverAnswers_FailsAtTheDeadline_NamingTheKeyAndHost()
    {
        // A listener that accepts connections and never says a word: a hung server.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var options = new OutcomeStoreOptions { RetryDeadline = TimeSpan.FromSeconds(2) };
        var store = OutcomeStores.Create($"Host=127.0.0.1;Port={port};Database=campaigns;Username=u;Timeout=60", options);
        await using var disposable = (IAsyncDisposable)store;

        var e = await Assert.ThrowsAsync<OutcomeStoreUnavailableException>(() => store.GetCampaignAsync("c").WaitAsync(TimeSpan.FromSeconds(60)));

        Assert.Contains("ConnectionStrings:Outcomes", e.Message, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{port}/campaigns", e.Message, StringComparison.Ordinal);
    }

    private static IServiceCollection Services(params (string Key, string? Value)[] settings)
    {
        var config = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();
        return new ServiceCollection().AddOutcomeStore(config);
    }
}

public class MigrateOnStartTests
{
    [Fact]
    public async Task HostStart_MigratesTheStore_SoItIsReadyForUse()
    {
        var file = Path.Combine(Path.GetTempPath(), "campaigns-host-" + Guid.NewGuid().ToString("N") + ".db");
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Outcomes"] = $"Data Source={file}" });
        builder.Services.AddOutcomeStore(builder.Configuration);
        using var host = builder.Build();

        await host.StartAsync();
        var store = host.Services.GetRequiredService<IOutcomeStore>();
        var row = await store.RegisterCampaignAsync("c", "campaign-c", "{}");
        await host.StopAsync();

        Assert.Equal(("c", Model.CampaignStatus.Registered), (row.CampaignId, row.Status));
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        File.Delete(file);
    }

    [Fact]
    public void MigrateOnStartFalse_RegistersNoMigration()
    {
        var config = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["OutcomeStore:MigrateOnStart"] = "false" })
            .Build();

        var services = new ServiceCollection().AddOutcomeStore(config);

        Assert.DoesNotContain(services, d => d.ImplementationType?.Name == "MigrateOnStart");
    }
}
