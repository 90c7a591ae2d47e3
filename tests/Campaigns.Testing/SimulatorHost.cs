using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Campaigns.Simulator;
using Campaigns.Simulator.Endpoints;
using Campaigns.Simulator.Pipeline;
using Campaigns.TencentCall;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Campaigns.Testing;

/// <summary>
/// The Tencent simulator listening on a free loopback port (a real HTTP server, not a mock), with
/// helpers to build clients against it and read its admin endpoints.
/// </summary>
public sealed class SimulatorHost : IAsyncDisposable
{
    private static readonly JsonSerializerOptions AdminJson = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };
    private readonly WebApplication app;
    private readonly List<ServiceProvider> providers = [];

    private SimulatorHost(WebApplication app, Uri baseUrl)
    {
        this.app = app;
        BaseUrl = baseUrl;
        Options = app.Services.GetRequiredService<SimulatorOptions>();
        Admin = new HttpClient { BaseAddress = baseUrl };
    }

    /// <summary>Where the simulator listens.</summary>
    public Uri BaseUrl { get; }

    /// <summary>The options it runs with (the SDKAppID and SecretKey clients must use).</summary>
    public SimulatorOptions Options { get; }

    /// <summary>A plain HTTP client on the simulator, for admin calls and raw requests.</summary>
    public HttpClient Admin { get; }

    /// <summary>Starts a simulator; <paramref name="configure"/> adjusts its options before it starts.</summary>
    public static async Task<SimulatorHost> StartAsync(Action<SimulatorOptions>? configure = null, TimeProvider? time = null)
    {
        var app = SimulatorApp.Build(["--urls", "http://127.0.0.1:0"], configure, time);
        await app.StartAsync().ConfigureAwait(false);
        var url = app.Urls.First();
        return new SimulatorHost(app, new Uri(url.EndsWith('/') ? url : url + "/"));
    }

    /// <summary>
    /// A client wired exactly as the worker wires it (<c>AddTencentCall</c>), pointed at this simulator.
    /// <paramref name="services"/> may add or replace services first (a log sink, a UserSig provider).
    /// </summary>
    public ITencentCallClient CreateClient(Action<TencentCallOptions>? configure = null, Action<IServiceCollection>? services = null)
    {
        var collection = new ServiceCollection();
        collection.AddLogging(b => b.SetMinimumLevel(LogLevel.Debug));
        services?.Invoke(collection);
        collection.AddTencentCall(o =>
        {
            o.SdkAppId = Options.SdkAppId;
            o.SecretKey = Options.SecretKey;
            o.BaseUrl = BaseUrl;
            configure?.Invoke(o);
        });
        var provider = collection.BuildServiceProvider();
        providers.Add(provider);
        return provider.GetRequiredService<ITencentCallClient>();
    }

    /// <summary>Every call placed so far, optionally only those ringing <paramref name="callee"/>.</summary>
    public async Task<IReadOnlyList<PlacedCall>> CallsAsync(string? callee = null) =>
        await Admin.GetFromJsonAsync<List<PlacedCall>>(
            callee is null ? "admin/calls" : "admin/calls?callee=" + Uri.EscapeDataString(callee), AdminJson).ConfigureAwait(false) ?? [];

    /// <summary>How many times each callee was rung (only callees rung at least <paramref name="min"/> times).</summary>
    public async Task<IReadOnlyDictionary<string, int>> RingsAsync(int min = 1) =>
        await Admin.GetFromJsonAsync<Dictionary<string, int>>("admin/rings?min=" + min, AdminJson).ConfigureAwait(false) ?? [];

    /// <summary>Request counts per API, and the worst 1-second windows.</summary>
    public async Task<RequestsSnapshot> RequestsAsync() =>
        (await Admin.GetFromJsonAsync<RequestsSnapshot>("admin/requests", AdminJson).ConfigureAwait(false))!;

    /// <summary>Calls kept, calls evicted, rings counted.</summary>
    public async Task<CallBookSummary> SummaryAsync() =>
        (await Admin.GetFromJsonAsync<CallBookSummary>("admin/summary", AdminJson).ConfigureAwait(false))!;

    /// <summary>The simulated now (record timestamps are on this clock, which runs TimeScale times faster).</summary>
    public async Task<DateTimeOffset> NowAsync() =>
        (await Admin.GetFromJsonAsync<ClockAnswer>("admin/clock", AdminJson).ConfigureAwait(false))!.Now;

    /// <summary>Makes the next <paramref name="count"/> requests of <paramref name="api"/> suffer <paramref name="fault"/>.</summary>
    public async Task ScriptFaultAsync(string api, Fault fault, int count = 1)
    {
        using var response = await Admin.PostAsJsonAsync("admin/faults/next", new ScriptedFault(api, fault, count), AdminJson).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Replaces the random fault rates.</summary>
    public async Task SetFaultsAsync(FaultRates rates)
    {
        using var response = await Admin.PutAsJsonAsync("admin/faults", rates, AdminJson).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>A service of the running simulator (its call book, planner…), for tests that look inside.</summary>
    public T Service<T>()
        where T : notnull => app.Services.GetRequiredService<T>();

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var p in providers)
        {
            await p.DisposeAsync().ConfigureAwait(false);
        }

        Admin.Dispose();
        await app.StopAsync().ConfigureAwait(false);
        await app.DisposeAsync().ConfigureAwait(false);
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1812:Avoid uninstantiated internal classes", Justification = "made by the JSON deserializer (GetFromJsonAsync<ClockAnswer>)")]
    private sealed record ClockAnswer(DateTimeOffset Now, double TimeScale);
}
