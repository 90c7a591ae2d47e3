using Campaigns.TencentCall.Errors;

namespace Campaigns.TencentCall.Tests;

public class ErrorClassifierTests
{
    [Theory]
    [InlineData(101001, TencentErrorKind.Retryable)]
    [InlineData(70169, TencentErrorKind.Retryable)]
    [InlineData(70500, TencentErrorKind.Retryable)]
    [InlineData(60007, TencentErrorKind.RateLimited)]
    [InlineData(60011, TencentErrorKind.RateLimited)]
    [InlineData(60018, TencentErrorKind.RateLimited)]
    [InlineData(60019, TencentErrorKind.RateLimited)]
    [InlineData(101002, TencentErrorKind.Invalid)]
    [InlineData(60003, TencentErrorKind.Invalid)]
    [InlineData(60006, TencentErrorKind.Auth)]
    [InlineData(70001, TencentErrorKind.Auth)]
    [InlineData(70003, TencentErrorKind.Auth)]
    [InlineData(70009, TencentErrorKind.Auth)]
    [InlineData(70013, TencentErrorKind.Auth)]
    [InlineData(70014, TencentErrorKind.Auth)]
    [InlineData(101050, TencentErrorKind.NotFoundYet)]
    [InlineData(60010, TencentErrorKind.Auth)]
    [InlineData(60020, TencentErrorKind.Auth)]
    [InlineData(70107, TencentErrorKind.Auth)]
    [InlineData(123456, TencentErrorKind.Unknown)]
    public void Classify_V4Codes(long code, TencentErrorKind expected)
    {
        Assert.Equal(expected, ErrorClassifier.Classify(ApiGeneration.V4, TencentApi.GetCallInfo, code));
    }

    [Theory]
    [InlineData(70001, TencentErrorKind.Invalid)]
    [InlineData(70009, TencentErrorKind.Invalid)]
    [InlineData(50001, TencentErrorKind.Invalid)]
    [InlineData(70002, TencentErrorKind.Auth)]
    [InlineData(70003, TencentErrorKind.Auth)]
    [InlineData(70004, TencentErrorKind.Auth)]
    [InlineData(70005, TencentErrorKind.RateLimited)]
    [InlineData(99999, TencentErrorKind.Retryable)]
    public void Classify_V1Codes(long code, TencentErrorKind expected)
    {
        Assert.Equal(expected, ErrorClassifier.Classify(ApiGeneration.V1, TencentApi.GetRecordByCallId, code));
    }

    [Fact]
    public void Classify_70001_MeansOppositeThingsPerGeneration()
    {
        // IM (v4) 70001 = UserSig expired; records v1 70001 = invalid parameters.
        Assert.Equal(TencentErrorKind.Auth, ErrorClassifier.Classify(ApiGeneration.V4, TencentApi.GetRecordByCallId, 70001));
        Assert.Equal(TencentErrorKind.Invalid, ErrorClassifier.Classify(ApiGeneration.V1, TencentApi.GetRecordByCallId, 70001));
    }

    [Theory]
    [InlineData(TencentApi.StartCallByRobot, TencentErrorKind.Invalid)]
    [InlineData(TencentApi.GetCallInfo, TencentErrorKind.Settled)]
    [InlineData(TencentApi.EndCall, TencentErrorKind.Settled)]
    public void Classify_101004_SettlesOnlyACallThatWasStarted(TencentApi api, TencentErrorKind expected)
    {
        Assert.Equal(expected, ErrorClassifier.Classify(ApiGeneration.V4, api, 101004));
    }

    [Theory]
    [InlineData(ApiGeneration.V4, 70169, true)]
    [InlineData(ApiGeneration.V4, 70500, true)]
    [InlineData(ApiGeneration.V4, 101001, false)]
    [InlineData(ApiGeneration.V4, 60018, false)]
    [InlineData(ApiGeneration.V1, 70169, false)]
    public void MayHaveTakenEffect_OnlyForTheGatewaysTimeoutAndInternalError(ApiGeneration generation, long code, bool expected)
    {
        Assert.Equal(expected, ErrorClassifier.MayHaveTakenEffect(generation, code));
    }

    [Fact]
    public void TencentCallException_HasNoConstructorWithoutAKind()
    {
        var constructors = typeof(TencentCallException).GetConstructors();

        Assert.NotEmpty(constructors);
        Assert.All(constructors, c => Assert.Contains(c.GetParameters(), p => p.ParameterType == typeof(TencentErrorKind) && !p.HasDefaultValue));
    }
}
