using Campaigns.Storage.Csv;
using Campaigns.Storage.Model;

namespace Campaigns.Storage.Tests;

/// <content>Callee time zones and the app's holidays (docs/callee-time-zones.md), on both stores.</content>
public abstract partial class StoreContract
{
    [Fact]
    public async Task ZonedTargets_KeepTheirZone_TheCampaignSaysWhichZonesItsTargetsHave_AndABadZoneAddsNothing()
    {
        var none = await Store.GetTargetZonesAsync(Campaign);
        Assert.Equal((0, false), (none.Zones.Count, none.AnyWithoutZone));

        await Store.AddZonedTargetsAsync(Campaign, [new(["tokyo"], "Asia/Tokyo"), new(["nowhere"]), new(["berlin", "paris"], "Europe/Berlin"), new(["tokyo2"], "Asia/Tokyo")]);

        var targets = await SecondStore().GetTargetsAsync(Campaign, 0, 10);
        Assert.Equal(["Asia/Tokyo", null, "Europe/Berlin", "Asia/Tokyo"], targets.Select(t => t.TimeZone));
        var zones = await Store.GetTargetZonesAsync(Campaign);
        Assert.Equal(["Asia/Tokyo", "Europe/Berlin"], zones.Zones);
        Assert.True(zones.AnyWithoutZone);
        Assert.Equal([(string.Empty, 1L), ("Asia/Tokyo", 2L), ("Europe/Berlin", 1L)], zones.Counts.Select(c => (c.Key, c.Value)).Order());

        var e = await Assert.ThrowsAsync<ArgumentException>(() => Store.AddZonedTargetsAsync(Campaign, [new(["x1"], "Asia/Tokyo"), new(["x2"], "Mars/Olympus")]));
        Assert.Contains("targets[1]: \"Mars/Olympus\" is not an IANA time zone", e.Message, StringComparison.Ordinal);
        Assert.Equal(4, (await Store.GetTargetsAsync(Campaign, 0, 10)).Count);
    }

    [Fact]
    public async Task Import_ReadsTheTimeZoneColumn_AndRejectsABadZoneByItsLine()
    {
        const string csv = "callee,time_zone\nalice,America/New_York\nbob,\ncarol,Europe/Atlantis\ndave,Asia/Kolkata\n";

        var report = await CalleeImporter.ImportAsync(Store, Campaign, new StringReader(csv));

        Assert.Equal(3, report.Imported);
        var rejected = Assert.Single(report.Rejected);
        Assert.Equal((4, "time_zone: \"Europe/Atlantis\" is not an IANA time zone (e.g. \"Asia/Shanghai\", \"Europe/Berlin\")"), (rejected.Line, rejected.Reason));
        var targets = await Store.GetTargetsAsync(Campaign, 0, 10);
        Assert.Equal(["alice America/New_York", "bob ", "dave Asia/Kolkata"], targets.Select(t => $"{t.Callees[0]} {t.TimeZone}"));
    }

    [Fact]
    public async Task Holidays_AddListRemove_TwiceIsNoChange_AndABadZoneIsRefused()
    {
        Assert.Empty(await Store.GetHolidaysAsync());
        var newYear = new Holiday(new DateOnly(2027, 1, 1), "Asia/Shanghai");

        Assert.True(await Store.AddHolidayAsync(newYear));
        Assert.False(await SecondStore().AddHolidayAsync(newYear));
        Assert.True(await Store.AddHolidayAsync(new Holiday(new DateOnly(2026, 12, 25), "Europe/Berlin")));
        Assert.True(await Store.AddHolidayAsync(new Holiday(new DateOnly(2027, 1, 1), "Europe/Berlin")));

        var listed = await SecondStore().GetHolidaysAsync();
        Assert.Equal(["2026-12-25 Europe/Berlin", "2027-01-01 Asia/Shanghai", "2027-01-01 Europe/Berlin"], listed.Select(h => $"{h.Date:yyyy-MM-dd} {h.TimeZone}"));
        Assert.All(listed, h => Assert.NotNull(h.AddedAt));

        var e = await Assert.ThrowsAsync<ArgumentException>(() => Store.AddHolidayAsync(new Holiday(new DateOnly(2027, 5, 1), "Shanghai")));
        Assert.Contains("\"Shanghai\" is not an IANA time zone", e.Message, StringComparison.Ordinal);

        Assert.True(await Store.RemoveHolidayAsync(newYear));
        Assert.False(await Store.RemoveHolidayAsync(newYear));
        Assert.Equal(2, (await Store.GetHolidaysAsync()).Count);
    }
}
