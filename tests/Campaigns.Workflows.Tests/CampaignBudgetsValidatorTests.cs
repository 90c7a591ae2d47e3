using Campaigns.TencentCall;
using Campaigns.Workflows.Contract;
using Campaigns.Workflows.Validation;

namespace Campaigns.Workflows.Tests;

/// <summary>The per-campaign <c>budgets</c> and <c>records</c> fields in the validator (pure logic).</summary>
public sealed class CampaignBudgetsValidatorTests
{
    private const string Head = """ "campaignId": "c1", "robotAccount": "robot", "callees": ["a"] """;

    [Fact]
    public void Validate_NoBudgetsNoRecords_LeavesThemNull()
    {
        var result = CampaignValidator.Validate("{" + Head + "}");

        Assert.True(result.IsValid, string.Join("; ", result.Problems));
        Assert.Null(result.Spec!.Budgets);
        Assert.Null(result.Spec.Records);
    }

    [Fact]
    public void Validate_EveryBudgetAndV1_AreRead()
    {
        var result = CampaignValidator.Validate("{" + Head + """
            , "budgets": { "startCall": 50, "getCallInfo": 10, "endCall": 5, "records": 20 }, "records": { "api": "v1" } }
            """);

        Assert.True(result.IsValid, string.Join("; ", result.Problems));
        Assert.Equal(new BudgetsSpec { StartCall = 50, GetCallInfo = 10, EndCall = 5, Records = 20 }, result.Spec!.Budgets);
        Assert.Equal(ApiGeneration.V1, result.Spec.Records!.Api);
    }

    [Theory]
    [InlineData("v4", ApiGeneration.V4)]
    [InlineData("V1", ApiGeneration.V1)]
    public void Validate_RecordsApi_IsReadInAnyCase(string api, ApiGeneration expected)
    {
        var result = CampaignValidator.Validate("{" + Head + $$""", "records": { "api": "{{api}}" } }""");

        Assert.True(result.IsValid, string.Join("; ", result.Problems));
        Assert.Equal(expected, result.Spec!.Records!.Api);
    }

    [Fact]
    public void Validate_SameStartCapTwice_IsAccepted()
    {
        var result = CampaignValidator.Validate("{" + Head + """, "rate": { "maxCallsPerSecond": 20 }, "budgets": { "startCall": 20 } }""");

        Assert.True(result.IsValid, string.Join("; ", result.Problems));
    }

    [Theory]
    [InlineData(""" "budgets": { "startCall": 0 } """, "$.budgets.startCall: 0 must be 1-200")]
    [InlineData(""" "budgets": { "startCall": 201 } """, "$.budgets.startCall: 201 must be 1-200")]
    [InlineData(""" "budgets": { "getCallInfo": 0 } """, "$.budgets.getCallInfo: 0 must be 1-200")]
    [InlineData(""" "budgets": { "getCallInfo": 500 } """, "$.budgets.getCallInfo: 500 must be 1-200")]
    [InlineData(""" "budgets": { "endCall": -1 } """, "$.budgets.endCall: -1 must be 1-200")]
    [InlineData(""" "budgets": { "endCall": 201 } """, "$.budgets.endCall: 201 must be 1-200")]
    [InlineData(""" "budgets": { "records": 0 } """, "$.budgets.records: 0 must be 1-200")]
    [InlineData(""" "budgets": { "records": 201 } """, "$.budgets.records: 201 must be 1-200")]
    [InlineData(""" "budgets": { "records": 21 }, "records": { "api": "v1" } """, "$.budgets.records: 21 must be 1-20 (with records.api v1: the v1 by-CallId record query allows 20 requests/s")]
    [InlineData(""" "budgets": { "getCallInfo": 2.5 } """, "$.budgets.getCallInfo: expected a whole number, got the number 2.5")]
    [InlineData(""" "budgets": { "records": "10" } """, "$.budgets.records: expected a whole number, got the string \"10\"")]
    [InlineData(""" "budgets": { "getCallinfo": 10, "getcallinfo": 5 } """, "$.budgets.getcallinfo: given more than once")]
    [InlineData(""" "budgets": { "callInfo": 10 } """, "$.budgets.callInfo: unknown field (known fields here: startCall, getCallInfo, endCall, records)")]
    [InlineData(""" "budgets": 10 """, "$.budgets: expected an object, got the number 10")]
    [InlineData(""" "budgets": { "startCall": 50 }, "rate": { "maxCallsPerSecond": 20 } """, "$.budgets.startCall: 50 disagrees with $.rate.maxCallsPerSecond 20")]
    [InlineData(""" "records": { "api": "v2" } """, "$.records.api: expected one of \"V4\", \"V1\", got the string \"v2\"")]
    [InlineData(""" "records": { "api": 1 } """, "$.records.api: expected one of \"V4\", \"V1\", got the number 1")]
    [InlineData(""" "records": { "generation": "v1" } """, "$.records.generation: unknown field (known fields here: api)")]
    [InlineData(""" "records": "v1" """, "$.records: expected an object, got the string \"v1\"")]
    public void Validate_BadBudgetsOrRecords_NamesThePathAndTheRule(string fields, string expected)
    {
        var result = CampaignValidator.Validate("{" + Head + "," + fields + "}");

        Assert.False(result.IsValid);
        Assert.Null(result.Spec);
        Assert.Contains(result.Problems, p => p.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_RecordsCapOf50_IsFineOnV4()
    {
        var result = CampaignValidator.Validate("{" + Head + """, "budgets": { "records": 50 }, "records": { "api": "v4" } }""");

        Assert.True(result.IsValid, string.Join("; ", result.Problems));
    }
}
