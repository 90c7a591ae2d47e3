using System.Globalization;
using System.Text.Json;
using Campaigns.Storage;
using Campaigns.Storage.Model;
using Campaigns.Workflows.Contract;
using Temporalio.Api.Enums.V1;

namespace Campaigns.Cli.Tests;

/// <summary>
/// <c>campaigns forecast</c>: the figures from the file alone, what a store adds (running campaigns, history, do-not-call),
/// bad input named by its field, and one windowed, redialing campaign run on the simulator beside its forecast.
/// </summary>
[Trait("Needs", "Temporal")]
[Collection(TemporalTests.Name)]
public sealed class ForecastTests(TemporalServer temporal)
{
    private const string At = "2026-12-03T10:00:00Z";

    [Fact]
    public async Task Forecast_InlineCampaign_PrintsRateAttemptsDurationAndEnd_WithoutAnyService()
    {
        await using var h = await CliHarness.StartAsync(temporal, withStore: false);
        var file = h.File("c.json", CliHarness.Campaign("f1", 900, """, "rate": { "maxCallsPerSecond": 30 }, "redial": { "maxAttempts": 2, "rules": [ { "result": "NotAnswer", "delaySeconds": 600 } ] }"""));

        var run = (await h.RunAsync("forecast", file, "--at", At)).Exits(0);

        Assert.Contains("forecast for campaign f1: 900 targets, starting 2026-12-03 10:00:00 +00:00", run.Out, StringComparison.Ordinal);
        Assert.Contains("start rate", run.Out, StringComparison.Ordinal);
        Assert.Contains("30 calls/s", run.Out, StringComparison.Ordinal);
        Assert.Contains("the campaign's cap rate.maxCallsPerSecond 30/s", run.Out, StringComparison.Ordinal);
        Assert.Contains("108,000", run.Out, StringComparison.Ordinal); // calls per hour
        Assert.Contains("900 first calls + 176 redials", run.Out, StringComparison.Ordinal); // NotAnswer 19.6 % of 900
        Assert.Contains("campaign completes", run.Out, StringComparison.Ordinal);
        Assert.Contains("expected end", run.Out, StringComparison.Ordinal);
        Assert.Contains("note: no outcome store configured", run.Out, StringComparison.Ordinal);
        Assert.Empty(run.Error);
    }

    [Fact]
    public async Task Forecast_Json_OneObject_WithTheMixGiven()
    {
        await using var h = await CliHarness.StartAsync(temporal, withStore: false);
        var file = h.File("c.json", CliHarness.Campaign("f2", 100));

        var run = (await h.RunAsync("forecast", file, "--at", At, "--mix", "NormalEnd=50,NotAnswer=50", "--workers", "3", "--json")).Exits(0);

        using var json = JsonDocument.Parse(run.Out);
        var root = json.RootElement;
        Assert.Equal("f2", root.GetProperty("campaignId").GetString());
        Assert.Equal(100, root.GetProperty("targets").GetInt64());
        Assert.Equal(100, root.GetProperty("attempts").GetDouble());
        Assert.Equal(0.5, root.GetProperty("mix").GetProperty("NotAnswer").GetDouble());
        Assert.Equal("--mix", root.GetProperty("mixSource").GetString());
        Assert.Equal((3, 60.0, 180.0), (root.GetProperty("workers").GetInt32(), root.GetProperty("workerStartsPerSecond").GetDouble(), root.GetProperty("startsPerSecond").GetDouble()));
        var duration = root.GetProperty("durationSeconds").GetDouble();
        Assert.Equal(DateTimeOffset.Parse(At, CultureInfo.InvariantCulture).AddSeconds(Math.Round(duration)), root.GetProperty("endsAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task Forecast_CsvWithTemplate_CountsTheTargets_RejectedAndDuplicateLinesNoted()
    {
        await using var h = await CliHarness.StartAsync(temporal, withStore: false);
        var template = h.File("t.json", """{ "campaignId": "f3", "robotAccount": "robot", "callingWindow": { "timeZone": "Etc/GMT", "start": "12:00", "end": "20:00" } }""");
        var csv = h.File("callees.csv", "callee\nalice\nbob\nalice\nbad id!\ncarol;dave\n");

        var run = (await h.RunAsync("forecast", template, "--csv", csv, "--at", At, "--json")).Exits(0);

        using var json = JsonDocument.Parse(run.Out);
        Assert.Equal(3, json.RootElement.GetProperty("targets").GetInt64()); // alice, bob, the group carol;dave
        Assert.Equal(7200, json.RootElement.GetProperty("windowWaitSeconds").GetDouble()); // 10:00 → 12:00
        Assert.Contains(json.RootElement.GetProperty("notes").EnumerateArray(), n => n.GetString()!.Contains("3 targets from 5 rows", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Forecast_CsvWithTimeZones_EachCalleeWaitsForTheWindowInTheirZone_AndTheStoresHolidaysCount()
    {
        await using var h = await CliHarness.StartAsync(temporal);
        // 10:00 UTC: the window (12:00-20:00 Etc/GMT) opens in 2 hours for its own zone; in Asia/Tokyo (UTC+9) it is
        // 19:00 and open now; the store's holiday closes Tokyo's 3 December, so those callees wait for 4 December 12:00
        // Tokyo time (03:00 UTC), 17 hours.
        var template = h.File("t.json", """{ "campaignId": "f9", "robotAccount": "robot", "callingWindow": { "timeZone": "Etc/GMT", "start": "12:00", "end": "20:00" } }""");
        var csv = h.File("callees.csv", "callee,time_zone\nalice,Asia/Tokyo\nbob,Asia/Tokyo\n");
        var open = JsonDocument.Parse((await h.RunAsync("forecast", template, "--csv", csv, "--at", At, "--json")).Exits(0).Out).RootElement;
        Assert.Equal(0, open.GetProperty("windowWaitSeconds").GetDouble());

        (await h.RunAsync("holidays", "add", "2026-12-03", "--zone", "Asia/Tokyo")).Exits(0);
        var closed = JsonDocument.Parse((await h.RunAsync("forecast", template, "--csv", csv, "--at", At, "--json")).Exits(0).Out).RootElement;
        Assert.Equal(17 * 3600, closed.GetProperty("windowWaitSeconds").GetDouble());
    }

    [Fact]
    public async Task Forecast_UnderTheStoresContactPolicy_CalleesRungLatelyWaitForTheirCap()
    {
        await using var h = await CliHarness.StartAsync(temporal);
        (await h.RunAsync("policy", "set", "--per-day", "1")).Exits(0);
        // ann was rung a moment ago by another campaign: one a day, so her target waits a day; bob is free.
        await h.Store.RegisterCampaignAsync("other", "campaign-other", """{"robot":"r"}""");
        await h.Store.AddTargetsAsync("other", [["ann"]]);
        var key = (await h.Store.RecordIntentAsync("other", 1, 1)).AttemptKey;
        Assert.True((await h.Store.ClaimDialAsync(key, "t")).Claimed);
        var file = h.File("c.json", """{ "campaignId": "f10", "robotAccount": "robot", "callees": ["ann", "bob"] }""");

        var run = (await h.RunAsync("forecast", file, "--json")).Exits(0);

        var root = JsonDocument.Parse(run.Out).RootElement;
        Assert.Equal(1, root.GetProperty("cappedAtStart").GetDouble());
        Assert.InRange(root.GetProperty("capWaitSeconds").GetDouble(), 86_000, 86_460);
        Assert.InRange(root.GetProperty("lastCallSeconds").GetDouble(), 86_000, 86_500);
        Assert.Contains(root.GetProperty("notes").EnumerateArray(), n => n.GetString()!.Contains("contact caps (1 per day) hold back 1 targets", StringComparison.Ordinal));
        var text = (await h.RunAsync("forecast", file)).Exits(0);
        Assert.Contains("waiting for contact caps", text.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "--mix", "NormalEnd=60,Sleeping=40" }, "--mix: \"Sleeping\" is not a result")]
    [InlineData(new[] { "--mix", "NotAnswer=lots" }, "--mix: NotAnswer: \"lots\" is not a share")]
    [InlineData(new[] { "--at", "tomorrow morning" }, "--at: \"tomorrow morning\" is not a date and time")]
    [InlineData(new[] { "--headroom", "1.5" }, "--headroom: 1.5 must be 0.01-1")]
    [InlineData(new[] { "--workers", "0" }, "--workers: 0 must be 1-1000")]
    [InlineData(new[] { "--time-scale", "0" }, "--time-scale: 0 must be 0.01-10000")]
    [InlineData(new[] { "--start-budget", "0" }, "--start-budget: 0 must be 1-10000")]
    public async Task Forecast_BadOption_NamesIt_Exit2(string[] options, string problem)
    {
        await using var h = await CliHarness.StartAsync(temporal, withStore: false);
        var file = h.File("c.json", CliHarness.Campaign("f4", 3));

        var run = (await h.RunAsync(["forecast", file, .. options])).Exits(2).NoStackTrace();

        Assert.Contains(problem, run.Error, StringComparison.Ordinal);
        Assert.Contains("what to do:", run.Error, StringComparison.Ordinal);
        Assert.Empty(run.Out);
    }

    [Fact]
    public async Task Forecast_InvalidCampaign_ListsEveryProblemByPath_Exit2()
    {
        await using var h = await CliHarness.StartAsync(temporal, withStore: false);
        var file = h.File("bad.json", """
            { "campaignId": "f5", "robotAccount": "robot", "callees": ["a"], "redial": { "maxAttempts": 3, "rules": [ { "result": "NormalEnd" } ] },
              "callingWindow": { "timeZone": "Mars/Olympus", "start": "20:00", "end": "09:00" } }
            """);

        var run = (await h.RunAsync("forecast", file)).Exits(2).NoStackTrace();

        Assert.Contains("is not a valid campaign", run.Error, StringComparison.Ordinal);
        Assert.Contains("$.redial.rules[0].result", run.Error, StringComparison.Ordinal);
        Assert.Contains("$.callingWindow.timeZone", run.Error, StringComparison.Ordinal);
        Assert.Contains("$.callingWindow.end", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Forecast_ImportedTargetsWithoutAStore_NamesTargetsImported_Exit2()
    {
        await using var h = await CliHarness.StartAsync(temporal, withStore: false);
        var file = h.File("c.json", """{ "campaignId": "f6", "robotAccount": "robot", "targetsImported": true }""");

        var run = (await h.RunAsync("forecast", file)).Exits(2).NoStackTrace();

        Assert.Contains("$.targetsImported: true, so the targets are in the store, but no outcome store can be read", run.Error, StringComparison.Ordinal);
        Assert.Contains("--csv", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Forecast_StoreUnreachable_WarnsAndForecastsWithoutIt()
    {
        await using var h = await CliHarness.StartAsync(temporal, withStore: false);
        h.Environment["ConnectionStrings__Outcomes"] = "Host=127.0.0.1;Port=1;Database=nope;Timeout=2";
        var file = h.File("c.json", CliHarness.Campaign("f7", 10));

        var run = (await h.RunAsync("forecast", file, "--at", At)).Exits(0);

        Assert.Contains("warning: cannot use the outcome store", run.Error, StringComparison.Ordinal);
        Assert.Contains("the outcome store could not be used", run.Out, StringComparison.Ordinal);
        Assert.Contains("campaign completes", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Forecast_WithAStore_CountsRunningCampaignsHistoryImportedTargetsAndDoNotCall()
    {
        await using var h = await CliHarness.StartAsync(temporal);
        var store = h.Store;
        // History: a completed campaign whose calls ended half NormalEnd, half NotAnswer.
        await CompletedCampaignAsync(store, "hist-1", 120);
        // Running: a campaign of weight 3 with 900 targets not dialed yet.
        // Its definition as the workflow's registration stores it (the spec serialized).
        var definition = JsonSerializer.Serialize(new CampaignSpec { CampaignId = "run-1", RobotAccount = "robot", TargetsImported = true, Rate = new RateSpec { Weight = 3 } }, CampaignJson.Options);
        await store.RegisterCampaignAsync("run-1", "campaign-run-1", definition);
        await store.AddTargetsAsync("run-1", [.. Enumerable.Range(1, 900).Select(i => (IReadOnlyList<string>)[$"r{i}"])]);
        await store.SetCampaignStatusAsync("run-1", CampaignStatus.Running);
        (await h.RunAsync("dnc", "add", "u2")).Exits(0);

        var inline = (await h.RunAsync("forecast", h.File("c.json", CliHarness.Campaign("f8", 10)), "--at", At, "--json")).Exits(0);
        (await h.RunAsync("import", "f9", "--csv", h.File("callees.csv", "callee\nx1\nx2\nx3\n"))).Exits(0);
        var imported = (await h.RunAsync("forecast", h.File("i.json", """{ "campaignId": "f9", "robotAccount": "robot", "targetsImported": true }"""), "--at", At)).Exits(0);

        using var json = JsonDocument.Parse(inline.Out);
        var root = json.RootElement;
        Assert.Equal(1, root.GetProperty("skipped").GetInt64()); // u2 is on the do-not-call list
        Assert.Equal(9, root.GetProperty("attempts").GetDouble(), 1);
        Assert.Equal("history: 120 outcomes of the 1 most recently completed campaign", root.GetProperty("mixSource").GetString());
        Assert.Equal(0.5, root.GetProperty("mix").GetProperty("NormalEnd").GetDouble());
        Assert.Equal(45, root.GetProperty("startsPerSecond").GetDouble()); // weight 1 of 4 while run-1 dials
        var shared = Assert.Single(root.GetProperty("sharedWith").EnumerateArray());
        Assert.Equal(("run-1", 900.0, 135.0), (shared.GetProperty("campaignId").GetString(), shared.GetProperty("remainingStarts").GetDouble(), shared.GetProperty("startsPerSecond").GetDouble()));
        Assert.Contains(root.GetProperty("notes").EnumerateArray(), n => n.GetString()!.Contains("1 worker assumed", StringComparison.Ordinal));
        Assert.Contains("forecast for campaign f9: 3 targets", imported.Out, StringComparison.Ordinal);
        Assert.Contains("shared with", imported.Out, StringComparison.Ordinal);
    }

    /// <summary>
    /// The goal, on the real dev server, worker and simulator (×60, its default mix): 300 callees at 10 calls/s,
    /// started 20 s before the calling window opens, NotAnswer and CallBusy redialed after 15 s (3 attempts at most).
    /// Forecast and measurement are printed side by side; only a generous bound (25 %) is asserted, because a loaded CI
    /// machine stretches every real-time step (the figures measured here are in docs/forecast.md, Forecast vs measured).
    /// </summary>
    [Fact]
    public async Task Forecast_WindowedRedialingCampaign_OnTheSimulator_MeasuredNearTheForecast()
    {
        await using var h = await CliHarness.StartAsync(temporal);
        await h.StartWorkerAsync();
        var id = CliHarness.NewId();
        var now = DateTimeOffset.UtcNow;
        var offset = 12 - now.Hour; // local time ≈ 12:xx in Etc/GMT±n (sign inverted), so the window never crosses midnight
        var zone = offset == 0 ? "Etc/GMT" : offset > 0 ? $"Etc/GMT-{offset}" : $"Etc/GMT+{-offset}";
        var opens = now.AddSeconds(20).ToOffset(TimeSpan.FromHours(offset));
        var window = $$"""{ "timeZone": "{{zone}}", "start": "{{opens:HH:mm:ss}}", "end": "{{opens.AddHours(1):HH:mm:ss}}" }""";
        var file = h.File("c.json", CliHarness.Campaign(id, 300, $$"""
            , "rate": { "maxCallsPerSecond": 10 }, "callingWindow": {{window}},
              "redial": { "maxAttempts": 3, "rules": [ { "result": "NotAnswer", "delaySeconds": 15 }, { "result": "CallBusy", "delaySeconds": 15 } ] }
            """));

        var at = DateTimeOffset.UtcNow;
        var forecastRun = (await h.RunAsync("forecast", file, "--at", at.ToString("O", CultureInfo.InvariantCulture), "--time-scale", "60", "--json")).Exits(0);
        (await h.RunAsync("submit", file)).Exits(0);
        var handle = h.Campaigns().Get(id);
        var result = await handle.GetResultAsync().WaitAsync(TimeSpan.FromMinutes(8));
        var history = await handle.FetchHistoryAsync();
        var calls = await h.Simulator!.CallsAsync();

        using var json = JsonDocument.Parse(forecastRun.Out);
        var f = json.RootElement;
        var closed = history.Events.Last().EventTime.ToDateTimeOffset();
        var started = history.Events.First().EventTime.ToDateTimeOffset();
        var firstPass = calls.SelectMany(c => c.Callees.Select(callee => (callee, c.PlacedAt))).GroupBy(c => c.callee).Max(g => g.Min(c => c.PlacedAt));
        var measured = new (string What, double Forecast, double Measured)[]
        {
            ("first call (s)", f.GetProperty("firstCallSeconds").GetDouble(), (calls.Min(c => c.PlacedAt) - at).TotalSeconds),
            ("every target dialed once (s)", f.GetProperty("firstPassSeconds").GetDouble(), (firstPass - at).TotalSeconds),
            ("last call (s)", f.GetProperty("lastCallSeconds").GetDouble(), (calls.Max(c => c.PlacedAt) - at).TotalSeconds),
            ("campaign completes (s)", f.GetProperty("durationSeconds").GetDouble(), (closed - at).TotalSeconds),
            ("attempts", f.GetProperty("attempts").GetDouble(), result.Attempts),
        };
        Console.WriteLine($"forecast vs measured: 300 callees, 10/s, window opening 20 s after the start, NotAnswer/CallBusy redialed after 15 s (3 attempts), simulator and worker ×60; the window opened {(opens - at).TotalSeconds:0.0} s and the workflow started {(started - at).TotalSeconds:0.0} s after the forecast's start (forecast window wait {f.GetProperty("windowWaitSeconds").GetDouble():0.0} s); {calls.Count} calls in the simulator's log");
        foreach (var (what, forecast, actual) in measured)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {what,-30} forecast {forecast,8:0.0}   measured {actual,8:0.0}   ratio {forecast / actual:0.000}"));
        }

        Assert.Equal("Completed", result.Status);
        var duration = measured.Single(m => m.What.StartsWith("campaign completes", StringComparison.Ordinal));
        Assert.InRange(duration.Forecast / duration.Measured, 0.75, 1.25);
        var attempts = measured.Single(m => m.What == "attempts");
        Assert.InRange(attempts.Forecast / attempts.Measured, 0.75, 1.25);
        Assert.Equal(EventType.WorkflowExecutionCompleted, history.Events.Last().EventType);
    }

    private static async Task CompletedCampaignAsync(IOutcomeStore store, string id, int callees)
    {
        await store.RegisterCampaignAsync(id, "campaign-" + id, $$"""{ "campaignId": "{{id}}", "robotAccount": "robot" }""");
        await store.AddTargetsAsync(id, [.. Enumerable.Range(1, callees).Select(i => (IReadOnlyList<string>)[$"h{i}"])]);
        var outcomes = new List<Outcome>();
        for (var seq = 1; seq <= callees; seq++)
        {
            var intent = await store.RecordIntentAsync(id, seq, 1);
            var dialed = await store.MarkDialedAsync(intent.AttemptKey, $"{id}-call-{seq}", new Dictionary<string, long> { [$"h{seq}"] = 0 });
            var start = DateTimeOffset.UtcNow.AddHours(-1);
            outcomes.Add(new Outcome
            {
                AttemptKey = dialed.AttemptKey, CampaignId = id, Callee = $"h{seq}", CallId = dialed.CallId, Result = seq % 2 == 0 ? "NormalEnd" : "NotAnswer",
                StartTime = start, EndTime = start.AddSeconds(seq % 2 == 0 ? 90 : 30),
            });
        }

        await store.UpsertOutcomesAsync(outcomes);
        await store.SetCampaignStatusAsync(id, CampaignStatus.Running);
        await store.SetCampaignStatusAsync(id, CampaignStatus.Completed);
    }
}
