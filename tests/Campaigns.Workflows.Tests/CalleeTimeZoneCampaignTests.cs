using System.Diagnostics;
using System.Globalization;
using Campaigns.Storage.Model;
using Campaigns.Workflows.Contract;
using NodaTime;
using Xunit.Abstractions;

namespace Campaigns.Workflows.Tests;

/// <summary>
/// Callee-local time end to end (docs/callee-time-zones.md), over three simulated days on Temporal's time-skipping test
/// server with the real worker, simulator and PostgreSQL. The worker, its store and the simulator read one clock
/// (<see cref="SkippedClock"/>): the wall clock moved on by what the test skipped, and the test skips only to the
/// workflow's next timer while no batch runs. So the simulator's call times are the campaign's time, and "no call outside
/// any callee's window" is checked on them (and on the claim times the store stamped).
/// </summary>
[Trait("Needs", "Temporal")]
[Collection(TimeSkippingTests.Name)]
public sealed class CalleeTimeZoneCampaignTests(ITestOutputHelper output)
{
    private static readonly string[] Zones = ["Pacific/Auckland", "Asia/Shanghai", "Asia/Kolkata", "Europe/Berlin", "America/New_York", "America/Los_Angeles"];

    [Fact]
    public async Task ThousandCalleesInSixZones_NineToEight_ThreeDays_NoCallOutsideAnyCalleesWindow_NorOnAHoliday_EveryCalleeReached()
    {
        const int callees = 1000;
        await using var env = await TimeSkippingServer.StartAsync();
        var clock = new SkippedClock(env);
        await clock.SyncAsync();

        // A known start: 00:30 UTC of the next day (Auckland 13:30, Shanghai 08:30, Kolkata 06:00, Berlin 01:30, New York
        // 19:30 and Los Angeles 16:30 the day before): two zones open, four opening later that day.
        var start = clock.GetUtcNow().UtcDateTime.Date.AddDays(1).AddMinutes(30);
        await clock.SkipAsync(new DateTimeOffset(start, TimeSpan.Zero) - clock.GetUtcNow());
        // The simulator and the worker's waits at 300x: a call of a minute lasts a fifth of a second.
        await using var h = await CampaignHarness.StartAsync(TemporalServer.Of(env.Client), o => o.Seed = 22, timeScale: 300, clock: clock);

        // Berlin's first local day is a holiday of the app: its callees wait for the next day.
        var holiday = new Holiday(DateOnly.FromDateTime(start), "Europe/Berlin");
        await h.Store.AddHolidayAsync(holiday);

        // Every tenth callee has no zone: the window's own (Asia/Kolkata) applies to them.
        var people = Enumerable.Range(0, callees).Select(i => (Id: $"tz{i:D4}", Zone: i % 10 == 0 ? null : Zones[i % Zones.Length])).ToList();
        var zoneOf = people.ToDictionary(p => p.Id, p => p.Zone ?? "Asia/Kolkata", StringComparer.Ordinal);
        var id = CampaignHarness.NewId();
        var list = string.Join(", ", people.Select(p => p.Zone is null ? $"\"{p.Id}\"" : $$"""{ "userId": "{{p.Id}}", "timeZone": "{{p.Zone}}" }"""));
        var campaign = CampaignHarness.Json($$"""
            { "campaignId": "{{id}}", "robotAccount": "robot", "ringTimeoutMs": 10000,
              "callees": [{{list}}],
              "callingWindow": { "timeZone": "Asia/Kolkata", "start": "09:00", "end": "20:00" },
              "redial": { "maxAttempts": 3, "rules": [ { "result": "NotAnswer", "delaySeconds": 72000 }, { "result": "CallBusy", "delaySeconds": 72000 } ] } }
            """);

        var wall = Stopwatch.StartNew();
        var handle = await h.Campaigns.StartAsync(campaign);
        var skips = 0;
        while (await clock.SkipToNextTimerAsync(handle, TimeSpan.FromSeconds(60)))
        {
            skips++;
            Assert.True(clock.GetUtcNow() < new DateTimeOffset(start, TimeSpan.Zero).AddDays(6), "the campaign ran past six simulated days");
        }

        var result = await handle.GetResultAsync();
        wall.Stop();
        Assert.Equal((CampaignStatuses.Completed, (long)callees), (result.Status, result.Finished));

        // The simulator's call log, in the campaign's time: each call inside its callee's 09:00-20:00, never on the holiday.
        var calls = await h.Simulator.CallsAsync();
        var outside = calls.Select(c => (Call: c, Local: Local(c.PlacedAt, zoneOf[c.Callees.Single()])))
            .Where(c => c.Local.TimeOfDay < new LocalTime(9, 0) || c.Local.TimeOfDay >= new LocalTime(20, 0)
                || (zoneOf[c.Call.Callees.Single()] == holiday.TimeZone && c.Local.Date == LocalDate.FromDateOnly(holiday.Date)))
            .Select(c => $"{c.Call.Callees.Single()} at {c.Local:yyyy-MM-dd HH:mm:ss} in {zoneOf[c.Call.Callees.Single()]}")
            .ToList();
        Assert.True(outside.Count == 0, $"{outside.Count} calls outside their callee's window: {string.Join("; ", outside.Take(5))}");
        Assert.Equal(people.Select(p => p.Id), calls.Select(c => c.Callees.Single()).Distinct().Order(StringComparer.Ordinal)); // every callee reached
        Assert.Equal(result.Attempts, calls.Count);

        // The store's claim times (stamped just before each start) say the same.
        var settled = await h.Store.GetAttemptsAsync(id, AttemptState.Settled, 10_000);
        var seqOf = people.Select((p, i) => (p.Id, Seq: i + 1)).ToDictionary(p => p.Seq, p => p.Id);
        Assert.All(settled, a =>
        {
            var local = Local(a.ClaimedAt!.Value, zoneOf[seqOf[a.TargetSeq]]);
            Assert.InRange(local.TimeOfDay, new LocalTime(9, 0), new LocalTime(19, 59, 59, 999));
        });

        // Three simulated days: the calls cross at least two midnights (UTC), Berlin's first ones a day late.
        var days = calls.Select(c => c.PlacedAt.UtcDateTime.Date).Distinct().Count();
        Assert.True(days >= 3, $"the calls fell on {days} days (UTC)");
        var berlinFirst = calls.Where(c => zoneOf[c.Callees.Single()] == "Europe/Berlin").Min(c => Local(c.PlacedAt, "Europe/Berlin"));
        Assert.Equal(LocalDate.FromDateOnly(holiday.Date).PlusDays(1), berlinFirst.Date);

        var perDay = calls.GroupBy(c => c.PlacedAt.UtcDateTime.Date).OrderBy(g => g.Key).Select(g => $"{g.Key:MM-dd} {g.Count()}");
        var span = (calls.Max(c => c.PlacedAt) - calls.Min(c => c.PlacedAt)).TotalHours;
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{callees} callees in {Zones.Length} zones, 09:00-20:00 local, Berlin's first day a holiday: {calls.Count} calls ({result.Attempts} attempts) over {span:F1} simulated hours in {wall.Elapsed.TotalSeconds:F0} s of real time, {skips} skips"));
        output.WriteLine("calls per UTC day: " + string.Join(", ", perDay) + "; " + string.Join(", ", result.ByResult.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => $"{r.Key} {r.Value}")));
        await ScheduledCampaignTests.AssertReplaysAsync(handle);
    }

    private static LocalDateTime Local(DateTimeOffset at, string zone) =>
        Instant.FromDateTimeOffset(at).InZone(DateTimeZoneProviders.Tzdb[zone]).LocalDateTime;
}
