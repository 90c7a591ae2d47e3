using Campaigns.Storage;
using Campaigns.Storage.Model;
using Campaigns.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Campaigns.Callbacks.Tests;

/// <summary>The worker hosts the receiver only when asked, and names every bad key at start.</summary>
[Trait("Needs", "Temporal")]
[Collection(ReceiverTests.Name)]
public sealed class WorkerWiringTests
{
    [Fact]
    public void Default_NoReceiver()
    {
        using var host = Build(new() { ["TencentCall:SdkAppId"] = "1400000001" });

        Assert.Null(host.Services.GetService<CallbackServer>());
    }

    [Fact]
    public void Enabled_WithBadKeys_RefusedWithEveryKeyNamed()
    {
        var e = Assert.Throws<InvalidOperationException>(() => Build(new()
        {
            ["Callbacks:Enabled"] = "true",
            ["Callbacks:PathSecret"] = "short",
            ["Callbacks:MaxBodyBytes"] = "10",
            ["Callbacks:Urls"] = "https://0.0.0.0:8090",
            ["Callbacks:RetentionDays"] = "0",
        }));

        Assert.Contains("Callbacks:PathSecret", e.Message, StringComparison.Ordinal);
        Assert.Contains("Callbacks:MaxBodyBytes", e.Message, StringComparison.Ordinal);
        Assert.Contains("Callbacks:SdkAppId (or TencentCall:SdkAppId)", e.Message, StringComparison.Ordinal);
        Assert.Contains("Callbacks:Urls", e.Message, StringComparison.Ordinal);
        Assert.Contains("Callbacks:RetentionDays", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("short", e.Message, StringComparison.Ordinal); // the secret's value is never printed
    }

    [Fact]
    public async Task Enabled_ReceiverListens_AndWritesToTheWorkersStore()
    {
        var folder = Directory.CreateTempSubdirectory("callbacks-worker-").FullName;
        try
        {
            using var host = Build(new()
            {
                ["TencentCall:SdkAppId"] = "1400000001",
                ["TencentCall:SecretKey"] = "unused-here",
                ["Callbacks:Enabled"] = "true",
                ["Callbacks:PathSecret"] = ReceiverHost.Secret,
                ["Callbacks:Urls"] = "http://127.0.0.1:0",
                ["ConnectionStrings:Outcomes"] = "Data Source=" + Path.Combine(folder, "w.db"),
            });
            var store = host.Services.GetRequiredService<IOutcomeStore>();
            await store.MigrateAsync();
            var server = host.Services.GetRequiredService<CallbackServer>();
            Assert.Contains(host.Services.GetServices<IHostedService>(), s => ReferenceEquals(s, server));
            await server.StartAsync(CancellationToken.None);
            try
            {
                using var http = new HttpClient { BaseAddress = server.Addresses[0] };
                using var content = ReceiverHost.Json("""{"CallId":"w1","EventTime":1700000000000,"CallRecord":{"CallId":"w1"}}""");
                using var response = await http.PostAsync("tencent/callback/" + ReceiverHost.Secret + ReceiverHost.Query(CallEventOrder.EndCommand), content);

                Assert.Equal("""{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0}""", await response.Content.ReadAsStringAsync());
                Assert.True((await store.GetCallEndsAsync(["w1"]))["w1"].Ended);
            }
            finally
            {
                await server.StopAsync(CancellationToken.None);
                if (store is IAsyncDisposable d)
                {
                    await d.DisposeAsync();
                }
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static IHost Build(Dictionary<string, string?> keys) =>
        WorkerHost.CreateBuilder([], c => c.AddInMemoryCollection(keys)).Build();
}
