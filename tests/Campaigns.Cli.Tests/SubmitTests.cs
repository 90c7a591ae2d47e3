using System.Text.Json;
using Campaigns.Storage.Model;
using Campaigns.Workflows.Contract;

namespace Campaigns.Cli.Tests;

[Trait("Needs", "Temporal")]
[Collection(TemporalTests.Name)]
public sealed class SubmitTests(TemporalServer temporal)
{
    [Fact]
    public async Task Submit_File_RunsTheCampaign_StatusFollowsItToTheEnd()
    {
        await using var h = await CliHarness.StartAsync(temporal);
        await h.StartWorkerAsync();
        var id = CliHarness.NewId();
        var file = h.File("c.json", CliHarness.Campaign(id, 6, """, "groups": [["g1", "g2"]]"""));

        var submitted = (await h.RunAsync("submit", file)).Exits(0);
        Assert.Contains($"started campaign {id}: workflow campaign-{id} on task queue {h.TaskQueue}", submitted.Out, StringComparison.Ordinal);

        // Not a terminal: one line per change, then the final table; exit 0 once completed.
        var followed = (await h.RunAsync("status", id, "--interval", "0.2")).Exits(0);
        Assert.Contains($"campaign {id}: Completed, 7 of 7 targets finished", followed.Out, StringComparison.Ordinal);
        Assert.Contains("│ result", followed.Out, StringComparison.Ordinal);

        var json = (await h.RunAsync("status", id, "--json")).Exits(0);
        using var doc = JsonDocument.Parse(json.Out);
        Assert.Equal("Completed", doc.RootElement.GetProperty("status").GetString());
        Assert.Equal("Completed", doc.RootElement.GetProperty("execution").GetString());
        var progress = doc.RootElement.GetProperty("progress");
        Assert.Equal(7, progress.GetProperty("targets").GetInt64());
        Assert.Equal(7, progress.GetProperty("finished").GetInt64());
        Assert.Equal(7, progress.GetProperty("byResult").EnumerateObject().Sum(p => p.Value.GetInt64()));

        var once = (await h.RunAsync("status", id, "--no-follow")).Exits(0);
        Assert.Contains($"Campaign {id}  Completed", once.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submit_SameIdTwice_SecondIsRefusedClearly()
    {
        await using var h = await CliHarness.StartAsync(temporal);
        var id = CliHarness.NewId();
        var file = h.File("c.json", CliHarness.Campaign(id, 2));
        (await h.RunAsync("submit", file)).Exits(0);

        var again = (await h.RunAsync("submit", file)).Exits(1).NoStackTrace();
        Assert.Contains($"Campaign {id} was started before", again.Error, StringComparison.Ordinal);
        Assert.Contains("a campaign id is used once", again.Error, StringComparison.Ordinal);
        Assert.Contains("nothing was started", again.Error, StringComparison.Ordinal);
        Assert.Contains("give the campaign a new campaignId", again.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SubmitCsv_ImportsReportsEveryLine_ThenRunsOnTheImportedTargets()
    {
        await using var h = await CliHarness.StartAsync(temporal);
        await h.StartWorkerAsync();
        (await h.RunAsync("dnc", "add", "blocked", "--reason", "asked not to be called")).Exits(0);
        var id = CliHarness.NewId();
        var template = h.File("t.json", $$"""{ "campaignId": "{{id}}", "robotAccount": "robot", "ringTimeoutMs": 20000 }""");
        var csv = h.File("callees.csv", "callee,name\nalice,A\nbob;carol,group\ndave,D\nalice,again\nbad id,x\nblocked,B\n");

        var run = (await h.RunAsync("submit", "--csv", csv, "--template", template)).Exits(0);
        Assert.Contains("3 imported, 0 already present, 3 rejected (1 duplicates within the file)", run.Out, StringComparison.Ordinal);
        Assert.Contains("line 5: duplicate of line 2", run.Error, StringComparison.Ordinal);
        Assert.Contains("line 6: callee 'bad id'", run.Error, StringComparison.Ordinal);
        Assert.Contains("line 7: callee 'blocked' is on the do-not-call list", run.Error, StringComparison.Ordinal);
        Assert.Contains($"started campaign {id}", run.Out, StringComparison.Ordinal);

        var campaign = await h.Store.GetCampaignAsync(id);
        Assert.NotNull(campaign);
        using (var definition = JsonDocument.Parse(campaign.Definition))
        {
            Assert.True(definition.RootElement.GetProperty("targetsImported").GetBoolean());
            Assert.Equal(20000, definition.RootElement.GetProperty("ringTimeoutMs").GetInt32());
        }

        (await h.RunAsync("status", id, "--interval", "0.2")).Exits(0);
        var result = await h.Campaigns().Get(id).GetResultAsync();
        Assert.Equal(CampaignStatuses.Completed, result.Status);
        Assert.Equal(3, result.Targets);
    }

    [Fact]
    public async Task SubmitCsv_TemplateWithTargets_IsRefused_NothingImportedOrStarted()
    {
        await using var h = await CliHarness.StartAsync(temporal);
        var id = CliHarness.NewId();
        var template = h.File("t.json", CliHarness.Campaign(id, 1));
        var csv = h.File("callees.csv", "callee\nalice\n");
        var run = (await h.RunAsync("submit", "--csv", csv, "--template", template)).Exits(2).NoStackTrace();
        Assert.Contains("$.callees: the template lists targets", run.Error, StringComparison.Ordinal);
        Assert.Null(await h.Store.GetCampaignAsync(id));
        Assert.False(await temporal.ExistsAsync(CampaignSearch.WorkflowIdOf(id)));
    }

    [Fact]
    public async Task SubmitCsv_IdStartedBefore_IsRefusedBeforeImporting()
    {
        await using var h = await CliHarness.StartAsync(temporal);
        var id = CliHarness.NewId();
        (await h.RunAsync("submit", h.File("c.json", CliHarness.Campaign(id, 2)))).Exits(0);

        var template = h.File("t.json", $$"""{ "campaignId": "{{id}}", "robotAccount": "robot" }""");
        var csv = h.File("callees.csv", "callee\nzed\n");
        var run = (await h.RunAsync("submit", "--csv", csv, "--template", template)).Exits(1).NoStackTrace();
        Assert.Contains($"Campaign {id} was started before", run.Error, StringComparison.Ordinal);
        // Nothing imported: no worker ran that campaign, so the store does not know it at all.
        Assert.Null(await h.Store.GetCampaignAsync(id));
    }

    [Fact]
    public async Task SubmitCsv_NoUsableCallee_Exit2_NotStarted()
    {
        await using var h = await CliHarness.StartAsync(temporal);
        var id = CliHarness.NewId();
        var template = h.File("t.json", $$"""{ "campaignId": "{{id}}", "robotAccount": "robot" }""");
        var csv = h.File("callees.csv", "phone,name\n+4912345,A\n");
        var run = (await h.RunAsync("submit", "--csv", csv, "--template", template)).Exits(2).NoStackTrace();
        Assert.Contains("holds no callee that can be dialed", run.Error, StringComparison.Ordinal);
        Assert.False(await temporal.ExistsAsync(CampaignSearch.WorkflowIdOf(id)));
        var stored = await h.Store.GetCampaignAsync(id);
        Assert.Equal(CampaignStatus.Registered, stored!.Status);
    }
}
