using System.Data.Common;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Campaigns.Storage;
using Campaigns.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Campaigns.Callbacks.Tests;

/// <summary>The receiver on a free loopback port over a fresh SQLite ledger, and a client that speaks to it.</summary>
internal sealed class ReceiverHost : IAsyncDisposable
{
    public const long SdkAppId = 1400000001;
    public const string Secret = "test-secret-0123456789abcdef";

    private readonly string directory;

    private ReceiverHost(string directory, string connectionString, IOutcomeStore store, CallbackServer server, CallbackReceiverOptions options)
    {
        this.directory = directory;
        ConnectionString = connectionString;
        Store = store;
        Server = server;
        Options = options;
        Client = new HttpClient { BaseAddress = server.Addresses[0], Timeout = TimeSpan.FromSeconds(30) };
    }

    public IOutcomeStore Store { get; }

    /// <summary>The ledger's database (SQLite file or PostgreSQL database), for tests that count rows behind the store's back.</summary>
    public string ConnectionString { get; }

    public CallbackServer Server { get; }

    public CallbackReceiverOptions Options { get; }

    public HttpClient Client { get; }

    /// <summary>The URL to give the vendor (or the simulator): with the secret, without the vendor's query.</summary>
    public Uri CallbackUrl => new(Server.Addresses[0], "tencent/callback/" + Secret);

    /// <summary>Starts a receiver; with <paramref name="readOnlyStore"/> its ledger refuses every write (a broken database).</summary>
    public static async Task<ReceiverHost> StartAsync(
        long sdkAppId = SdkAppId, ILoggerFactory? loggers = null, bool readOnlyStore = false, bool postgres = false)
    {
        var directory = Path.Combine(Path.GetTempPath(), "callbacks-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var connectionString = postgres ? await PostgresServer.CreateDatabaseAsync() : "Data Source=" + Path.Combine(directory, "ledger.db");
        var store = OutcomeStores.Create(connectionString);
        await store.MigrateAsync();
        if (readOnlyStore)
        {
            await ((IAsyncDisposable)store).DisposeAsync();
            store = OutcomeStores.Create(connectionString + ";Mode=ReadOnly");
        }

        var options = new CallbackReceiverOptions { Enabled = true, Urls = "http://127.0.0.1:0", PathSecret = Secret, SdkAppId = sdkAppId };
        Assert.Empty(options.Problems());
#pragma warning disable CA2000 // the ReceiverHost returned takes it and disposes it
        var server = new CallbackServer(options, store, loggers ?? NullLoggerFactory.Instance);
#pragma warning restore CA2000
        await server.StartAsync(CancellationToken.None);
        return new ReceiverHost(directory, connectionString, store, server, options);
    }

    /// <summary>Rows in the ledger, counted behind the store's back.</summary>
    public async Task<long> RowsAsync()
    {
        await using DbConnection conn = ConnectionString.StartsWith("Host=", StringComparison.Ordinal)
            ? new NpgsqlConnection(ConnectionString)
            : new SqliteConnection(ConnectionString);
        await conn.OpenAsync();
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT count(*) FROM call_events";
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public static string Query(string command, long sdkAppId = SdkAppId) =>
        $"?SdkAppid={sdkAppId}&CallbackCommand={command}&contenttype=json&ClientIP=127.0.0.1&OptPlatform=RESTAPI";

    /// <summary>POSTs and returns the status and the envelope (null when the answer is not JSON).</summary>
    public async Task<(int Status, JsonObject? Envelope)> PostAsync(string pathAndQuery, HttpContent content, HttpMethod? method = null)
    {
        using var request = new HttpRequestMessage(method ?? HttpMethod.Post, pathAndQuery) { Content = content };
        using var response = await Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        JsonObject? envelope = null;
        try
        {
            envelope = JsonNode.Parse(text) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
        }

        return ((int)response.StatusCode, envelope);
    }

    public Task<(int Status, JsonObject? Envelope)> PostAsync(string command, string body) =>
        PostAsync("tencent/callback/" + Secret + Query(command), Json(body));

    public static HttpContent Json(string body) => new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Server.StopAsync(CancellationToken.None);
        await Server.DisposeAsync();
        if (Store is IAsyncDisposable d)
        {
            await d.DisposeAsync();
        }

        if (ConnectionString.StartsWith("Host=", StringComparison.Ordinal))
        {
            await PostgresServer.DropDatabaseAsync(ConnectionString);
        }

        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
