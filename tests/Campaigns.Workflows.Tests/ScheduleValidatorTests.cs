using Campaigns.Workflows.Contract;
using Campaigns.Workflows.Validation;

namespace Campaigns.Workflows.Tests;

/// <summary>startAt, endBy and recurring in the validator, and the names of a schedule's runs (pure logic).</summary>
public sealed class ScheduleValidatorTests
{
    private static readonly DateTimeOffset Now = new(2027, 3, 1, 0, 0, 0, TimeSpan.Zero);

    private static string Campaign(string extra) => $$"""{ "campaignId": "c1", "robotAccount": "robot", "callees": ["alice"]{{extra}} }""";

    [Theory]
    [InlineData("""{ "campaignId": "c1", "robotAccount": "robot", "callees": ["alice"], "startAt": "2027-03-01T09:00:00+08:00", "endBy": "2027-03-01T18:00:00+08:00" }""")]
    [InlineData("""{ "campaignId": "c1", "robotAccount": "robot", "callees": ["alice"], "startAt": "2027-03-01T01:00Z" }""")]
    [InlineData("""{ "campaignId": "c1", "robotAccount": "robot", "callees": ["alice"], "endBy": "2027-03-02T01:00:00.5-05:00" }""")]
    [InlineData("""{ "campaignId": "weekly", "robotAccount": "robot", "callees": ["alice"], "recurring": true }""")]
    public void Validate_InstantsWithAnOffset_AndRecurring_AreValid(string json)
    {
        var result = CampaignValidator.Validate(json, Now);

        Assert.True(result.IsValid, string.Join("; ", result.Problems));
    }

    [Theory]
    [InlineData(""", "startAt": "2027-03-01T09:00:00" """, "$.startAt: \"2027-03-01T09:00:00\" is not an ISO-8601 instant with an offset")]
    [InlineData(""", "startAt": "2027-03-01" """, "$.startAt: \"2027-03-01\" is not an ISO-8601 instant")]
    [InlineData(""", "endBy": "next monday" """, "$.endBy: \"next monday\" is not an ISO-8601 instant")]
    [InlineData(""", "endBy": "2027-02-30T09:00:00Z" """, "$.endBy: \"2027-02-30T09:00:00Z\" is not an ISO-8601 instant")]
    [InlineData(""", "endBy": 1780000000 """, "$.endBy: expected a string, got the number")]
    [InlineData(""", "startAt": "2027-03-02T09:00:00Z", "endBy": "2027-03-02T09:00:00Z" """, "$.endBy: 2027-03-02T09:00:00Z must be after $.startAt 2027-03-02T09:00:00Z")]
    [InlineData(""", "startAt": "2027-03-02T10:00:00+08:00", "endBy": "2027-03-02T01:30:00Z" """, "$.endBy: 2027-03-02T01:30:00Z must be after $.startAt")]
    [InlineData(""", "startAt": "2027-02-28T23:59:00Z" """, "$.startAt: 2027-02-28T23:59:00Z is in the past (now is 2027-03-01T00:00:00Z)")]
    [InlineData(""", "endBy": "2027-03-01T07:59:59+08:00" """, "$.endBy: 2027-03-01T07:59:59+08:00 is in the past")]
    [InlineData(""", "recurring": true, "startAt": "2027-03-02T09:00:00Z" """, "$.startAt: a recurring campaign's runs start when its schedule says")]
    [InlineData(""", "recurring": true, "endBy": "2027-03-02T09:00:00Z" """, "$.endBy: a recurring campaign's runs start when its schedule says")]
    [InlineData(""", "recurring": "yes" """, "$.recurring: expected true or false")]
    [InlineData(""", "redial": { "maxAttempts": 2, "rules": [{ "result": "NotDialed" }] } """, "$.redial.rules[0].result: NotDialed is final and never redialed")]
    public void Validate_BadScheduleFields_AreNamedWithTheRule(string extra, string expected)
    {
        var result = CampaignValidator.Validate(Campaign(extra), Now);

        Assert.False(result.IsValid);
        Assert.Contains(result.Problems, p => p.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_WithoutAClock_APastStartAtIsNoProblem()
    {
        // The workflow validates without "now" (it starts a past startAt at once); the CLI and the client pass it.
        Assert.True(CampaignValidator.Validate(Campaign(""", "startAt": "2020-01-01T00:00:00Z" """)).IsValid);
        Assert.False(CampaignValidator.Validate(Campaign(""", "startAt": "2020-01-01T00:00:00Z" """), Now).IsValid);
    }

    [Fact]
    public void Validate_RecurringId_LeavesRoomForEachRunsSuffix()
    {
        var id48 = new string('s', ScheduledCampaigns.MaxScheduleIdLength);
        Assert.True(CampaignValidator.Validate($$"""{ "campaignId": "{{id48}}", "robotAccount": "robot", "callees": ["a"], "recurring": true }""").IsValid);

        var result = CampaignValidator.Validate($$"""{ "campaignId": "{{id48}}x", "robotAccount": "robot", "callees": ["a"], "recurring": true }""");

        Assert.Contains(result.Problems, p => p.StartsWith("$.campaignId:", StringComparison.Ordinal) && p.Contains("at most 48", StringComparison.Ordinal));
        Assert.Equal(64, ScheduledCampaigns.RunCampaignIdOf(id48, Now).Length);
    }

    [Fact]
    public void RunOfASchedule_IsNamedFromItsScheduledTime_AsTemporalAppendsIt()
    {
        var at = new DateTimeOffset(2027, 3, 1, 9, 30, 15, TimeSpan.FromHours(8)).AddTicks(1234);

        var workflowId = ScheduledCampaigns.RunWorkflowIdOf("weekly", at);

        // The scheduler appends "-" + the nominal time in UTC, whole seconds, RFC 3339.
        Assert.Equal("campaign-weekly-2027-03-01T01:30:15Z", workflowId);
        Assert.True(ScheduledCampaigns.TryParseRun("weekly", workflowId, out var campaignId, out var scheduledAt));
        Assert.Equal("weekly-20270301T013015", campaignId);
        Assert.Equal(new DateTimeOffset(2027, 3, 1, 1, 30, 15, TimeSpan.Zero), scheduledAt);
    }

    [Theory]
    [InlineData("weekly-20270301T013015", "campaign-weekly-2027-03-01T01:30:15Z")]
    [InlineData("a-b-20270301T013015", "campaign-a-b-2027-03-01T01:30:15Z")]
    [InlineData("weekly-20270301T0130", null)]
    [InlineData("weekly-20271301T013015", null)]
    [InlineData("20270301T013015", null)]
    [InlineData("spring-1", null)]
    public void RunOfASchedule_FoundFromItsCampaignId(string campaignId, string? workflowId)
    {
        Assert.Equal(workflowId, ScheduledCampaigns.RunWorkflowIdOfCampaign(campaignId));
    }

    [Theory]
    [InlineData("campaign-weekly")] // started by hand under the action's own id
    [InlineData("weekly-2027-03-01T01:30:15Z")]
    [InlineData("campaign-weekly-2027-03-01T01:30:15.123Z")]
    [InlineData("campaign-weekly-2027-03-01T09:30:15+08:00")]
    [InlineData("campaign-weekly-2027-03-01T01:30:15Z-again")]
    [InlineData("campaign-weekly-x-2027-03-01T01:30:15Z")] // the run of another schedule, "weekly-x"
    [InlineData("campaign-weeklyx-2027-03-01T01:30:15Z")]
    public void RunOfASchedule_AnyOtherWorkflowId_IsNotARun(string workflowId)
    {
        Assert.False(ScheduledCampaigns.TryParseRun("weekly", workflowId, out _, out _));
    }
}
