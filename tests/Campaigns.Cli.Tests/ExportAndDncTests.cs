using System.Text.Json;

namespace Campaigns.Cli.Tests;

[Trait("Needs", "Temporal")]
[Collection(TemporalTests.Name)]
public sealed class ExportAndDncTests(TemporalServer temporal)
{
    [Fact]
    public async Task Export_WritesOneRowPerOutcome_ToAFileOrStandardOutput()
    {
        await using var h = await CliHarness.StartAsync(temporal);
        await h.StartWorkerAsync();
        (await h.RunAsync("dnc", "add", "u2")).Exits(0);
        var id = CliHarness.NewId();
        (await h.RunAsync("submit", h.File("c.json", CliHarness.Campaign(id, 5)), "--follow")).Exits(0);

        var path = Path.Combine(h.Folder, "out.csv");
        var run = (await h.RunAsync("export", id, "--csv", path)).Exits(0);
        // u2 is on the do-not-call list: its attempt is Skipped and no call, so no outcome row.
        Assert.Contains($"exported 4 outcomes of campaign {id} to {path}", run.Out, StringComparison.Ordinal);
        var lines = await File.ReadAllLinesAsync(path);
        Assert.Equal("target,attempt,callee,call_id,result,raw_result,start_time,accept_time,end_time,talk_seconds", lines[0]);
        Assert.Equal(["u1", "u3", "u4", "u5"], lines.Skip(1).Select(l => l.Split(',')[2]));
        Assert.False(File.Exists(path + ".partial"));

        var stdout = (await h.RunAsync("export", id, "--csv", "-")).Exits(0);
        Assert.Equal(lines, stdout.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')));
        Assert.Contains("exported 4 outcomes", stdout.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_UnknownCampaign_Exit1_NoFileLeft()
    {
        await using var h = await CliHarness.StartAsync(temporal);
        var path = Path.Combine(h.Folder, "out.csv");
        var run = (await h.RunAsync("export", "nobody-here", "--csv", path)).Exits(1).NoStackTrace();
        Assert.Contains("no campaign nobody-here in the outcome store (PostgreSQL", run.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task Dnc_AddListRemove()
    {
        await using var h = await CliHarness.StartAsync(temporal);
        (await h.RunAsync("dnc", "add", "alice", "bob", "--reason", "asked")).Exits(0);
        var fromCsv = h.File("dnc.csv", "callee\ncarol\ndave\n");
        (await h.RunAsync("dnc", "add", "--csv", fromCsv)).Exits(0);

        Assert.Equal(["alice", "bob", "carol", "dave"], Listed(await h.RunAsync("dnc", "list", "--json")).Keys);
        Assert.Equal("asked", Listed(await h.RunAsync("dnc", "list", "--json"))["alice"]);
        Assert.Equal(["bob"], Listed(await h.RunAsync("dnc", "list", "bob", "erin", "--json")).Keys);
        var table = (await h.RunAsync("dnc", "list")).Exits(0);
        Assert.Contains("4 callees on the do-not-call list", table.Out, StringComparison.Ordinal);

        // A bad id changes nothing.
        var bad = (await h.RunAsync("dnc", "add", "erin", "not valid")).Exits(2).NoStackTrace();
        Assert.Contains("callee 'not valid' contains a space", bad.Error, StringComparison.Ordinal);
        Assert.Empty(await h.Store.FindDoNotCallAsync(["erin"]));
        var badCsv = (await h.RunAsync("dnc", "add", "--csv", h.File("bad.csv", "callee\nfrank\nno way\n"))).Exits(2);
        Assert.Contains("line 3:", badCsv.Error, StringComparison.Ordinal);
        Assert.Empty(await h.Store.FindDoNotCallAsync(["frank"]));

        var removed = (await h.RunAsync("dnc", "remove", "alice", "zed")).Exits(0);
        Assert.Contains("removed 1 callees", removed.Out, StringComparison.Ordinal);
        Assert.Contains("zed were not on it", removed.Out, StringComparison.Ordinal);
        Assert.Equal(["bob", "carol", "dave"], Listed(await h.RunAsync("dnc", "list", "--json")).Keys);
    }

    [Fact]
    public async Task DncList_PagesThroughALongList()
    {
        await using var h = await CliHarness.StartAsync(temporal);
        var many = Enumerable.Range(0, 2500).Select(i => $"p{i:D5}").ToList();
        await h.Store.MigrateAsync();
        await h.Store.AddDoNotCallAsync(many);
        var listed = Listed(await h.RunAsync("dnc", "list", "--json"));
        Assert.Equal(many, listed.Keys);
    }

    private static Dictionary<string, string?> Listed(CliRun run)
    {
        Assert.True(run.ExitCode == 0, run.ToString());
        using var doc = JsonDocument.Parse(run.Out);
        return doc.RootElement.EnumerateArray().ToDictionary(
            e => e.GetProperty("callee").GetString()!,
            e => e.TryGetProperty("reason", out var r) ? r.GetString() : null);
    }
}
