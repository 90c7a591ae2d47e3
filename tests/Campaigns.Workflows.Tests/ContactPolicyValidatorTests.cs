using Campaigns.Workflows.Validation;

namespace Campaigns.Workflows.Tests;

/// <summary>A campaign's <c>contactPolicy</c> in the validator (pure logic): each bad value named by its JSON path.</summary>
public sealed class ContactPolicyValidatorTests
{
    private static string Campaign(string policy) =>
        $$"""{ "campaignId": "c1", "robotAccount": "robot", "callees": ["alice"], "contactPolicy": {{policy}} }""";

    [Fact]
    public void Validate_ContactPolicy_IsBound()
    {
        var result = CampaignValidator.Validate(Campaign("""{ "perDay": 1, "perWeek": 3, "per30Days": 8 }"""));

        Assert.True(result.IsValid, string.Join("; ", result.Problems));
        Assert.Equal((1, 3, 8), (result.Spec!.ContactPolicy!.PerDay, result.Spec.ContactPolicy.PerWeek, result.Spec.ContactPolicy.Per30Days));
        Assert.Null(CampaignValidator.Validate(Campaign("null")).Spec!.ContactPolicy);
    }

    [Theory]
    [InlineData("""{ "perDay": 0 }""", "$.contactPolicy.perDay: 0 must be 1-1000 (attempts per callee in any rolling day, over every campaign)")]
    [InlineData("""{ "perWeek": 1001 }""", "$.contactPolicy.perWeek: 1001 must be 1-1000")]
    [InlineData("""{ "per30Days": -2 }""", "$.contactPolicy.per30Days: -2 must be 1-1000")]
    [InlineData("""{ "perDay": 1.5 }""", "$.contactPolicy.perDay: expected a whole number, got the number 1.5")]
    [InlineData("""{ "perDay": "1" }""", "$.contactPolicy.perDay: expected a whole number, got the string \"1\"")]
    [InlineData("""{ "perHour": 1 }""", "$.contactPolicy.perHour: unknown field (known fields here: perDay, perWeek, per30Days)")]
    [InlineData("""{ }""", "$.contactPolicy: no limit given: set $.contactPolicy.perDay, $.contactPolicy.perWeek and/or $.contactPolicy.per30Days")]
    [InlineData("""{ "perDay": 4, "perWeek": 3 }""", "$.contactPolicy.perDay: 4 is more than $.contactPolicy.perWeek 3: a day lies inside a week")]
    [InlineData("""{ "perWeek": 9, "per30Days": 8 }""", "$.contactPolicy.perWeek: 9 is more than $.contactPolicy.per30Days 8")]
    [InlineData("""{ "perDay": 9, "per30Days": 8 }""", "$.contactPolicy.perDay: 9 is more than $.contactPolicy.per30Days 8")]
    [InlineData("""3""", "$.contactPolicy: expected an object, got the number 3")]
    public void Validate_BadContactPolicy_NamesTheField(string policy, string problem)
    {
        var result = CampaignValidator.Validate(Campaign(policy));

        Assert.False(result.IsValid);
        Assert.Contains(result.Problems, p => p.StartsWith(problem, StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_SeveralBadLimits_EachIsNamed()
    {
        var result = CampaignValidator.Validate(Campaign("""{ "perDay": 0, "perWeek": 2000 }"""));

        Assert.Equal(2, result.Problems.Count);
        Assert.Contains(result.Problems, p => p.StartsWith("$.contactPolicy.perDay:", StringComparison.Ordinal));
        Assert.Contains(result.Problems, p => p.StartsWith("$.contactPolicy.perWeek:", StringComparison.Ordinal));
    }
}
