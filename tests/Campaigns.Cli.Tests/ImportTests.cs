using Campaigns.Storage.Model;
using Campaigns.Workflows.Contract;

namespace Campaigns.Cli.Tests;

[Trait("Needs", "Temporal")]
[Collection(TemporalTests.Name)]
public sealed class ImportTests(TemporalServer temporal)
{
    [Fact]
    public async Task Import_ThenSubmitWithTargetsImported_DialsTheImportedCallees()
    {
        await using var h = await CliHarness.StartAsync(temporal);
        await h.StartWorkerAsync();
        var id = CliHarness.NewId();
        var csv = h.File("callees.csv", "sep=;\ncallee;note\nalice;x\nbob|carol;group\n");

        var imported = (await h.RunAsync("import", id, "--csv", csv)).Exits(0);
        Assert.Contains("2 imported, 0 already present, 0 rejected", imported.Out, StringComparison.Ordinal);
        Assert.False(await temporal.ExistsAsync(CampaignSearch.WorkflowIdOf(id)));

        // Importing the same file again adds nothing and says so.
        var again = (await h.RunAsync("import", id, "--csv", csv)).Exits(0);
        Assert.Contains("0 imported, 2 already present, 0 rejected", again.Out, StringComparison.Ordinal);

        var file = h.File("c.json", $$"""{ "campaignId": "{{id}}", "robotAccount": "robot", "targetsImported": true }""");
        (await h.RunAsync("submit", file, "--follow")).Exits(0);
        var result = await h.Campaigns().Get(id).GetResultAsync();
        Assert.Equal(2, result.Targets);
        Assert.Equal(CampaignStatuses.Completed, result.Status);

        // Targets added to a started campaign would never be dialed: refused.
        var late = (await h.RunAsync("import", id, "--csv", h.File("more.csv", "callee\nzed\n"))).Exits(1).NoStackTrace();
        Assert.Contains($"campaign {id} is completed in the store", late.Error, StringComparison.Ordinal);
        Assert.Contains("targets imported now would never be dialed", late.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_EveryRowRejected_Exit2_WithEachLine()
    {
        await using var h = await CliHarness.StartAsync(temporal);
        var id = CliHarness.NewId();
        var csv = h.File("callees.csv", "callee\nno spaces allowed\n\"unterminated\n");
        var run = (await h.RunAsync("import", id, "--csv", csv)).Exits(2).NoStackTrace();
        Assert.Contains("0 imported, 0 already present, 2 rejected", run.Out, StringComparison.Ordinal);
        Assert.Contains("line 2:", run.Error, StringComparison.Ordinal);
        Assert.Contains("line 3:", run.Error, StringComparison.Ordinal);
        Assert.Contains("holds no callee that can be dialed", run.Error, StringComparison.Ordinal);
        Assert.Empty(await h.Store.GetTargetsAsync(id, 0, 10));
        Assert.Equal(CampaignStatus.Registered, (await h.Store.GetCampaignAsync(id))!.Status);
    }

    [Fact]
    public async Task Import_MissingCsv_Exit2()
    {
        await using var h = await CliHarness.StartAsync(temporal);
        var run = (await h.RunAsync("import", CliHarness.NewId(), "--csv", Path.Combine(h.Folder, "none.csv"))).Exits(2).NoStackTrace();
        Assert.Contains("cannot read the callee CSV", run.Error, StringComparison.Ordinal);
    }
}
