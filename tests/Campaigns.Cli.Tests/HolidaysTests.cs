using System.Text.Json;
using Campaigns.Storage.Model;

namespace Campaigns.Cli.Tests;

/// <summary><c>holidays add|list|remove</c>, and <c>import</c> reading the <c>time_zone</c> column (docs/callee-time-zones.md).</summary>
[Trait("Needs", "Temporal")]
[Collection(TemporalTests.Name)]
public sealed class HolidaysTests(TemporalServer temporal)
{
    [Fact]
    public async Task Holidays_AddListRemove()
    {
        await using var h = await CliHarness.StartAsync(temporal, withStore: true);
        Assert.Contains("no holidays (PostgreSQL", (await h.RunAsync("holidays", "list")).Exits(0).Out, StringComparison.Ordinal);

        var added = (await h.RunAsync("holidays", "add", "2027-01-01", "--zone", "Asia/Shanghai")).Exits(0);
        Assert.Contains("holiday 2027-01-01 in Asia/Shanghai added", added.Out, StringComparison.Ordinal);
        Assert.Contains("already there", (await h.RunAsync("holidays", "add", "2027-01-01", "--zone", "Asia/Shanghai")).Exits(0).Out, StringComparison.Ordinal);
        (await h.RunAsync("holidays", "add", "2026-12-25", "--zone", "Europe/Berlin")).Exits(0);

        Assert.Equal(["2026-12-25 in Europe/Berlin", "2027-01-01 in Asia/Shanghai"], (await h.RunAsync("holidays", "list")).Exits(0).Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        using (var json = JsonDocument.Parse((await h.RunAsync("holidays", "list", "--json")).Exits(0).Out))
        {
            var first = json.RootElement[0];
            Assert.Equal(("2026-12-25", "Europe/Berlin"), (first.GetProperty("date").GetString(), first.GetProperty("timeZone").GetString()));
        }

        Assert.Contains("holiday 2026-12-25 in Europe/Berlin removed", (await h.RunAsync("holidays", "remove", "2026-12-25", "--zone", "Europe/Berlin")).Exits(0).Out, StringComparison.Ordinal);
        var missing = (await h.RunAsync("holidays", "remove", "2026-12-25", "--zone", "Europe/Berlin")).Exits(1).NoStackTrace();
        Assert.Contains("no holiday 2026-12-25 in Europe/Berlin", missing.Error, StringComparison.Ordinal);
        Assert.Equal([new Holiday(new DateOnly(2027, 1, 1), "Asia/Shanghai")], (await h.Store.GetHolidaysAsync()).Select(x => x with { AddedAt = null }));
    }

    [Theory]
    [InlineData("2027-13-01", "Asia/Shanghai", "DATE: \"2027-13-01\" is not a date (yyyy-MM-dd, e.g. 2027-01-01)")]
    [InlineData("01/01/2027", "Asia/Shanghai", "DATE: \"01/01/2027\" is not a date")]
    [InlineData("2027-01-01", "Shanghai", "--zone: \"Shanghai\" is not an IANA time zone (e.g. \"Asia/Shanghai\", \"Europe/Berlin\")")]
    public async Task HolidaysAdd_BadDateOrZone_Exit2_NothingAdded(string date, string zone, string problem)
    {
        await using var h = await CliHarness.StartAsync(temporal, withStore: true);

        var run = (await h.RunAsync("holidays", "add", date, "--zone", zone)).Exits(2).NoStackTrace();

        Assert.Contains("the holiday was not added", run.Error, StringComparison.Ordinal);
        Assert.Contains(problem, run.Error, StringComparison.Ordinal);
        Assert.Empty(await h.Store.GetHolidaysAsync());
    }

    [Fact]
    public async Task HolidaysAdd_WithoutZone_IsAUsageError()
    {
        await using var h = await CliHarness.StartAsync(temporal, withStore: true);
        var run = (await h.RunAsync("holidays", "add", "2027-01-01")).NoStackTrace();
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("--zone", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_TimeZoneColumn_StoresEachZone_ABadZoneIsRejectedWithItsLine()
    {
        await using var h = await CliHarness.StartAsync(temporal);
        var id = CliHarness.NewId();
        var csv = h.File("callees.csv", "callee,time_zone\nalice,Asia/Tokyo\nbob,\ncarol,Asia/Tokio\n");

        var run = (await h.RunAsync("import", id, "--csv", csv)).NoStackTrace();

        Assert.Contains("2 imported, 0 already present, 1 rejected", run.Out, StringComparison.Ordinal);
        Assert.Contains("line 4: time_zone: \"Asia/Tokio\" is not an IANA time zone", run.Out + run.Error, StringComparison.Ordinal);
        Assert.Equal(["alice Asia/Tokyo", "bob "], (await h.Store.GetTargetsAsync(id, 0, 10)).Select(t => $"{t.Callees[0]} {t.TimeZone}"));
    }
}
