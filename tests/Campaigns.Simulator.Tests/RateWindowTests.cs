using System.Text.Json.Nodes;
using Campaigns.Simulator.Pipeline;
using Campaigns.Testing;

namespace Campaigns.Simulator.Tests;

/// <summary>The frequency limits as a sliding window: no 1-second window, however aligned, admits more than the limit.</summary>
public sealed class RateWindowTests
{
    [Fact]
    public void BurstAcrossASecondBoundary_IsRefused_WhereAFixedWindowWouldAdmitTwiceTheLimit()
    {
        var time = new ManualTime();
        var options = new SimulatorOptions();
        options.RateLimits.DefaultPerSecond = 10;
        var stats = new RequestStats(options, time);

        // Ten at 0.9 s, then ten at 1.1 s: a wall-clock-second window would admit all twenty within 0.2 s.
        time.At(0.9);
        var first = Enumerable.Range(0, 10).Select(_ => stats.Admit("api")).ToList();
        time.At(1.1);
        var second = Enumerable.Range(0, 10).Select(_ => stats.Admit("api")).ToList();
        time.At(1.9); // the first ten leave the window exactly one second after they came
        var third = Enumerable.Range(0, 11).Select(_ => stats.Admit("api")).ToList();

        Assert.All(first, a => Assert.Equal(Admission.Admitted, a));
        Assert.All(second, a => Assert.Equal(Admission.ApiLimited, a));
        Assert.Equal(10, third.Count(a => a == Admission.Admitted));
        var api = stats.Snapshot().Apis["api"];
        Assert.Equal((10, 10, 21, 20L, 11L), (api.Limit, api.WorstWindow, api.WorstWindowReceived, api.Admitted, api.RateLimited));
    }

    [Fact]
    public void AppWideLimit_SpansApis_AndCountsAgainstNoApiOwnWindow()
    {
        var time = new ManualTime();
        var options = new SimulatorOptions();
        options.RateLimits.AppWidePerSecond = 3;
        var stats = new RequestStats(options, time);

        string[] apis = ["a", "b", "a", "b", "a"];
        var answers = apis.Select(stats.Admit).ToList();

        Assert.Equal([Admission.Admitted, Admission.Admitted, Admission.Admitted, Admission.AppLimited, Admission.AppLimited], answers);
        var snapshot = stats.Snapshot();
        Assert.Equal((3, 3, 2L), (snapshot.AppWide.Limit, snapshot.AppWide.WorstWindow, snapshot.AppWide.RateLimited));
        Assert.Equal((2, 1), (snapshot.Apis["a"].WorstWindow, snapshot.Apis["b"].WorstWindow));
    }

    [Fact]
    public void PerSecondCounts_KeepOnlyTheConfiguredNumberOfSeconds()
    {
        var time = new ManualTime();
        var options = new SimulatorOptions();
        options.Limits.StatsSeconds = 3;
        var stats = new RequestStats(options, time);

        for (var s = 0; s < 10; s++)
        {
            time.At(s);
            stats.Admit("api");
        }

        var api = stats.Snapshot().Apis["api"];
        Assert.Equal(3, api.PerSecond.Count);
        Assert.Equal(10L, api.Total);
    }

    [Fact]
    public async Task AdminRequests_HasTheDocumentedShape()
    {
        await using var sim = await SimulatorHost.StartAsync();
        await RawApi.PostAsync(sim, "v4/call_engine_http_srv/get_call_info", """{"CallId":"none"}""");

        var json = JsonNode.Parse(await sim.Admin.GetStringAsync("admin/requests"))!;

        var api = json["apis"]!["get_call_info"]!;
        Assert.Equal((200, 1, 1, 1, 0), ((int)api["limit"]!, (int)api["total"]!, (int)api["admitted"]!, (int)api["worstWindow"]!, (int)api["rateLimited"]!));
        Assert.Equal(1, (int)api["worstWindowReceived"]!);
        Assert.Single(api["perSecond"]!.AsObject());
        Assert.Equal((0, 1), ((int)json["appWide"]!["limit"]!, (int)json["appWide"]!["worstWindow"]!));
    }

    // A clock the test moves by hand; the origin is a second boundary, as the fixed-window trap needs.
    private sealed class ManualTime : TimeProvider
    {
        private static readonly DateTimeOffset Origin = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
        private long ticks;

        public override long TimestampFrequency => 1_000_000;

        public void At(double seconds) => ticks = (long)(seconds * TimestampFrequency);

        public override long GetTimestamp() => ticks;

        public override DateTimeOffset GetUtcNow() => Origin.AddTicks(ticks * 10);
    }
}
