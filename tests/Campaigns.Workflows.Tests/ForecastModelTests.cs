using System.Globalization;
using System.Text.Json;
using Campaigns.Workflows.Contract;
using Campaigns.Workflows.Forecast;

namespace Campaigns.Workflows.Tests;

/// <summary>
/// The forecaster alone (pure logic, no server): rates, attempts with redials, windows, budget sharing, and the
/// benchmark's measured campaigns (docs/benchmarks.md, Campaign benchmark) forecast within 10 %.
/// </summary>
public sealed class ForecastModelTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 3, 10, 0, 0, TimeSpan.Zero);

    [Theory]
    // targets, measured: time to last start, to 95 % of outcomes, to 100 % (docs/benchmarks.md, 2026-12-03, production mix)
    [InlineData(20_000, 112.5, 186.4, 784.1)]
    [InlineData(100_000, 561.3, 642.1, 1253.9)]
    public void Forecast_TheBenchmarkCampaign_WithinTenPercentOfTheMeasuredRun(int targets, double lastStart, double outcomes95, double complete)
    {
        var f = Forecast(Imported(), targets);

        Console.WriteLine($"{targets} targets, production mix, forecast vs measured:");
        Console.WriteLine(Side("last start", f.LastCallSeconds, lastStart));
        Console.WriteLine(Side("95 % of outcomes", f.Outcomes95Seconds, outcomes95));
        Console.WriteLine(Side("100 % (campaign completes)", f.DurationSeconds, complete));
        Assert.Equal(180, f.StartsPerSecond);
        Assert.InRange(f.LastCallSeconds / lastStart, 0.9, 1.1);
        Assert.InRange(f.Outcomes95Seconds / outcomes95, 0.9, 1.1);
        Assert.InRange(f.DurationSeconds / complete, 0.9, 1.1);
    }

    [Fact]
    public void Forecast_NoRedialRules_OneAttemptPerTarget_ResultsFollowTheMix()
    {
        var f = Forecast(Imported(), 1000, mix: Mix("NormalEnd=60,NotAnswer=40"));

        Assert.Equal(1000, f.Attempts);
        Assert.Equal(0, f.Redials);
        Assert.Equal(600, f.Results["NormalEnd"], 1);
        Assert.Equal(400, f.Results["NotAnswer"], 1);
    }

    [Fact]
    public void Forecast_Redials_AttemptsAreGeometric_RedialedResultsOnlyOnTheLastAttempt()
    {
        var spec = Imported() with { Redial = Redial(3, ("NotAnswer", 60)) };

        var f = Forecast(spec, 1000, mix: Mix("NormalEnd=50,NotAnswer=50"));

        Assert.Equal(1750, f.Attempts, 0); // 1000 + 500 + 250
        Assert.Equal([1000, 500, 250], f.AttemptsByNumber.Select(a => Math.Round(a)));
        Assert.Equal(875, f.Results["NormalEnd"], 0);
        Assert.Equal(125, f.Results["NotAnswer"], 0);
        // Two rounds of redials: each waits for its batch's end and the 60 s delay.
        Assert.True(f.LastCallSeconds > f.FirstPassSeconds + 120, $"last call {f.LastCallSeconds} s, first pass {f.FirstPassSeconds} s");
    }

    [Fact]
    public void Forecast_RedialRuleOnRecordMissing_PlacesNoCall_EndsRedialHeld()
    {
        var spec = Imported() with { Redial = Redial(2, ("RecordMissing", 60)) };

        var f = Forecast(spec, 1000, mix: Mix("NormalEnd=90,RecordMissing=10"));

        Assert.Equal(1000, f.Attempts);
        Assert.Equal(100, f.Results["RedialHeld"], 1);
        Assert.Contains(f.Notes, n => n.Contains("RedialHeld", StringComparison.Ordinal));
    }

    [Fact]
    public void Forecast_CampaignCap_SetsTheRate_FirstPassTakesTargetsOverIt()
    {
        var f = Forecast(Imported() with { Rate = new RateSpec { MaxCallsPerSecond = 10 } }, 1000);

        Assert.Equal(10, f.StartsPerSecond);
        Assert.Equal(36_000, f.CallsPerHour);
        Assert.Equal(864_000, f.CallsPerDay);
        Assert.Contains("rate.maxCallsPerSecond", f.RateLimitedBy, StringComparison.Ordinal);
        Assert.InRange(f.FirstPassSeconds, 100, 102); // 1 s to the first ring, then 1,000 at 10/s
        Assert.Equal(0, f.PollLagSeconds); // 18 polls per start: the watcher's schedule holds
    }

    [Fact]
    public void Forecast_StartedBeforeTheWindowOpens_WaitsForIt()
    {
        var spec = Imported() with { CallingWindow = new CallingWindowSpec { TimeZone = "Etc/GMT", Start = "12:00", End = "20:00" } };

        var f = Forecast(spec, 1000);

        Assert.Equal(7200, f.WindowWaitSeconds, 0);
        Assert.InRange(f.FirstCallSeconds, 7200, 7201);
        Assert.Equal(180 * 8 * 3600, f.CallsPerDay);
    }

    [Fact]
    public void Forecast_WindowClosesMidway_TheRestWaitsForTheNextCallingDay()
    {
        // Thursday 2026-12-03 10:00 UTC, window 09:00–10:01 on weekdays: a minute today, the rest Friday.
        var spec = Imported() with { CallingWindow = new CallingWindowSpec { TimeZone = "Etc/GMT", Start = "09:00", End = "10:01", Days = ["Mon", "Tue", "Wed", "Thu", "Fri"] } };

        var f = Forecast(spec, 20_000);

        Assert.Equal(2, f.Days.Count);
        Assert.Equal((new DateOnly(2026, 12, 3), new DateOnly(2026, 12, 4)), (f.Days[0].Date, f.Days[1].Date));
        Assert.InRange(f.Days[0].Calls, 10_400, 10_800); // 59 s at 180/s
        Assert.Equal(20_000, f.Days.Sum(d => d.Calls), 0);
        Assert.InRange(f.WindowWaitSeconds, 22.9 * 3600, 23 * 3600); // 10:01 to 09:00 the next day
        Assert.True(f.EndsAt > new DateTimeOffset(2026, 12, 4, 9, 0, 0, TimeSpan.Zero), $"ends {f.EndsAt}");
    }

    [Fact]
    public void Forecast_WeekendAndHoliday_SkipsToTheNextCallingDay()
    {
        // Friday 2026-12-04 after the window: Saturday and Sunday are not calling days, Monday is excluded.
        var spec = Imported() with
        {
            CallingWindow = new CallingWindowSpec { TimeZone = "Asia/Shanghai", Start = "09:00", End = "20:00", Days = ["Mon", "Tue", "Wed", "Thu", "Fri"], ExcludedDates = ["2026-12-07"] },
        };

        var f = Forecast(spec, 1000, at: new DateTimeOffset(2026, 12, 4, 21, 0, 0, TimeSpan.FromHours(8)));

        Assert.Equal(new DateOnly(2026, 12, 8), Assert.Single(f.Days).Date);
        Assert.Equal((4 * 86_400) - (12 * 3600), f.WindowWaitSeconds, 0); // Friday 21:00 to Tuesday 09:00
    }

    [Fact]
    public void Forecast_RunningCampaigns_ShareTheBudgetByWeight_ThenLeaveItAll()
    {
        var running = new RunningCampaign { CampaignId = "other", RemainingStarts = 9000, Weight = 3 };

        var f = Forecast(Imported(), 20_000, running: [running]);

        Assert.Equal(45, f.StartsPerSecond); // weight 1 of 4
        var other = Assert.Single(f.SharedWith);
        Assert.Equal(("other", 135.0), (other.CampaignId, other.StartsPerSecond));
        Assert.Contains("sharing", f.RateLimitedBy, StringComparison.Ordinal);
        // The other takes all 180/s during the campaign's first second (registration), then its 8,820 left at 135/s take
        // 65.3 s while the campaign places 2,940; the campaign's other 17,060 go at 180/s.
        var shared = 8_820 / 135.0;
        Assert.InRange(f.FirstPassSeconds, 1 + shared + ((20_000 - (45 * shared)) / 180) - 0.5, 1 + shared + ((20_000 - (45 * shared)) / 180) + 0.5);
    }

    [Fact]
    public void Forecast_CappedRunningCampaign_TakesOnlyItsCap()
    {
        var running = new RunningCampaign { CampaignId = "slow", RemainingStarts = 1_000_000, MaxCallsPerSecond = 30 };

        var f = Forecast(Imported(), 1000, running: [running]);

        Assert.Equal(150, f.StartsPerSecond);
    }

    [Fact]
    public void Forecast_FewLiveCallSlots_LimitTheRate()
    {
        var f = Forecast(Imported() with { Rate = new RateSpec { MaxCallsInFlight = 100 } }, 1000);

        Assert.Contains("rate.maxCallsInFlight", f.RateLimitedBy, StringComparison.Ordinal);
        Assert.InRange(f.StartsPerSecond, 2, 5); // 100 live calls ÷ 20–50 s a call holds its slot
    }

    [Theory]
    [InlineData(1, 180, 180)]
    [InlineData(3, 60, 180)]
    [InlineData(7, 25, 175)]
    public void Forecast_Workers_EachTakesTheFloorOfItsShare(int workers, double each, double fleet)
    {
        var f = Forecast(Imported(), 1000, settings: new ForecastSettings { Workers = workers });

        Assert.Equal((each, fleet, fleet), (f.WorkerStartsPerSecond, f.FleetStartsPerSecond, f.StartsPerSecond));
    }

    [Fact]
    public void Forecast_TimeScale_ShortensCallsNotRatesDelaysOrWindows()
    {
        var spec = Imported() with { Rate = new RateSpec { MaxCallsPerSecond = 10 }, Redial = Redial(2, ("NotAnswer", 20)) };

        var real = Forecast(spec, 300);
        var fast = Forecast(spec, 300, settings: new ForecastSettings { TimeScale = 60 });

        Assert.Equal(real.FirstPassSeconds, fast.FirstPassSeconds, 1);
        Assert.True(fast.DurationSeconds < real.DurationSeconds / 3, $"×60 {fast.DurationSeconds} s, ×1 {real.DurationSeconds} s");
        Assert.True(fast.LastCallSeconds > fast.FirstPassSeconds + 20, "the redial delay is real time");
    }

    [Fact]
    public void Forecast_SkippedTargets_AreNeverDialed()
    {
        var f = CampaignForecaster.Forecast(new ForecastInput { Spec = Imported(), Targets = 1000, Skipped = 100, At = At });

        Assert.Equal(900, f.Attempts, 0);
        Assert.Equal(100, f.Results["Skipped"]);
    }

    [Fact]
    public void Forecast_SameInput_SameForecast()
    {
        var spec = Imported() with { Redial = Redial(3, ("NotAnswer", 600), ("CallBusy", 300)), CallingWindow = new CallingWindowSpec { TimeZone = "Europe/Berlin" } };
        var running = new RunningCampaign { CampaignId = "o", RemainingStarts = 50_000, Weight = 2, CallingWindow = new CallingWindowSpec { TimeZone = "Asia/Tokyo" } };

        var first = JsonSerializer.Serialize(Forecast(spec, 30_000, running: [running]), CampaignJson.Options);
        var second = JsonSerializer.Serialize(Forecast(spec, 30_000, running: [running]), CampaignJson.Options);

        Assert.Equal(first, second);
    }

    [Theory]
    [InlineData("Foo=1", "--mix: \"Foo\" is not a result")]
    [InlineData("NotAnswer=abc", "--mix: NotAnswer: \"abc\" is not a share")]
    [InlineData("NotAnswer=-1", "--mix: NotAnswer: \"-1\" is not a share")]
    [InlineData("NormalEnd=1,normalend=2", "--mix: NormalEnd given twice")]
    [InlineData("NormalEnd=0", "--mix: every share is 0")]
    [InlineData("NormalEnd", "--mix: \"NormalEnd\" is not RESULT=SHARE")]
    [InlineData("", "--mix: empty")]
    public void ResultMix_BadText_NamesTheOptionAndTheProblem(string text, string problem)
    {
        var problems = new List<string>();

        Assert.Null(ResultMix.Parse(text, problems));
        Assert.Contains(problems, p => p.StartsWith(problem, StringComparison.Ordinal));
    }

    [Fact]
    public void ResultMix_PercentagesOrFractions_Normalised()
    {
        var mix = Mix("normalend=58.7, NotAnswer=19.6,CallBusy=21.7");

        Assert.Equal(0.587, mix["NormalEnd"], 6);
        var fractions = Mix("NormalEnd=0.587,NotAnswer=0.196,CallBusy=0.217");
        Assert.All(mix.Shares, s => Assert.Equal(s.Value, fractions[s.Key], 12));
    }

    [Fact]
    public void SharedBudget_Allocate_CappedFirst_TheRestByWeight()
    {
        var given = SharedBudget.Allocate(180, [(1, double.PositiveInfinity, true), (2, 30, true), (1, double.PositiveInfinity, true), (5, 10, false)]);

        Assert.Equal([75, 30, 75, 0], given);
    }

    private static CampaignForecast Forecast(
        CampaignSpec spec, long targets, ResultMix? mix = null, IReadOnlyList<RunningCampaign>? running = null, ForecastSettings? settings = null, DateTimeOffset? at = null)
    {
        var f = CampaignForecaster.Forecast(new ForecastInput
        {
            Spec = spec, Targets = targets, Mix = mix ?? ResultMix.Default, Running = running ?? [], Settings = settings ?? new ForecastSettings(), At = at ?? At,
        });
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"forecast: {f.StartsPerSecond}/s, {f.Attempts} attempts, first pass {f.FirstPassSeconds} s, last call {f.LastCallSeconds} s, 95 % {f.Outcomes95Seconds} s, completes {f.DurationSeconds} s, window wait {f.WindowWaitSeconds} s"));
        return f;
    }

    private static CampaignSpec Imported() => new() { CampaignId = "f1", RobotAccount = "robot", TargetsImported = true };

    private static RedialSpec Redial(int maxAttempts, params (string Result, int Delay)[] rules) =>
        new() { MaxAttempts = maxAttempts, Rules = [.. rules.Select(r => new RedialRule { Result = r.Result, DelaySeconds = r.Delay })] };

    private static ResultMix Mix(string text) => ResultMix.Parse(text, []) ?? throw new ArgumentException(text);

    private static string Side(string what, double forecast, double measured) =>
        string.Create(CultureInfo.InvariantCulture, $"  {what,-28} forecast {forecast,8:0.0} s   measured {measured,8:0.0} s   ratio {forecast / measured:0.000}");
}
