using System.Text.Json;
using Campaigns.Workflows.Contract;

namespace Campaigns.Cli.Tests;

/// <summary>
/// <c>campaigns schedule …</c> against the dev server (Temporal Schedules), and startAt / endBy at submission: each
/// scheduled run is a campaign of its own, named from its scheduled time, that dials the schedule's imported list.
/// </summary>
[Trait("Needs", "Temporal")]
[Collection(TemporalTests.Name)]
public sealed class ScheduleTests(TemporalServer temporal)
{
    // Once a year (1 January, 00:00 UTC): the runs in these tests are triggered.
    private const string Yearly = "0 0 1 1 *";

    [Fact]
    public async Task Schedule_CreateWithCsv_ListTriggerPauseUnpauseDelete_TheRunDialsTheList()
    {
        await using var h = await CliHarness.StartAsync(temporal);
        await h.StartWorkerAsync();
        var id = "cs-" + Guid.NewGuid().ToString("N")[..8];
        var template = h.File("t.json", """{ "campaignId": "anything", "robotAccount": "robot", "ringTimeoutMs": 10000 }""");
        var csv = h.File("callees.csv", "callee\nsc1\nsc2\nsc3\n");

        var created = (await h.RunAsync("schedule", "create", "--cron", Yearly, template, "--id", id, "--csv", csv)).Exits(0);
        Assert.Contains($"3 imported", created.Out, StringComparison.Ordinal);
        Assert.Contains($"created schedule {id}: cron \"{Yearly}\" (UTC)", created.Out, StringComparison.Ordinal);
        Assert.Matches($@"next: \d{{4}}-01-01 00:00:00Z → campaign {id}-\d{{4}}0101T000000", created.Out);
        await Eventually.TrueAsync(async () => (await ListAsync(h)).Any(s => s.GetProperty("scheduleId").GetString() == id), $"schedule {id} listed");
        var listed = (await ListAsync(h)).Single(s => s.GetProperty("scheduleId").GetString() == id);
        Assert.Equal(Yearly, listed.GetProperty("cron").GetString());
        Assert.False(listed.GetProperty("paused").GetBoolean());
        var table = (await h.RunAsync("schedule", "list")).Exits(0);
        Assert.Contains(id, table.Out, StringComparison.Ordinal);

        // A run now: its own campaign, <id>-<yyyyMMddTHHmmss>, under the workflow id Temporal gives scheduled runs.
        (await h.RunAsync("schedule", "trigger", id)).Exits(0);
        JsonElement run = default;
        await Eventually.TrueAsync(
            async () =>
            {
                var rows = JsonDocument.Parse((await h.RunAsync("list", "--prefix", id + "-", "--status", "Completed", "--json")).Exits(0).Out).RootElement;
                run = rows.GetArrayLength() == 1 ? rows[0].Clone() : default;
                return rows.GetArrayLength() == 1;
            },
            $"a completed run of schedule {id}",
            seconds: 90);
        var campaignId = run.GetProperty("campaignId").GetString()!;
        Assert.Matches($"^{id}-\\d{{8}}T\\d{{6}}$", campaignId);
        Assert.True(ScheduledCampaigns.TryParseRun(id, run.GetProperty("workflowId").GetString()!, out var parsed, out _));
        Assert.Equal(campaignId, parsed);
        using (var status = JsonDocument.Parse((await h.RunAsync("status", campaignId, "--json")).Exits(0).Out))
        {
            var progress = status.RootElement.GetProperty("progress");
            Assert.Equal(3, progress.GetProperty("targets").GetInt64());
            Assert.Equal(3, progress.GetProperty("finished").GetInt64());
        }

        (await h.RunAsync("schedule", "pause", id, "--note", "holiday week")).Exits(0);
        await Eventually.TrueAsync(async () => (await ListAsync(h)).Single(s => s.GetProperty("scheduleId").GetString() == id).GetProperty("paused").GetBoolean(), $"{id} paused");
        Assert.Equal("holiday week", (await ListAsync(h)).Single(s => s.GetProperty("scheduleId").GetString() == id).GetProperty("note").GetString());
        (await h.RunAsync("schedule", "unpause", id)).Exits(0);
        await Eventually.TrueAsync(async () => !(await ListAsync(h)).Single(s => s.GetProperty("scheduleId").GetString() == id).GetProperty("paused").GetBoolean(), $"{id} unpaused");

        var deleted = (await h.RunAsync("schedule", "delete", id)).Exits(0);
        Assert.Contains($"deleted schedule {id}", deleted.Out, StringComparison.Ordinal);
        await Eventually.TrueAsync(async () => !(await ListAsync(h)).Any(s => s.GetProperty("scheduleId").GetString() == id), $"{id} gone from the list");
        var gone = (await h.RunAsync("schedule", "pause", id)).Exits(1).NoStackTrace();
        Assert.Contains($"there is no schedule {id}", gone.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Schedule_BadInput_IsRefusedClearly_NothingCreated()
    {
        await using var h = await CliHarness.StartAsync(temporal);
        var id = "cb-" + Guid.NewGuid().ToString("N")[..8];
        var file = h.File("c.json", CliHarness.Campaign(id, 2));

        var cron = (await h.RunAsync("schedule", "create", "--cron", "61 * * * *", file)).Exits(2).NoStackTrace();
        Assert.Contains("Temporal refused the schedule", cron.Error, StringComparison.Ordinal);
        Assert.Contains("check --cron", cron.Error, StringComparison.Ordinal);

        var longId = (await h.RunAsync("schedule", "create", "--cron", Yearly, file, "--id", new string('x', 49))).Exits(2).NoStackTrace();
        Assert.Contains("is not a schedule id (1-48", longId.Error, StringComparison.Ordinal);

        var withStart = h.File("s.json", CliHarness.Campaign(id, 2, """, "startAt": "2030-01-01T09:00:00Z" """));
        var startAt = (await h.RunAsync("schedule", "create", "--cron", Yearly, withStart)).Exits(2).NoStackTrace();
        Assert.Contains("$.startAt: a recurring campaign's runs start when its schedule says", startAt.Error, StringComparison.Ordinal);

        var imported = h.File("i.json", $$"""{ "campaignId": "{{id}}", "robotAccount": "robot", "targetsImported": true }""");
        var empty = (await h.RunAsync("schedule", "create", "--cron", Yearly, imported)).Exits(2).NoStackTrace();
        Assert.Contains($"the schedule's list is empty: no targets imported under {id}", empty.Error, StringComparison.Ordinal);
        Assert.Contains($"campaigns import {id} --csv", empty.Error, StringComparison.Ordinal);

        (await h.RunAsync("schedule", "create", "--cron", Yearly, file)).Exits(0);
        try
        {
            var again = (await h.RunAsync("schedule", "create", "--cron", Yearly, file)).Exits(1).NoStackTrace();
            Assert.Contains($"schedule {id} exists already", again.Error, StringComparison.Ordinal);

            // The template of a schedule is not a campaign of its own.
            var recurring = h.File("r.json", CliHarness.Campaign(id + "r", 2, """, "recurring": true """));
            var submitted = (await h.RunAsync("submit", recurring)).Exits(2).NoStackTrace();
            Assert.Contains("is a recurring campaign", submitted.Error, StringComparison.Ordinal);
            Assert.Contains("campaigns schedule create", submitted.Error, StringComparison.Ordinal);
        }
        finally
        {
            (await h.RunAsync("schedule", "delete", id)).Exits(0);
        }
    }

    [Fact]
    public async Task ValidateAndSubmit_StartAtEndBy_CheckedAtSubmission_ScheduledUntilItsStart()
    {
        await using var h = await CliHarness.StartAsync(temporal, withStore: false);
        var id = CliHarness.NewId();
        var past = h.File("p.json", CliHarness.Campaign(id, 2, """, "startAt": "2020-01-01T09:00:00+08:00", "endBy": "2020-01-01T08:00:00+08:00" """));
        var refused = (await h.RunAsync("validate", past)).Exits(2).NoStackTrace();
        Assert.Contains("$.startAt: 2020-01-01T09:00:00+08:00 is in the past", refused.Error, StringComparison.Ordinal);
        Assert.Contains("$.endBy: 2020-01-01T08:00:00+08:00 must be after $.startAt", refused.Error, StringComparison.Ordinal);
        var noOffset = h.File("n.json", CliHarness.Campaign(id, 2, """, "endBy": "2030-01-01T09:00:00" """));
        Assert.Contains("$.endBy: \"2030-01-01T09:00:00\" is not an ISO-8601 instant with an offset", (await h.RunAsync("submit", noOffset)).Exits(2).Error, StringComparison.Ordinal);
        Assert.False(await temporal.ExistsAsync(CampaignSearch.WorkflowIdOf(id)));

        // A week ahead: started, waiting on its timer (no worker needed to start it; status says so once one answers).
        var later = DateTimeOffset.UtcNow.AddDays(7).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var ahead = h.File("a.json", CliHarness.Campaign(id, 2, $$""", "startAt": "{{later}}" """));
        (await h.RunAsync("validate", ahead)).Exits(0);
        (await h.RunAsync("submit", ahead)).Exits(0);
        Assert.True(await temporal.ExistsAsync(CampaignSearch.WorkflowIdOf(id)));
        await h.Campaigns().Get(id).TerminateAsync("test over");
    }

    private static async Task<List<JsonElement>> ListAsync(CliHarness h) =>
        [.. JsonDocument.Parse((await h.RunAsync("schedule", "list", "--json")).Exits(0).Out).RootElement.EnumerateArray().Select(e => e.Clone())];
}
