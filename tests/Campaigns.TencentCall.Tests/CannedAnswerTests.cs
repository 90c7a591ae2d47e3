using System.Net;
using System.Text;
using Campaigns.TencentCall.Errors;
using Campaigns.TencentCall.Models;
using Microsoft.Extensions.DependencyInjection;

namespace Campaigns.TencentCall.Tests;

/// <summary>
/// Answers no simulator gives by default, canned at the HTTP layer: an OK without its payload, the
/// vendor's "no more data" page, timestamps in milliseconds. None may be read as "ended" or "nobody rung".
/// </summary>
public sealed class CannedAnswerTests : IDisposable
{
    private static readonly StartCallRequest Ring = new() { RobotAccount = "robot", Callees = ["jack"] };
    private readonly ServiceProvider provider;
    private string body = string.Empty;

    public CannedAnswerTests()
    {
        var services = new ServiceCollection()
            .AddLogging()
            .AddTencentCall(o =>
            {
                o.SdkAppId = 1400000001;
                o.SecretKey = "canned";
                o.BaseUrl = new Uri("http://canned.invalid/");
            });

        // Replaces the transport's socket handler (configured last, so it wins): every request gets `body`.
        services.AddHttpClient(nameof(Http.TencentTransport)).ConfigurePrimaryHttpMessageHandler(() => new Canned(() => body));
        provider = services.BuildServiceProvider();
        Client = provider.GetRequiredService<ITencentCallClient>();
    }

    private ITencentCallClient Client { get; }

    public void Dispose() => provider.Dispose();

    [Theory]
    [InlineData("""{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","RequestId":"Id-1"}""")]
    [InlineData("""{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","RequestId":"Id-1","Response":{}}""")]
    [InlineData("""{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","RequestId":"Id-1","Response":{"CallResult":[{"Callee_Account":"jack","ResultCode":0}]}}""")]
    public async Task StartCall_OkWithoutCallId_IsUnknown_AndMayHaveRungTheCallee(string answer)
    {
        body = answer;

        var e = await Assert.ThrowsAsync<TencentCallException>(() => Client.StartCallByRobotAsync(Ring));

        Assert.Equal((TencentErrorKind.Unknown, true, "Id-1"), (e.Kind, e.RequestMayHaveTakenEffect, e.RequestId));
        Assert.Null(e.CallId);
    }

    [Fact]
    public async Task StartCall_OkWithCallIdButNoCallResult_IsUnknown_AndCarriesTheCallId()
    {
        body = """{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","RequestId":"Id-2","Response":{"CallId":"call-7"}}""";

        var e = await Assert.ThrowsAsync<TencentCallException>(() => Client.StartCallByRobotAsync(Ring));

        // Never an empty CallResult, which would read as "nobody was rung".
        Assert.Equal((TencentErrorKind.Unknown, true, "call-7"), (e.Kind, e.RequestMayHaveTakenEffect, e.CallId));
    }

    [Fact]
    public async Task GetCallInfo_OkWithoutResponse_IsAnError_NotAnEndedCall()
    {
        body = """{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","RequestId":"Id-3"}""";

        var e = await Assert.ThrowsAsync<TencentCallException>(() => Client.GetCallInfoAsync("call-1"));

        Assert.Equal((TencentErrorKind.Retryable, TencentApi.GetCallInfo, false), (e.Kind, e.Api, e.RequestMayHaveTakenEffect));
    }

    [Fact]
    public async Task RecordsByFilter_OkWithoutResponse_IsAnError_NotAnEmptyPage()
    {
        body = """{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","RequestId":"Id-4"}""";

        var e = await Assert.ThrowsAsync<TencentCallException>(() => Client.GetRecordsByFilterAsync(new RecordFilter(null)));

        Assert.Equal((TencentErrorKind.Retryable, TencentApi.GetRecordsByFilter), (e.Kind, e.Api));
    }

    [Fact]
    public async Task RecordByCallId_OkWithoutRecord_IsAnError()
    {
        body = """{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","RequestId":"Id-5","Response":{}}""";

        var e = await Assert.ThrowsAsync<TencentCallException>(() => Client.GetRecordByCallIdAsync("call-1"));

        Assert.Equal((TencentErrorKind.Retryable, TencentApi.GetRecordByCallId), (e.Kind, e.Api));
    }

    [Fact]
    public async Task RecordsByFilter_LastPageWithRecords_KeepsThemAndSaysNoMoreData()
    {
        body = """
            {"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","RequestId":"Id-6","Response":{"TotalNum":3,"Page":0,"CallRecordList":[
              {"CallId":"c3","Caller_Account":"robot","CalleeList_Account":["robot","jack"],"StartTime":1700000000123,"EndTime":1700000030,"AcceptTime":0,"CallResult":"NotAnswer","RoomId":"attempt-3","RoomIdType":2}]}}
            """;

        var page = await Client.GetRecordsByFilterAsync(new RecordFilter(null, Page: 2) { Result = CallResultKind.NotAnswer });

        Assert.False(page.HasMore);
        Assert.Equal((3L, 2), (page.TotalNum, page.Page));
        var record = Assert.Single(page.Records);
        Assert.Equal(["jack"], record.Callees);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1700000000123), record.StartTime); // milliseconds read as such
        Assert.Equal(("attempt-3", 2), (record.RoomId, record.RoomIdType));
    }

    [Fact]
    public async Task RecordsByFilter_PageAboveZero_MeansMoreData()
    {
        body = """{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","RequestId":"Id-7","Response":{"TotalNum":250,"Page":1,"CallRecordList":[]}}""";

        var page = await Client.GetRecordsByFilterAsync(new RecordFilter(null));

        Assert.True(page.HasMore);
        Assert.Equal(1, page.Page);
    }

    [Fact]
    public async Task Gateway70169OnAStart_IsRetryable_ButMayHaveRungTheCallee()
    {
        body = """{"ActionStatus":"FAIL","ErrorCode":70169,"ErrorInfo":"server internal timeout","RequestId":"Id-8"}""";

        var e = await Assert.ThrowsAsync<TencentCallException>(() => Client.StartCallByRobotAsync(Ring));

        Assert.Equal((TencentErrorKind.Retryable, 70169L, true), (e.Kind, e.ErrorCode!.Value, e.RequestMayHaveTakenEffect));
    }

    [Fact]
    public async Task EmptyCallIdOrMissingFilter_IsRefusedAsInvalid_NamingTheField()
    {
        var empty = await Assert.ThrowsAsync<TencentCallValidationException>(() => Client.GetCallInfoAsync(string.Empty));
        var noFilter = await Assert.ThrowsAsync<TencentCallValidationException>(() => Client.GetRecordsByFilterAsync(null!));
        var noRequest = await Assert.ThrowsAsync<TencentCallValidationException>(() => Client.StartCallByRobotAsync(null!));

        Assert.Equal((TencentErrorKind.Invalid, "CallId"), (empty.Kind, Assert.Single(empty.Problems).Field));
        Assert.Equal("filter", Assert.Single(noFilter.Problems).Field);
        Assert.Equal("request", Assert.Single(noRequest.Problems).Field);
    }

    [Fact]
    public async Task FindRecordByRoom_WithoutRoomId_IsRefusedBeforeSending()
    {
        var lookup = new RecordLookup { RobotAccount = "robot", Callees = ["jack"], RoomId = string.Empty, From = DateTimeOffset.UtcNow, To = DateTimeOffset.UtcNow };

        var e = await Assert.ThrowsAsync<TencentCallValidationException>(() => Client.FindRecordByRoomAsync(lookup));

        Assert.Equal("RoomId", Assert.Single(e.Problems).Field);
    }

    private sealed class Canned(Func<string> body) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body(), Encoding.UTF8, "application/json") });
    }
}
