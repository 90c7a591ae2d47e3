namespace Campaigns.Cli.Tests;

[Trait("Needs", "Temporal")]
[Collection(TemporalTests.Name)]
public sealed class ValidateTests(TemporalServer temporal)
{
    [Fact]
    public async Task Validate_Example_IsValid()
    {
        await using var h = await CliHarness.StartAsync(temporal, withStore: false);
        var run = (await h.RunAsync("validate", Path.Combine(AppContext.BaseDirectory, "examples", "small-campaign.json"))).Exits(0);
        Assert.Contains("valid", run.Out, StringComparison.Ordinal);
        Assert.Contains("campaign example-small, 6 targets inline (5 callees, 1 group call)", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_BudgetedExample_IsValid()
    {
        await using var h = await CliHarness.StartAsync(temporal, withStore: false);
        var run = (await h.RunAsync("validate", Path.Combine(AppContext.BaseDirectory, "examples", "budgeted-campaign.json"))).Exits(0);
        Assert.Contains("campaign budgeted-2026-11, 4 targets inline", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_RedialWindowExample_IsValid()
    {
        await using var h = await CliHarness.StartAsync(temporal, withStore: false);
        var run = (await h.RunAsync("validate", Path.Combine(AppContext.BaseDirectory, "examples", "redial-window-campaign.json"))).Exits(0);
        Assert.Contains("campaign reminders-2027-01, 6 targets inline", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_BadBudgetsAndRecords_ListsEachByPath_Exit2()
    {
        await using var h = await CliHarness.StartAsync(temporal, withStore: false);
        var file = h.File("budgets.json", """
            { "campaignId": "b1", "robotAccount": "robot", "callees": ["alice"], "rate": { "maxCallsPerSecond": 10 },
              "budgets": { "startCall": 20, "getCallInfo": 0, "records": 30 }, "records": { "api": "v1" } }
            """);
        var run = (await h.RunAsync("validate", file)).Exits(2).NoStackTrace();
        Assert.Contains("is not a valid campaign (3 problems)", run.Error, StringComparison.Ordinal);
        Assert.Contains("$.budgets.startCall: 20 disagrees with $.rate.maxCallsPerSecond 10", run.Error, StringComparison.Ordinal);
        Assert.Contains("$.budgets.getCallInfo: 0 must be 1-200", run.Error, StringComparison.Ordinal);
        Assert.Contains("$.budgets.records: 30 must be 1-20", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_ImportTemplate_IsValid()
    {
        await using var h = await CliHarness.StartAsync(temporal, withStore: false);
        var run = (await h.RunAsync("validate", Path.Combine(AppContext.BaseDirectory, "examples", "imported-campaign.json"))).Exits(0);
        Assert.Contains("targets imported into the store beforehand", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_SeveralProblems_ListsEveryOneByPath_Exit2()
    {
        await using var h = await CliHarness.StartAsync(temporal, withStore: false);
        var file = h.File("bad.json", """{ "campaignId": "a b", "robotAccount": "robot", "callees": ["alice", "alice"], "ringTimeoutMs": 1, "colour": "red" }""");
        var run = (await h.RunAsync("validate", file)).Exits(2).NoStackTrace();
        Assert.Contains("is not a valid campaign (4 problems)", run.Error, StringComparison.Ordinal);
        foreach (var path in new[] { "$.colour:", "$.campaignId:", "$.callees[1]:", "$.ringTimeoutMs:" })
        {
            Assert.Contains("  " + path, run.Error, StringComparison.Ordinal);
        }

        Assert.Contains("what to do:", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_MissingFile_SaysWhichAndExits2()
    {
        await using var h = await CliHarness.StartAsync(temporal, withStore: false);
        var run = (await h.RunAsync("validate", Path.Combine(h.Folder, "nope.json"))).Exits(2).NoStackTrace();
        Assert.Contains("cannot read the campaign file", run.Error, StringComparison.Ordinal);
        Assert.Contains("nope.json", run.Error, StringComparison.Ordinal);
    }
}
