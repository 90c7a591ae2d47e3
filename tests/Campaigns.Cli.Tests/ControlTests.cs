using System.Text.Json;

namespace Campaigns.Cli.Tests;

/// <summary>list, pause, resume, rate and cancel on campaigns a worker is running.</summary>
[Trait("Needs", "Temporal")]
[Collection(TemporalTests.Name)]
public sealed class ControlTests(TemporalServer temporal)
{
    [Fact]
    public async Task PauseResumeRateCancel_AndListByStatusAndPrefix()
    {
        await using var h = await CliHarness.StartAsync(temporal);
        await h.StartWorkerAsync();
        var prefix = CliHarness.NewId();
        var done = prefix + "-done";
        var slow = prefix + "-slow";
        (await h.RunAsync("submit", h.File("done.json", CliHarness.Campaign(done, 3)), "--follow")).Exits(0);
        // One call a second over 300 callees: still running while the test steers it.
        (await h.RunAsync("submit", h.File("slow.json", CliHarness.Campaign(slow, 300, """, "rate": { "maxCallsPerSecond": 1 }""")))).Exits(0);

        var paused = (await h.RunAsync("pause", slow)).Exits(0);
        Assert.Contains($"paused campaign {slow}", paused.Out, StringComparison.Ordinal);
        var pausedAgain = (await h.RunAsync("pause", slow)).Exits(1).NoStackTrace();
        Assert.Contains($"pause refused by campaign {slow}: the campaign is already paused", pausedAgain.Error, StringComparison.Ordinal);

        var tooFast = (await h.RunAsync("rate", slow, "500")).Exits(1).NoStackTrace();
        Assert.Contains("setRate refused", tooFast.Error, StringComparison.Ordinal);
        Assert.Contains("maxCallsPerSecond must be 1-200", tooFast.Error, StringComparison.Ordinal);
        var rate = (await h.RunAsync("rate", slow, "2")).Exits(0);
        Assert.Contains("now starts at most 2 calls per second", rate.Out, StringComparison.Ordinal);
        (await h.RunAsync("rate", slow, "default")).Exits(0);

        await Eventually.TrueAsync(async () => Statuses(await h.RunAsync("list", "--prefix", prefix, "--json")).Count == 2, "both campaigns listed");
        await Eventually.TrueAsync(
            async () => Statuses(await h.RunAsync("list", "--prefix", prefix, "--status", "Paused", "--json")) is { Count: 1 } s && s[slow] == "Paused",
            "the paused campaign listed as Paused");
        var completed = Statuses((await h.RunAsync("list", "--prefix", prefix, "--status", "Completed", "--json")).Exits(0));
        Assert.Equal(["Completed"], completed.Values);
        Assert.Equal(done, completed.Keys.Single());
        var table = (await h.RunAsync("list", "--prefix", prefix)).Exits(0);
        Assert.Contains(done, table.Out, StringComparison.Ordinal);
        Assert.Contains("Paused", table.Out, StringComparison.Ordinal);
        Assert.Empty(Statuses((await h.RunAsync("list", "--prefix", prefix + "-none", "--json")).Exits(0)));

        var resumed = (await h.RunAsync("resume", slow)).Exits(0);
        Assert.Contains($"resumed campaign {slow}", resumed.Out, StringComparison.Ordinal);
        var resumedAgain = (await h.RunAsync("resume", slow)).Exits(1);
        Assert.Contains("the campaign is not paused", resumedAgain.Error, StringComparison.Ordinal);

        var cancelled = (await h.RunAsync("cancel", slow)).Exits(0);
        Assert.Contains($"cancelling campaign {slow}", cancelled.Out, StringComparison.Ordinal);
        var followed = (await h.RunAsync("status", slow, "--interval", "0.2")).Exits(0);
        Assert.Contains($"campaign {slow}: Cancelled", followed.Out, StringComparison.Ordinal);
        var cancelAgain = (await h.RunAsync("cancel", slow)).Exits(1).NoStackTrace();
        Assert.Contains("refused", cancelAgain.Error, StringComparison.Ordinal);
        Assert.Contains("has ended", cancelAgain.Error, StringComparison.Ordinal);

        await Eventually.TrueAsync(
            async () => Statuses(await h.RunAsync("list", "--prefix", prefix, "--status", "Cancelled", "--json")).Keys.SequenceEqual([slow]),
            "the cancelled campaign listed as Cancelled");
    }

    [Fact]
    public async Task Commands_OnAnUnknownCampaign_Exit1_SayingSo()
    {
        await using var h = await CliHarness.StartAsync(temporal);
        foreach (var args in new[] { new[] { "pause", "nobody-here" }, ["resume", "nobody-here"], ["cancel", "nobody-here"], ["rate", "nobody-here", "5"], ["status", "nobody-here"] })
        {
            var run = (await h.RunAsync(args)).Exits(1).NoStackTrace();
            Assert.Contains("no campaign nobody-here: workflow campaign-nobody-here does not exist in namespace default", run.Error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Commands_WithoutAWorker_TimeOutSayingWhichTaskQueueNeedsOne()
    {
        await using var h = await CliHarness.StartAsync(temporal);
        var id = CliHarness.NewId();
        (await h.RunAsync("submit", h.File("c.json", CliHarness.Campaign(id, 1)))).Exits(0);

        var pause = (await h.RunAsync("pause", id, "--timeout", "1")).Exits(1).NoStackTrace();
        Assert.Contains($"no worker took the pause command of campaign {id} within 1 s", pause.Error, StringComparison.Ordinal);
        Assert.Contains($"start a worker polling task queue {h.TaskQueue}", pause.Error, StringComparison.Ordinal);

        var status = (await h.RunAsync("status", id, "--json")).Exits(0);
        using var doc = JsonDocument.Parse(status.Out);
        Assert.Equal("Running", doc.RootElement.GetProperty("execution").GetString());
        Assert.False(doc.RootElement.TryGetProperty("progress", out _));
        Assert.Contains("no worker answered the progress query", doc.RootElement.GetProperty("note").GetString(), StringComparison.Ordinal);

        // A campaign that ended badly: status says how and exits 1; list finds it under Failed.
        await h.Campaigns().Get(id).TerminateAsync("operator gave up");
        var ended = (await h.RunAsync("status", id, "--no-follow")).Exits(1);
        Assert.Contains("Terminated", ended.Out, StringComparison.Ordinal);
        Assert.Contains("operator gave up", ended.Out, StringComparison.Ordinal);
        await Eventually.TrueAsync(
            async () => Statuses(await h.RunAsync("list", "--prefix", id, "--status", "Failed", "--json")).GetValueOrDefault(id) == "Terminated",
            "the terminated campaign listed under Failed");
    }

    private static Dictionary<string, string> Statuses(CliRun run)
    {
        Assert.True(run.ExitCode == 0, run.ToString());
        using var doc = JsonDocument.Parse(run.Out);
        return doc.RootElement.EnumerateArray().ToDictionary(e => e.GetProperty("campaignId").GetString()!, e => e.GetProperty("status").GetString()!);
    }
}
