using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Campaigns.Storage.Tests;

public class RegistrationTests
{
    [Theory]
    [InlineData("Data Source=/tmp/x.db", "SqliteOutcomeStore")]
    [InlineData("Host=127.0.0.1;Database=campaigns;Username=u", "PostgresOutcomeStore")]
    public void AddOutcomeStore_ChoosesTheDatabaseFromTheConnectionString(string? connectionString, string expected)
    {
        var config = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Outcomes"] = connectionString })
            .Build();
        using var provider = new ServiceCollection().AddOutcomeStore(config).BuildServiceProvider();

        Assert.Equal(expected, provider.GetRequiredService<IOutcomeStore>().GetType().Name);
    }

    [Theory]
    [InlineData("just some words")]
    [InlineData("Flavour=vanilla")]
    public void Create_NeitherDatabase_IsRefusedNamingTheKey(string connectionString)
    {
        var e = Assert.Throws<ArgumentException>(() => OutcomeStores.Create(connectionString));

        Assert.Contains("ConnectionStrings:Outcomes", e.Message, StringComparison.Ordinal);
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

        Assert.Equal("c", row.CampaignId);
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
