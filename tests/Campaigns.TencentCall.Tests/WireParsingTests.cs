using System.Text.Json;
using System.Text.Json.Nodes;
using Campaigns.TencentCall.Http;
using Campaigns.TencentCall.Models;
using Campaigns.TencentCall.Wire;

namespace Campaigns.TencentCall.Tests;

/// <summary>The sample payloads of tencent-call-api.md and the vendor pages, and the traps of its §6.</summary>
public class WireParsingTests
{
    [Fact]
    public void StartCallResponse_Sample_Parses()
    {
        const string sample = """
            { "ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": "", "RequestId": "Id-1",
              "Response": { "CallId": "35fd577d-1d10-4201-a40d-6d7316560986", "CallResult": [ { "Callee_Account": "jack", "ResultCode": 0 } ] } }
            """;

        var env = Parse<V4Envelope<V4StartCallResponse>>(sample);

        Assert.Equal("35fd577d-1d10-4201-a40d-6d7316560986", env.Response!.CallId);
        Assert.Equal("jack", Assert.Single(env.Response.CallResult!).CalleeAccount);
    }

    [Fact]
    public void GetCallInfo_VendorSample_ParsesStatuses()
    {
        const string sample = """{"ErrorCode": 0,"ErrorInfo": "","ActionStatus": "OK","RequestId": "Id-431454f25a44462d8155bdff4fed38cc-O-Seq-19029769","Response": {"CallInfo": {"CallId": "055662e1-bc8a-469c-a334-1126c8c17d58","MediaType": "Audio","ChatGroupId": "","RoomId": "","RoomIdType": 0},"UserList": [{"User_Account": "user1","Status": "Calling"},{"User_Account": "user2","Status": "Waiting"}]}}""";

        var status = WireMapper.FromV4("x", Parse<V4Envelope<V4CallInfoResponse>>(sample).Response!);

        Assert.Equal("055662e1-bc8a-469c-a334-1126c8c17d58", status.CallId);
        Assert.Equal(MediaType.Audio, status.MediaType);
        Assert.Null(status.RoomId);
        Assert.Null(status.RoomIdType);
        Assert.Equal([ParticipantStatus.Calling, ParticipantStatus.Waiting], status.Users.Select(u => u.Status));
        Assert.True(status.AnyWaiting);
        Assert.False(status.HasEnded);
    }

    [Fact]
    public void V1Record_VendorSample_ParsesWithHexRequestIdAndLowerCaseMedia()
    {
        const string sample = """
            { "errorCode": 0, "errorMessage": "Success", "requestId": "9f01db503f2006ad10c45f4f4609e38d",
              "data": { "callId": "2ae7d549-c441-4a9b-87c0-61810fe19582", "sdkAppId": 88888888, "mediaType": "video", "roomId": "123456",
                        "startCallTs": 1688705638, "acceptTs": 1688705641, "endTs": 1688705668, "caller": "alice", "totalUserNumber": 2,
                        "callType": "single", "callResult": "normal_end", "callees": [ "bob1", "bob2" ] } }
            """;

        var env = Parse<V1Envelope<V1Record>>(sample);
        var record = WireMapper.FromV1(env.Data!, null);

        Assert.Equal("9f01db503f2006ad10c45f4f4609e38d", env.RequestId);
        Assert.Equal(MediaType.Video, record.MediaType);
        Assert.Equal(CallResultKind.NormalEnd, record.Result);
        Assert.Equal("normal_end", record.RawResult);
        Assert.Equal(CallKind.OneToOne, record.CallType);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1688705641), record.AcceptTime);
        Assert.Equal(TimeSpan.FromSeconds(27), record.TalkDuration);
        Assert.Equal(["bob1", "bob2"], record.Callees);
    }

    [Fact]
    public void Records_MemberListNamesTheCaller_CalleesLeaveItOut_InBothGenerations()
    {
        var v4 = WireMapper.FromV4(new V4CallRecord { CallId = "c", CallerAccount = "robot", CalleeListAccount = ["robot", "jack", "jill"] }, null);
        var v1 = WireMapper.FromV1(new V1Record { CallId = "c", Caller = "alice", Callees = ["alice", "bob"] }, null);

        Assert.Equal(["jack", "jill"], v4.Callees);
        Assert.Equal(["robot", "jack", "jill"], v4.Members);
        Assert.Equal(["bob"], v1.Callees);
        Assert.Equal(["alice", "bob"], v1.Members);
    }

    [Theory]
    [InlineData(1688705638L, 1688705638L)] // seconds, as documented
    [InlineData(1688705638123L, 1688705638L)] // milliseconds where seconds are documented
    [InlineData(0L, null)]
    [InlineData(-5L, null)]
    [InlineData(long.MaxValue, null)] // out of range either way: null, never an exception
    public void Timestamps_SecondsOrMilliseconds_OutOfRangeIsNull(long raw, long? expectedSeconds)
    {
        Assert.Equal(expectedSeconds, WireMapper.FromUnix(raw)?.ToUnixTimeSeconds());
    }

    [Fact]
    public void V1Envelope_AsThePageTypesIt_StringErrorCodeAndIntegerRequestId_Parses()
    {
        const string typedAsDocumented = """{ "errorCode": "70005", "errorMessage": "Request frequency limited", "requestId": 123456789, "data": {} }""";

        var env = Parse<V1Envelope<V1Record>>(typedAsDocumented);

        Assert.Equal(70005, env.ErrorCode);
        Assert.Equal("123456789", env.RequestId);
    }

    [Fact]
    public void V4Record_Parses_AndZeroAcceptTimeMeansNeverAccepted()
    {
        const string sample = """
            { "ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": "", "RequestId": "Id-2",
              "Response": { "CallRecord": { "CallId": "c1", "Caller_Account": "robot", "MediaType": "Video", "CallType": "MultiCall",
                "StartTime": 1700000000, "EndTime": 1700000030, "AcceptTime": 0, "CallResult": "NotAnswer",
                "CalleeList_Account": ["a", "b"], "RoomId": 42, "RoomIdType": 1 } } }
            """;

        var record = WireMapper.FromV4(Parse<V4Envelope<V4RecordResponse>>(sample).Response!.CallRecord!, null);

        Assert.Equal(CallKind.Group, record.CallType);
        Assert.Equal(CallResultKind.NotAnswer, record.Result);
        Assert.Null(record.AcceptTime);
        Assert.Null(record.TalkDuration);
        Assert.Equal("42", record.RoomId); // numeric where a string is documented
    }

    [Theory]
    [InlineData("NormalEnd", CallResultKind.NormalEnd)]
    [InlineData("normal_end", CallResultKind.NormalEnd)]
    [InlineData("NotAnswer", CallResultKind.NotAnswer)]
    [InlineData("not_answer", CallResultKind.NotAnswer)]
    [InlineData("CallBusy", CallResultKind.CallBusy)]
    [InlineData("call_busy", CallResultKind.CallBusy)]
    [InlineData("Cancel", CallResultKind.Cancel)]
    [InlineData("reject", CallResultKind.Reject)]
    [InlineData("Interrupt", CallResultKind.Interrupt)]
    [InlineData("offline", CallResultKind.Offline)]
    [InlineData("something_new", CallResultKind.Unknown)]
    [InlineData("", CallResultKind.Unknown)]
    [InlineData(null, CallResultKind.Unknown)]
    public void ParseResult_BothGenerationsSpellings(string? raw, CallResultKind expected)
    {
        Assert.Equal(expected, WireMapper.ParseResult(raw));
    }

    [Theory]
    [InlineData("Audio", MediaType.Audio)]
    [InlineData("video", MediaType.Video)]
    [InlineData("VIDEO", MediaType.Video)]
    [InlineData("hologram", null)]
    [InlineData("1", null)]
    public void ParseMediaType_IsCaseInsensitive(string raw, MediaType? expected)
    {
        Assert.Equal(expected, WireMapper.ParseMediaType(raw));
    }

    [Fact]
    public void VendorRobotCallSample_IsNotValidJson_SoRequestsAreNeverBuiltFromIt()
    {
        // The page's sample lacks a comma after "Desc" (tencent-call-api.md §6).
        const string vendorSample = """
            { "Robot_Account": "robot", "CalleeList_Account": ["jack"], "Timeout": 300000,
              "CallInfo": { "MediaType": "Audio" },
              "OfflinePushInfo": { "PushFlag": 0, "Title": "t", "Desc": "d" "Ext": "e" } }
            """;

        Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(vendorSample));
    }

    [Fact]
    public void StartCallRequest_SerializesWithTheDocumentedNamesAndNoNulls()
    {
        var wire = WireMapper.ToWire(new StartCallRequest
        {
            RobotAccount = "robot",
            Callees = ["jack"],
            TimeoutMs = 300000,
            UserData = "userdata-12345687",
            MediaType = MediaType.Video,
            RoomId = "roomid-1234",
            RoomIdType = 2,
            OfflinePush = new OfflinePush(0, "t", "d", "e"),
        });

        var json = JsonNode.Parse(JsonSerializer.Serialize(wire, WireJson.Options))!.AsObject();

        Assert.Equal(
            ["Robot_Account", "CalleeList_Account", "Timeout", "UserData", "CallInfo", "OfflinePushInfo"],
            json.Select(p => p.Key));
        Assert.Equal("Video", (string?)json["CallInfo"]!["MediaType"]);
        Assert.Equal(2, (int?)json["CallInfo"]!["RoomIdType"]);
        Assert.Equal("e", (string?)json["OfflinePushInfo"]!["Ext"]);

        var minimal = JsonSerializer.Serialize(WireMapper.ToWire(new StartCallRequest { RobotAccount = "r", Callees = ["a"] }), WireJson.Options);
        Assert.DoesNotContain("null", minimal, StringComparison.Ordinal);
        Assert.DoesNotContain("UserData", minimal, StringComparison.Ordinal);
    }

    [Fact]
    public void V1FilterRequest_IsCamelCase()
    {
        var json = JsonSerializer.Serialize(new V1FilterRequest { StartTimestamp = 1, NumberPerPage = 100, Page = 1, CallResult = "not_answer" }, WireJson.Options);

        Assert.Equal("""{"startTimestamp":1,"callResult":"not_answer","numberPerPage":100,"page":1}""", json);
    }

    private static T Parse<T>(string json) => JsonSerializer.Deserialize<T>(json, WireJson.Options)!;
}
