using Campaigns.Workflows.Contract;
using Campaigns.Workflows.Validation;
using NodaTime;

namespace Campaigns.Workflows.Tests;

/// <summary>Callee time zones, pure logic (docs/callee-time-zones.md): inline callee objects, the window in a callee's zone, the workflow's union gate.</summary>
public sealed class CalleeTimeZoneTests
{
    private static readonly CallingWindowSpec NineToEight = new() { TimeZone = "Asia/Shanghai", Start = "09:00", End = "20:00" };

    [Fact]
    public void Validate_CalleeObjects_GiveIdsAndZones_PlainStringsStayAsTheyAre()
    {
        var result = CampaignValidator.Validate("""
            { "campaignId": "c1", "robotAccount": "robot",
              "callees": ["alice", { "userId": "bob", "timeZone": "America/New_York" }, { "userId": "carol" }] }
            """);

        Assert.Empty(result.Problems);
        Assert.Equal(["alice", "bob", "carol"], result.Spec!.Callees);
        Assert.Equal(new Dictionary<string, string> { ["bob"] = "America/New_York" }, result.Spec.CalleeTimeZones);
    }

    [Theory]
    [InlineData("""{ "userId": "bob", "timeZone": "Mars/Olympus" }""", "$.callees[1].timeZone: \"Mars/Olympus\" is not an IANA time zone (e.g. \"Asia/Shanghai\", \"Europe/Berlin\")")]
    [InlineData("""{ "userId": "bob", "zone": "Asia/Tokyo" }""", "$.callees[1].zone: unknown field (known fields here: userId, timeZone)")]
    [InlineData("""{ "timeZone": "Asia/Tokyo" }""", "$.callees[1].userId: required")]
    [InlineData("""{ "userId": "bob", "timeZone": 8 }""", "$.callees[1].timeZone: expected a string, got number")]
    public void Validate_BadCalleeObject_NamesItsPath(string callee, string expected)
    {
        var result = CampaignValidator.Validate($$"""{ "campaignId": "c1", "robotAccount": "robot", "callees": ["alice", {{callee}}] }""");

        Assert.False(result.IsValid);
        Assert.Contains(result.Problems, p => p.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_ZonesMapOfAStoredDefinition_IsCheckedAgainstTheCallees()
    {
        var result = CampaignValidator.Validate("""{ "campaignId": "c1", "robotAccount": "robot", "callees": ["alice"], "calleeTimeZones": { "zed": "Asia/Tokyo" } }""");

        Assert.Contains("$.calleeTimeZones.zed: \"zed\" is not one of the campaign's callees (a zone is given to a callee in callees)", result.Problems);
    }

    [Fact]
    public void WindowInACalleesZone_AppliesItsHoursThere_AndAHolidayClosesTheWholeLocalDate()
    {
        var window = CallingWindow.Parse(NineToEight, [])!;
        var newYork = window.In("America/New_York", [new LocalDate(2027, 1, 1)]);

        // 2026-12-31 14:00 UTC: 22:00 in Shanghai (closed there), 09:00 in New York (open).
        var at = new DateTimeOffset(2026, 12, 31, 14, 0, 0, TimeSpan.Zero);
        Assert.False(window.IsOpen(at));
        Assert.True(newYork.IsOpen(at));
        Assert.Equal(new DateTimeOffset(2027, 1, 1, 1, 0, 0, TimeSpan.Zero), newYork.ClosesAfter(at)); // 20:00 EST
        // New Year's Day is a holiday in New York: the next opening is 2 January 09:00 EST (14:00 UTC).
        Assert.Equal(new DateTimeOffset(2027, 1, 2, 14, 0, 0, TimeSpan.Zero), newYork.OpensAfter(new DateTimeOffset(2027, 1, 1, 1, 0, 0, TimeSpan.Zero)));

        // No window at all, a holiday in Tokyo: closed from Tokyo's midnight to midnight only.
        var allDay = CallingWindow.AllDay("Asia/Tokyo", [new LocalDate(2027, 1, 1)]);
        Assert.True(allDay.IsOpen(new DateTimeOffset(2026, 12, 31, 14, 59, 0, TimeSpan.Zero))); // 23:59 in Tokyo
        Assert.False(allDay.IsOpen(new DateTimeOffset(2026, 12, 31, 15, 0, 0, TimeSpan.Zero)));
        Assert.Equal(new DateTimeOffset(2027, 1, 1, 15, 0, 0, TimeSpan.Zero), allDay.OpensAfter(new DateTimeOffset(2026, 12, 31, 15, 0, 0, TimeSpan.Zero)));
        Assert.Equal(new DateTimeOffset(2026, 12, 31, 15, 0, 0, TimeSpan.Zero), allDay.ClosesAfter(new DateTimeOffset(2026, 12, 31, 3, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void UnionOfZones_OpenWhileAnyIsOpen_OpensAtTheEarliest_ClosesAtTheLastOpenOne()
    {
        var gate = CalleeWindows.Of(NineToEight, ["Asia/Shanghai", "Europe/Berlin", "America/New_York"]);

        // 13:00 UTC in winter: Shanghai 21:00 (closed), Berlin 14:00 (open to 19:00 UTC), New York 08:00 (opens 14:00 UTC).
        var at = new DateTimeOffset(2026, 12, 7, 13, 0, 0, TimeSpan.Zero);
        Assert.True(gate.IsOpen(at));
        Assert.Equal(new DateTimeOffset(2026, 12, 7, 19, 0, 0, TimeSpan.Zero), gate.ClosesAfter(at));
        // 03:00 UTC: New York closed at 01:00, Berlin not open before 08:00 UTC, Shanghai open (11:00): still open, to 12:00 UTC.
        Assert.True(gate.IsOpen(new DateTimeOffset(2026, 12, 7, 3, 0, 0, TimeSpan.Zero)));
        Assert.Equal(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero), gate.ClosesAfter(new DateTimeOffset(2026, 12, 7, 3, 0, 0, TimeSpan.Zero)));

        // The window's own zone alone is the window itself.
        Assert.IsType<CallingWindow>(CalleeWindows.Of(NineToEight, ["Asia/Shanghai"]));
        // Two zones whose hours do not meet: closed between them, opening at the earlier next opening.
        var apart = CalleeWindows.Of(NineToEight, ["Asia/Shanghai", "Europe/London"]);
        var between = new DateTimeOffset(2026, 12, 7, 20, 30, 0, TimeSpan.Zero); // London 20:30 (closed), Shanghai 04:30
        Assert.False(apart.IsOpen(between));
        Assert.Equal(new DateTimeOffset(2026, 12, 8, 1, 0, 0, TimeSpan.Zero), apart.OpensAfter(between));
    }
}
