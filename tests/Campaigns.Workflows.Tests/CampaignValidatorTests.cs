using Campaigns.Workflows.Validation;

namespace Campaigns.Workflows.Tests;

/// <summary>The validator alone (pure logic): every problem named by its JSON path, nothing else.</summary>
public sealed class CampaignValidatorTests
{
    private const string Valid = """{ "campaignId": "c1", "robotAccount": "robot", "callees": ["alice", "bob"] }""";

    [Fact]
    public void Validate_MinimalCampaign_IsValidWithDefaults()
    {
        var result = CampaignValidator.Validate(Valid);

        Assert.True(result.IsValid, string.Join("; ", result.Problems));
        Assert.Equal(30_000, result.Spec!.RingTimeoutMs);
        Assert.Equal("cmp-{attemptKey}", result.Spec.RoomIdTemplate);
        Assert.Equal(TencentCall.Models.MediaType.Audio, result.Spec.MediaType);
        Assert.Null(result.Spec.Rate.MaxCallsInFlight);
    }

    [Fact]
    public void Validate_MisCasedFieldsAndEnums_AreRead()
    {
        var result = CampaignValidator.Validate("""{ "CampaignID": "c1", "ROBOTACCOUNT": "robot", "Callees": ["a"], "mediatype": "video" }""");

        Assert.True(result.IsValid, string.Join("; ", result.Problems));
        Assert.Equal("c1", result.Spec!.CampaignId);
        Assert.Equal(TencentCall.Models.MediaType.Video, result.Spec.MediaType);
    }

    [Theory]
    [InlineData("""{ "robotAccount": "robot", "callees": ["a"] }""", "$.campaignId: required")]
    [InlineData("""{ "campaignId": "c 1", "robotAccount": "robot", "callees": ["a"] }""", "$.campaignId:")]
    [InlineData("""{ "campaignId": "c1", "callees": ["a"] }""", "$.robotAccount: required")]
    [InlineData("""{ "campaignId": "c1", "robotAccount": "rob ot", "callees": ["a"] }""", "$.robotAccount:")]
    [InlineData("""{ "campaignId": "c1", "robotAccount": "robot" }""", "$.callees: no targets")]
    [InlineData("""{ "campaignId": "c1", "robotAccount": "robot", "callees": [] }""", "$.callees: no targets")]
    [InlineData("""{ "campaignId": "c1", "robotAccount": "robot", "callees": ["a", "a"] }""", "$.callees[1]: \"a\" is already a target at $.callees[0]")]
    [InlineData("""{ "campaignId": "c1", "robotAccount": "robot", "callees": ["robot"] }""", "$.callees[0]: \"robot\" is the robot account")]
    [InlineData("""{ "campaignId": "c1", "robotAccount": "robot", "callees": ["abcdefghijklmnopqrstuvwxyz0123456"] }""", "$.callees[0]:")]
    [InlineData("""{ "campaignId": "c1", "robotAccount": "robot", "callees": ["é"] }""", "$.callees[0]:")]
    [InlineData("""{ "campaignId": "c1", "robotAccount": "robot", "callees": [null] }""", "$.callees[0]: must not be null")]
    [InlineData("""{ "campaignId": "c1", "robotAccount": "robot", "callees": [42] }""", "$.callees[0]: expected a string, got the number 42")]
    [InlineData("""{ "campaignId": "c1", "robotAccount": "robot", "callees": "alice" }""", "$.callees: expected an array")]
    [InlineData("""{ "campaignId": "c1", "robotAccount": "robot", "groups": [["a"]] }""", "$.groups[0]: a group call needs 2-8 callees")]
    [InlineData("""{ "campaignId": "c1", "robotAccount": "robot", "groups": [["a","b","c","d","e","f","g","h","i"]] }""", "$.groups[0]: 9 callees, at most 8")]
    [InlineData("""{ "campaignId": "c1", "robotAccount": "robot", "callees": ["a"], "groups": [["a","b"]] }""", "$.groups[0][0]: \"a\" is already a target at $.callees[0]")]
    [InlineData("""{ "campaignId": "c1", "robotAccount": "robot", "callees": ["a"], "targetsImported": true }""", "$.targetsImported:")]
    [InlineData("""{ "campaignId": "c1", "robotAccount": "robot", "callees": ["a"], "ringTimeoutMs": 9999 }""", "$.ringTimeoutMs: 9999 is outside 10000-600000")]
    [InlineData("""{ "campaignId": "c1", "robotAccount": "robot", "callees": ["a"], "ringTimeoutMs": 600001 }""", "$.ringTimeoutMs:")]
    [InlineData("""{ "campaignId": "c1", "robotAccount": "robot", "callees": ["a"], "ringTimeoutMs": "30000" }""", "$.ringTimeoutMs: expected a whole number, got the string")]
    [InlineData("""{ "campaignId": "c1", "robotAccount": "robot", "callees": ["a"], "ringTimeoutMs": 30000.5 }""", "$.ringTimeoutMs: expected a whole number")]
    [InlineData("""{ "campaignId": "c1", "robotAccount": "robot", "callees": ["a"], "mediaType": "Hologram" }""", "$.mediaType: expected one of \"Audio\", \"Video\"")]
    [InlineData("""{ "campaignId": "c1", "robotAccount": "robot", "callees": ["a"], "mediaType": 1 }""", "$.mediaType: expected one of")]
    [InlineData("""{ "campaignId": "c1", "robotAccount": "robot", "callees": ["a"], "roomIdTemplate": "room-1" }""", "$.roomIdTemplate: must contain {attemptKey}")]
    [InlineData("""{ "campaignId": "c1", "robotAccount": "robot", "callees": ["a"], "roomIdTemplate": "r {attemptKey}" }""", "$.roomIdTemplate:")]
    [InlineData("""{ "campaignId": "c1", "robotAccount": "robot", "callees": ["a"], "offlinePush": { "pushFlag": 2 } }""", "$.offlinePush.pushFlag: 2")]
    [InlineData("""{ "campaignId": "c1", "robotAccount": "robot", "callees": ["a"], "offlinePush": { "titel": "x" } }""", "$.offlinePush.titel: unknown field")]
    [InlineData("""{ "campaignId": "c1", "robotAccount": "robot", "callees": ["a"], "rate": { "maxCallsPerSecond": 201 } }""", "$.rate.maxCallsPerSecond: 201")]
    [InlineData("""{ "campaignId": "c1", "robotAccount": "robot", "callees": ["a"], "rate": { "maxCallsInFlight": 0 } }""", "$.rate.maxCallsInFlight: 0")]
    [InlineData("""{ "campaignId": "c1", "robotAccount": "robot", "callees": ["a"], "rate": { "weight": 0 } }""", "$.rate.weight: 0 must be 1-100")]
    [InlineData("""{ "campaignId": "c1", "robotAccount": "robot", "callees": ["a"], "rate": { "weight": 101 } }""", "$.rate.weight: 101 must be 1-100")]
    [InlineData("""{ "campaignId": "c1", "robotAccount": "robot", "callees": ["a"], "rate": { "weight": "3" } }""", "$.rate.weight")]
    [InlineData("""{ "campaignId": "c1", "robotAccount": "robot", "callees": ["a"], "rate": 5 }""", "$.rate: expected an object")]
    [InlineData("""{ "campaignId": "c1", "robotAccount": "robot", "callees": ["a"], "colour": "blue" }""", "$.colour: unknown field")]
    [InlineData("""{ "campaignId": "c1", "campaignid": "c2", "robotAccount": "robot", "callees": ["a"] }""", "$.campaignid: given more than once")]
    [InlineData("""{ "campaignId": "c1", "robotAccount": "robot", "callees": ["a"], "targetsImported": "yes" }""", "$.targetsImported: expected true or false")]
    [InlineData("""{ "campaignId": "c1", "robotAccount": "robot", "callees": ["a"], "redial": { "maxAttempts": 11 } }""", "$.redial.maxAttempts: 11 must be 1-10")]
    [InlineData("""{ "campaignId": "c1", "robotAccount": "robot", "callees": ["a"], "redial": { "maxAttempts": 3, "rules": [{ "result": "Reject" }] } }""", "$.redial.rules[0].result: Reject is final")]
    [InlineData("""{ "campaignId": "c1", "robotAccount": "robot", "callees": ["a"], "redial": { "maxAttempts": 3, "rules": [{ "result": "Nope" }] } }""", "$.redial.rules[0].result: \"Nope\" is not one of")]
    [InlineData("""{ "campaignId": "c1", "robotAccount": "robot", "callees": ["a"], "redial": { "maxAttempts": 3, "rules": [{ "result": "NotAnswer" }, { "result": "NotAnswer" }] } }""", "$.redial.rules[1].result: NotAnswer has a rule already")]
    [InlineData("""{ "campaignId": "c1", "robotAccount": "robot", "callees": ["a"], "redial": { "maxAttempts": 3, "rules": [{ "result": "CallBusy", "delaySeconds": 0 }] } }""", "$.redial.rules[0].delaySeconds: 0 must be 1-604800")]
    [InlineData("""{ "campaignId": "c1", "robotAccount": "robot", "callees": ["a"], "redial": { "maxAttempts": 3, "rules": [{ "result": "Unresolved", "delaySeconds": 60 }] } }""", "$.redial.rules[0].delaySeconds: redialing Unresolved")]
    [InlineData("""{ "campaignId": "c1", "robotAccount": "robot", "callees": ["a"], "redial": { "rules": [{ "result": "CallBusy" }] } }""", "$.redial.maxAttempts: 1 means no redial")]
    [InlineData("""{ "campaignId": "c1", "robotAccount": "robot", "callees": ["a"], "redial": { "maxAttempts": 2, "rules": [{ "result": "CallBusy", "delay": 5 }] } }""", "$.redial.rules[0].delay: unknown field")]
    [InlineData("""{ "campaignId": "c1", "robotAccount": "robot", "callees": ["a"], "callingWindow": { "timeZone": "Mars/Olympus" } }""", "$.callingWindow.timeZone: \"Mars/Olympus\" is not an IANA time zone")]
    [InlineData("""{ "campaignId": "c1", "robotAccount": "robot", "callees": ["a"], "callingWindow": { } }""", "$.callingWindow.timeZone:")]
    [InlineData("""{ "campaignId": "c1", "robotAccount": "robot", "callees": ["a"], "callingWindow": { "timeZone": "UTC", "days": ["Mon", "Funday"] } }""", "$.callingWindow.days[1]: \"Funday\"")]
    [InlineData("""{ "campaignId": "c1", "robotAccount": "robot", "callees": ["a"], "callingWindow": { "timeZone": "UTC", "days": [] } }""", "$.callingWindow.days: at least one day")]
    [InlineData("""{ "campaignId": "c1", "robotAccount": "robot", "callees": ["a"], "callingWindow": { "timeZone": "UTC", "start": "9am" } }""", "$.callingWindow.start: \"9am\" is not a time of day")]
    [InlineData("""{ "campaignId": "c1", "robotAccount": "robot", "callees": ["a"], "callingWindow": { "timeZone": "UTC", "start": "20:00", "end": "09:00" } }""", "$.callingWindow.end: 09:00 must be after start")]
    [InlineData("""{ "campaignId": "c1", "robotAccount": "robot", "callees": ["a"], "callingWindow": { "timeZone": "UTC", "excludedDates": ["2026-02-30"] } }""", "$.callingWindow.excludedDates[0]:")]
    [InlineData("""[1, 2]""", "$: a campaign is a JSON object")]
    [InlineData("""{ "campaignId": "c1", """, "$: not valid JSON")]
    public void Validate_BadCampaign_NamesTheFieldAndTheRule(string json, string expected)
    {
        var result = CampaignValidator.Validate(json);

        Assert.False(result.IsValid);
        Assert.Contains(result.Problems, p => p.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_UserDataOver1000Bytes_IsRefusedCountingUtf8()
    {
        var userData = new string('é', 501); // 1002 bytes in UTF-8, 501 characters
        var json = $$"""{ "campaignId": "c1", "robotAccount": "robot", "callees": ["a"], "userData": "{{userData}}" }""";

        var result = CampaignValidator.Validate(json);

        Assert.Equal(["$.userData: 1002 bytes, at most 1000 (UTF-8)"], result.Problems);
    }

    [Fact]
    public void Validate_SeveralProblems_ListsEveryOne()
    {
        var result = CampaignValidator.Validate("""{ "campaignId": "", "robotAccount": "r!", "callees": ["ok", "x y"], "ringTimeoutMs": 1, "extra": 1 }""");

        Assert.Equal(5, result.Problems.Count);
    }

    [Fact]
    public void Validate_TooManyInlineTargets_AsksForAnImport()
    {
        var callees = string.Join(",", Enumerable.Range(0, CampaignValidator.MaxInlineTargets + 1).Select(i => $"\"u{i}\""));

        var result = CampaignValidator.Validate($$"""{ "campaignId": "c1", "robotAccount": "robot", "callees": [{{callees}}] }""");

        Assert.Contains(result.Problems, p => p.Contains("import larger campaigns", StringComparison.Ordinal));
    }

    [Fact]
    public void CallingWindow_HolidayAndHours_OpenAndNextOpeningInTheZone()
    {
        var problems = new List<string>();
        var window = CallingWindow.Parse(
            new Contract.CallingWindowSpec
            {
                TimeZone = "Asia/Shanghai",
                Days = ["Mon", "Tue", "Wed", "Thu", "Fri"],
                Start = "09:00",
                End = "20:00",
                ExcludedDates = ["2026-11-26"],
            },
            problems)!;

        Assert.Empty(problems);
        // Wednesday 2026-11-25 10:00 in Shanghai is 02:00 UTC: open.
        Assert.True(window.IsOpen(new DateTimeOffset(2026, 11, 25, 2, 0, 0, TimeSpan.Zero)));
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero), window.ClosesAfter(new DateTimeOffset(2026, 11, 25, 2, 0, 0, TimeSpan.Zero)));
        // 21:00 Wednesday in Shanghai: closed; Thursday is a holiday, so it opens Friday 09:00 (01:00 UTC).
        var evening = new DateTimeOffset(2026, 11, 25, 13, 0, 0, TimeSpan.Zero);
        Assert.False(window.IsOpen(evening));
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 1, 0, 0, TimeSpan.Zero), window.OpensAfter(evening));
        // Saturday: opens Monday.
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 1, 0, 0, TimeSpan.Zero), window.OpensAfter(new DateTimeOffset(2026, 11, 28, 5, 0, 0, TimeSpan.Zero)));
    }
}
