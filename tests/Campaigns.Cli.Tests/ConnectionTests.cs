using System.Net;
using System.Net.Sockets;

namespace Campaigns.Cli.Tests;

[Trait("Needs", "Temporal")]
[Collection(TemporalTests.Name)]
public sealed class ConnectionTests(TemporalServer temporal)
{
    [Fact]
    public async Task NoServerAtAddress_Exits3_SayingWhereAndWhatToDo()
    {
        await using var h = await CliHarness.StartAsync(temporal, withStore: false);
        var address = $"127.0.0.1:{ClosedPort()}";
        var run = (await h.RunAsync("--address", address, "status", "c1")).Exits(3).NoStackTrace();
        Assert.Contains($"cannot reach Temporal at {address}", run.Error, StringComparison.Ordinal);
        Assert.Contains("--address / TEMPORAL_ADDRESS", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddressFromEnvironment_IsUsed_AndTheOptionWinsOverIt()
    {
        await using var h = await CliHarness.StartAsync(temporal, withStore: false);
        var closed = $"127.0.0.1:{ClosedPort()}";
        h.Environment["TEMPORAL_ADDRESS"] = closed;
        var fromEnv = (await h.RunAsync("list", "--prefix", CliHarness.NewId())).Exits(3);
        Assert.Contains($"cannot reach Temporal at {closed}", fromEnv.Error, StringComparison.Ordinal);

        var fromOption = (await h.RunAsync("--address", temporal.Address, "list", "--prefix", CliHarness.NewId())).Exits(0);
        Assert.Contains("no campaigns match", fromOption.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownNamespace_Exits3_NamingIt()
    {
        await using var h = await CliHarness.StartAsync(temporal, withStore: false);
        h.Environment["TEMPORAL_NAMESPACE"] = "no-such-namespace";
        var run = (await h.RunAsync("status", "c1")).Exits(3).NoStackTrace();
        Assert.Contains("namespace 'no-such-namespace' does not exist", run.Error, StringComparison.Ordinal);
        Assert.Contains("--namespace / TEMPORAL_NAMESPACE", run.Error, StringComparison.Ordinal);

        // The option wins over the environment.
        var run2 = (await h.RunAsync("--namespace", "default", "status", "c1")).Exits(1);
        Assert.Contains("no campaign c1", run2.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TlsAgainstAPlainServer_Fails_Exit3()
    {
        await using var h = await CliHarness.StartAsync(temporal, withStore: false);
        var run = (await h.RunAsync("--tls", "status", "c1")).Exits(3).NoStackTrace();
        Assert.Contains($"cannot reach Temporal at {temporal.Address}", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CertWithoutKey_Exits2()
    {
        await using var h = await CliHarness.StartAsync(temporal, withStore: false);
        var cert = h.File("client.pem", "not a certificate");
        var run = (await h.RunAsync("--tls-cert-path", cert, "status", "c1")).Exits(2).NoStackTrace();
        Assert.Contains("--tls-cert-path and --tls-key-path go together", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoStoreConfigured_Exits2_NamingTheKey()
    {
        await using var h = await CliHarness.StartAsync(temporal, withStore: false);
        h.Environment.Remove("ConnectionStrings__Outcomes");
        var run = (await h.RunAsync("export", "c1", "--csv", Path.Combine(h.Folder, "o.csv"))).Exits(2).NoStackTrace();
        Assert.Contains("no outcome store configured", run.Error, StringComparison.Ordinal);
        Assert.Contains("ConnectionStrings__Outcomes", run.Error, StringComparison.Ordinal);
        Assert.Contains("OutcomeStore__Embedded=true", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EmbeddedStore_AskedForInTheEnvironment_IsCampaignsDbInTheWorkingDirectory()
    {
        await using var h = await CliHarness.StartAsync(temporal, withStore: false);
        h.Environment.Remove("ConnectionStrings__Outcomes");
        h.Environment["OutcomeStore__Embedded"] = "true";
        var file = Path.GetFullPath("campaigns.db");
        try
        {
            var run = (await h.RunAsync("dnc", "add", "embedded-probe")).Exits(0);
            Assert.Contains("(SQLite campaigns.db)", run.Out, StringComparison.Ordinal);
            Assert.True(File.Exists(file));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var f in new[] { file, file + "-wal", file + "-shm" })
            {
                File.Delete(f);
            }
        }
    }

    [Fact]
    public async Task StoreUnreachable_Exits3_NamingTheDatabase()
    {
        await using var h = await CliHarness.StartAsync(temporal, withStore: false);
        var run = (await h.RunAsync("--store", $"Host=127.0.0.1;Port={ClosedPort()};Database=nowhere;Username=x;Timeout=2", "dnc", "list")).Exits(3).NoStackTrace();
        Assert.Contains("cannot use the outcome store", run.Error, StringComparison.Ordinal);
        Assert.Contains("nowhere", run.Error, StringComparison.Ordinal);
        Assert.Contains("--store / ConnectionStrings__Outcomes", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StoreNotAConnectionString_Exits2()
    {
        await using var h = await CliHarness.StartAsync(temporal, withStore: false);
        var run = (await h.RunAsync("--store", "postgres://somewhere", "dnc", "list")).Exits(2).NoStackTrace();
        Assert.Contains("--store / ConnectionStrings__Outcomes", run.Error, StringComparison.Ordinal);
    }

    private static int ClosedPort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        var port = ((IPEndPoint)socket.LocalEndpoint).Port;
        socket.Stop();
        return port;
    }
}
