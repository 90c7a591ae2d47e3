using System.Text.Json;
using Campaigns.Storage.Model;

namespace Campaigns.Cli.Tests;

/// <summary><c>policy set|show|clear</c>, and <c>submit</c> refusing a campaign that would loosen the app's policy.</summary>
[Trait("Needs", "Temporal")]
[Collection(TemporalTests.Name)]
public sealed class PolicyTests(TemporalServer temporal)
{
    [Fact]
    public async Task Policy_SetShowClear()
    {
        await using var h = await CliHarness.StartAsync(temporal, withStore: true);
        var none = (await h.RunAsync("policy", "show")).Exits(0);
        Assert.Contains("no contact policy (PostgreSQL", none.Out, StringComparison.Ordinal);
        Assert.Equal("null", (await h.RunAsync("policy", "show", "--json")).Exits(0).Out.Trim());

        var set = (await h.RunAsync("policy", "set", "--per-day", "1", "--per-week", "3")).Exits(0);
        Assert.Contains("at most 1 per day, 3 per week per callee, over every campaign", set.Out, StringComparison.Ordinal);
        Assert.Equal(new ContactPolicy { PerDay = 1, PerWeek = 3 }, (await h.Store.GetContactPolicyAsync())! with { UpdatedAt = null });
        var shown = (await h.RunAsync("policy", "show")).Exits(0);
        Assert.Contains("at most 1 per day, 3 per week per callee", shown.Out, StringComparison.Ordinal);
        using (var json = JsonDocument.Parse((await h.RunAsync("policy", "show", "--json")).Exits(0).Out))
        {
            Assert.Equal(1, json.RootElement.GetProperty("perDay").GetInt32());
            Assert.Equal(3, json.RootElement.GetProperty("perWeek").GetInt32());
            Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("per30Days").ValueKind);
            Assert.False(json.RootElement.TryGetProperty("isEmpty", out _));
        }

        // set replaces the whole policy: a limit not given is no limit.
        (await h.RunAsync("policy", "set", "--per-30-days", "8")).Exits(0);
        Assert.Equal(new ContactPolicy { Per30Days = 8 }, (await h.Store.GetContactPolicyAsync())! with { UpdatedAt = null });

        var cleared = (await h.RunAsync("policy", "clear")).Exits(0);
        Assert.Contains("contact policy cleared", cleared.Out, StringComparison.Ordinal);
        Assert.Null(await h.Store.GetContactPolicyAsync());
    }

    [Theory]
    [InlineData(new[] { "--per-day", "0" }, "--per-day: 0 must be 1-1000")]
    [InlineData(new[] { "--per-week", "1001" }, "--per-week: 1001 must be 1-1000")]
    [InlineData(new[] { "--per-day", "5", "--per-week", "2" }, "--per-day: 5 is more than --per-week 2")]
    [InlineData(new string[0], "policy set: no limit given: set --per-day, --per-week and/or --per-30-days")]
    public async Task PolicySet_BadLimits_Exit2_NothingChanged(string[] limits, string problem)
    {
        await using var h = await CliHarness.StartAsync(temporal, withStore: true);
        await h.Store.SetContactPolicyAsync(new ContactPolicy { PerDay = 2 });

        var run = (await h.RunAsync(["policy", "set", .. limits])).Exits(2).NoStackTrace();

        Assert.Contains("the contact policy was not changed", run.Error, StringComparison.Ordinal);
        Assert.Contains(problem, run.Error, StringComparison.Ordinal);
        Assert.Equal(2, (await h.Store.GetContactPolicyAsync())!.PerDay);
    }

    [Fact]
    public async Task PolicySet_NotANumber_IsAUsageError()
    {
        await using var h = await CliHarness.StartAsync(temporal, withStore: true);
        var run = (await h.RunAsync("policy", "set", "--per-day", "once")).Exits(2).NoStackTrace();
        Assert.Contains("--per-day", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submit_ContactPolicyLooserThanTheApps_IsRefused_ATighterOneStarts()
    {
        await using var h = await CliHarness.StartAsync(temporal, withStore: true);
        (await h.RunAsync("policy", "set", "--per-day", "1", "--per-week", "3")).Exits(0);
        var id = CliHarness.NewId();

        var looser = h.File("loose.json", CliHarness.Campaign(id, 2, """, "contactPolicy": { "perDay": 2, "perWeek": 3 }"""));
        var refused = (await h.RunAsync("submit", looser)).Exits(2).NoStackTrace();
        Assert.Contains("loosens the app's contact policy (1 per day, 3 per week); a campaign may only tighten it: nothing was started", refused.Error, StringComparison.Ordinal);
        Assert.Contains("$.contactPolicy.perDay: 2 is more than the app's 1", refused.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("perWeek", refused.Error, StringComparison.Ordinal);

        var tighter = h.File("tight.json", CliHarness.Campaign(id, 2, """, "contactPolicy": { "perWeek": 2, "per30Days": 4 }"""));
        var started = (await h.RunAsync("submit", tighter)).Exits(0);
        Assert.Contains($"started campaign {id}", started.Out, StringComparison.Ordinal);
        await h.Campaigns().Get(id).TerminateAsync("test over");
    }
}
