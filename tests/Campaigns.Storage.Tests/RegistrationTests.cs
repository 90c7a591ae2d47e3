using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Campaigns.Storage.Tests;

public class RegistrationTests
{
    [Theory]
    [InlineData(null, "SqliteOutcomeStore")]
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
