using System.Globalization;
using Campaigns.Workflows.Contract;
using Campaigns.Workflows.Forecast;

namespace Campaigns.Workflows.Tests;

/// <summary>
/// The forecast with callees in their own time zones, the app's holidays and the contact caps (docs/callee-time-zones.md,
/// docs/contact-policy.md, docs/forecast.md): each zone's callees wait for the window in their zone, not in the
/// campaign's, and what a cap holds back waits for it (pure logic, no server).
/// </summary>
public sealed class ForecastZonesTests
{
    // Thursday 2026-12-03 10:00 in Shanghai (02:00 UTC; 21:00 the day before in New York).
    private static readonly DateTimeOffset ShanghaiMorning = new(2026, 12, 3, 10, 0, 0, TimeSpan.FromHours(8));

    private static readonly CampaignSpec Windowed = new()
    {
        CampaignId = "z1",
        RobotAccount = "robot",
        TargetsImported = true,
        CallingWindow = new CallingWindowSpec { TimeZone = "Asia/Shanghai", Start = "09:00", End = "20:00" },
    };

    [Fact]
    public void Zones_AllInTheWindowsOwnZone_ForecastTheSameAsWithoutZones()
    {
        var plain = Forecast(Windowed, 20_000, ShanghaiMorning);
        var zoned = Forecast(Windowed, 20_000, ShanghaiMorning, zones: new() { ["Asia/Shanghai"] = 15_000, [string.Empty] = 5_000 });

        Assert.Equal(plain.DurationSeconds, zoned.DurationSeconds);
        Assert.Equal(plain.WindowWaitSeconds, zoned.WindowWaitSeconds);
        Assert.Equal(plain.CallsPerDay, zoned.CallsPerDay);
    }

    [Fact]
    public void Zones_CalleesInNewYork_WaitForTheirMorning_NotTheCampaignsWindow()
    {
        // 10:00 in Shanghai is 21:00 in New York: the window is open for the campaign's zone, closed for New York until
        // 09:00 there (22:00 in Shanghai), 12 hours later.
        var plain = Forecast(Windowed, 1000, ShanghaiMorning);
        var zoned = Forecast(Windowed, 1000, ShanghaiMorning, zones: new() { ["America/New_York"] = 1000 });

        Assert.Equal(0, plain.WindowWaitSeconds);
        Assert.InRange(zoned.WindowWaitSeconds, (12 * 3600) - 60, (12 * 3600) + 60); // 21:00 to 09:00 New York time
        Assert.InRange(zoned.FirstCallSeconds, 12 * 3600, (12 * 3600) + 60);
        Assert.True(zoned.DurationSeconds > plain.DurationSeconds + (11 * 3600), $"{zoned.DurationSeconds} vs {plain.DurationSeconds}");
    }

    [Fact]
    public void Zones_CampaignsWindowClosed_ButOpenWhereTheCalleesAre_DialsAtOnce()
    {
        // 23:00 in Shanghai: closed there until 09:00 (10 h); 10:00 in New York, where every callee is: open now.
        var night = new DateTimeOffset(2026, 12, 3, 23, 0, 0, TimeSpan.FromHours(8));
        var plain = Forecast(Windowed, 1000, night);
        var zoned = Forecast(Windowed, 1000, night, zones: new() { ["America/New_York"] = 1000 });

        Assert.Equal(10 * 3600, plain.WindowWaitSeconds, 0);
        Assert.Equal(0, zoned.WindowWaitSeconds);
        Assert.True(zoned.DurationSeconds < 3600, $"{zoned.DurationSeconds} s");
    }

    [Fact]
    public void Zones_HalfHereHalfThere_EachHalfInItsOwnDaytime_CallsPerDayCountBothWindows()
    {
        var zoned = Forecast(Windowed, 20_000, ShanghaiMorning, zones: new() { ["Asia/Shanghai"] = 10_000, ["America/New_York"] = 10_000 });

        // Shanghai's half at once (about a minute at 180/s), New York's half when its window opens 12 hours later.
        var byDay = zoned.Days.ToDictionary(d => d.Date, d => d.Calls);
        Assert.Equal(20_000, zoned.Days.Sum(d => d.Calls), 0);
        Assert.InRange(zoned.FirstPassSeconds, 12 * 3600, (12 * 3600) + 600);
        Assert.InRange(zoned.WindowWaitSeconds, (12 * 3600) - 600, 12 * 3600);
        // Two disjoint 11-hour windows a day: 22 hours of dialing at 180/s.
        Assert.Equal(180 * 22 * 3600, zoned.CallsPerDay, 0);
        Assert.Equal(11 * 3600 * 180, Forecast(Windowed, 20_000, ShanghaiMorning).CallsPerDay, 0);
        Assert.True(byDay.Count >= 1);
    }

    [Fact]
    public void Holidays_CloseTheWholeLocalDate_InTheirZoneOnly()
    {
        var holiday = new DateOnly(2026, 12, 3);
        var here = Forecast(Windowed, 1000, ShanghaiMorning, holidays: [(holiday, "Asia/Shanghai")]);
        var elsewhere = Forecast(Windowed, 1000, ShanghaiMorning, holidays: [(holiday, "Europe/Berlin")]);

        Assert.Equal(23 * 3600, here.WindowWaitSeconds, 0); // Thursday 10:00 to Friday 09:00 Shanghai time
        Assert.Equal(new DateOnly(2026, 12, 4), Assert.Single(here.Days).Date);
        Assert.Equal(0, elsewhere.WindowWaitSeconds);
    }

    [Fact]
    public void Caps_TargetsHeldBackAtTheStart_AreDialedWhenTheirCapFrees_AndTheWaitIsCounted()
    {
        var spec = new CampaignSpec { CampaignId = "c1", RobotAccount = "robot", TargetsImported = true };
        var free = Forecast(spec, 1000, ShanghaiMorning);
        var held = CampaignForecaster.Forecast(new ForecastInput
        {
            Spec = spec, Targets = 1000, At = ShanghaiMorning,
            ContactCaps = [(1, TimeSpan.FromDays(1))],
            CappedTargets = [(ShanghaiMorning.AddHours(6), string.Empty, 400)],
        });

        Assert.Equal(0, free.CapWaitSeconds);
        Assert.Equal(400, held.CappedAtStart);
        Assert.Equal(1000, held.AttemptsByNumber[0], 0);
        Assert.InRange(held.LastCallSeconds, 6 * 3600, (6 * 3600) + 60); // the 400 go when their cap frees
        Assert.InRange(held.CapWaitSeconds, (6 * 3600) - 900, 6 * 3600); // idle from the 600 others' end until then
        Assert.InRange(held.FirstCallSeconds, 0, 5);
    }

    [Fact]
    public void Caps_ARedialOverTheCap_WaitsOutTheCapsWindow_NotJustTheRulesDelay()
    {
        var spec = new CampaignSpec
        {
            CampaignId = "c2", RobotAccount = "robot", TargetsImported = true,
            Redial = new RedialSpec { MaxAttempts = 2, Rules = [new RedialRule { Result = "NotAnswer", DelaySeconds = 600 }] },
        };
        var plain = Forecast(spec, 1000, ShanghaiMorning);
        var capped = CampaignForecaster.Forecast(new ForecastInput { Spec = spec, Targets = 1000, At = ShanghaiMorning, ContactCaps = [(1, TimeSpan.FromDays(1))] });

        Assert.True(plain.LastCallSeconds < 3600, $"{plain.LastCallSeconds} s");
        Assert.InRange(capped.LastCallSeconds, 86_400, 86_400 + 900); // a day after the first calls
        Assert.InRange(capped.CapWaitSeconds, 86_400 - 1800, 86_400);
        Assert.Equal(plain.Attempts, capped.Attempts, 0);
    }

    private static CampaignForecast Forecast(
        CampaignSpec spec, long targets, DateTimeOffset at, Dictionary<string, long>? zones = null, IReadOnlyList<(DateOnly, string)>? holidays = null)
    {
        var f = CampaignForecaster.Forecast(new ForecastInput { Spec = spec, Targets = targets, At = at, TargetsByZone = zones, Holidays = holidays ?? [] });
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"forecast: first call {f.FirstCallSeconds} s, first pass {f.FirstPassSeconds} s, completes {f.DurationSeconds} s, window wait {f.WindowWaitSeconds} s, {f.CallsPerDay} calls/day"));
        return f;
    }
}
