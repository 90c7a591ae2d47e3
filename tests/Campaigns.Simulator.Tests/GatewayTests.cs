using Campaigns.Testing;

namespace Campaigns.Simulator.Tests;

/// <summary>What every request meets first: the signed query, the body, the envelope.</summary>
public sealed class GatewayTests : IAsyncLifetime
{
    private const string Start = "v4/call_engine_http_srv/start_call_by_robot";
    private const string ValidStart = """{"Robot_Account":"robot","CalleeList_Account":["jack"],"Timeout":30000,"CallInfo":{"MediaType":"Audio"}}""";
    private SimulatorHost sim = null!;

    public async Task InitializeAsync() => sim = await SimulatorHost.StartAsync();

    public async Task DisposeAsync() => await sim.DisposeAsync();

    [Fact]
    public async Task ValidRequest_GetsTheDocumentedOkEnvelope()
    {
        var answer = await RawApi.PostAsync(sim, Start, ValidStart);

        Assert.Equal("OK", (string?)answer["ActionStatus"]);
        Assert.Equal(0, RawApi.Code(answer));
        Assert.Equal(string.Empty, (string?)answer["ErrorInfo"]);
        Assert.StartsWith("Id-", (string?)answer["RequestId"], StringComparison.Ordinal);
        Assert.Equal("jack", (string?)answer["Response"]!["CallResult"]![0]!["Callee_Account"]);
    }

    [Theory]
    [InlineData("garbage", 70003)]
    [InlineData("", 70003)]
    public async Task BadUserSig_IsRefused_AndPlacesNothing(string sig, long code)
    {
        var answer = await RawApi.PostAsync(sim, Start, ValidStart, RawApi.Query(sim, userSig: sig));

        Assert.Equal("FAIL", (string?)answer["ActionStatus"]);
        Assert.Equal(code, RawApi.Code(answer));
        Assert.Empty(await sim.CallsAsync());
    }

    [Fact]
    public async Task MissingRandom_IsRefused()
    {
        var answer = await RawApi.PostAsync(sim, Start, ValidStart, RawApi.Query(sim, random: null));

        Assert.Equal(60002, RawApi.Code(answer));
    }

    [Theory]
    [InlineData("", 60002)]
    [InlineData("{\"Robot_Account\":", 60003)]
    public async Task BadBody_IsRefusedWithTheImCode(string body, long code)
    {
        Assert.Equal(code, RawApi.Code(await RawApi.PostAsync(sim, Start, body)));
    }

    [Fact]
    public async Task V1BadBody_Is70009_AndMissingCallId_Is70001()
    {
        Assert.Equal(70009, RawApi.Code(await RawApi.PostAsync(sim, "v1/records/get_record_by_callId", "{not json")));
        Assert.Equal(70001, RawApi.Code(await RawApi.PostAsync(sim, "v1/records/get_record_by_callId", "{}")));
    }

    [Theory]
    [InlineData("""{"Robot_Account":"robot","CalleeList_Account":["jack"],"Timeout":9999,"CallInfo":{"MediaType":"Audio"}}""", "Timeout")]
    [InlineData("""{"Robot_Account":"robot","CalleeList_Account":[],"Timeout":30000,"CallInfo":{"MediaType":"Audio"}}""", "CalleeList_Account")]
    [InlineData("""{"Robot_Account":"robot","CalleeList_Account":["a"],"Timeout":30000,"CallInfo":{"MediaType":"Hologram"}}""", "MediaType")]
    [InlineData("""{"Robot_Account":"robot","CalleeList_Account":["a"],"Timeout":30000,"CallInfo":{"MediaType":"Audio","RoomId":"abc","RoomIdType":1}}""", "RoomId")]
    [InlineData("""{"CalleeList_Account":["a"],"Timeout":30000,"CallInfo":{"MediaType":"Audio"}}""", "Robot_Account")]
    [InlineData("""{"Robot_Account":"robot","CalleeList_Account":["a23456789012345678901234567890123"],"Timeout":30000,"CallInfo":{"MediaType":"Audio"}}""", "CalleeList_Account: user ids")]
    [InlineData("""{"Robot_Account":"robot","CalleeList_Account":["jack smith"],"Timeout":30000,"CallInfo":{"MediaType":"Audio"}}""", "CalleeList_Account: user ids")]
    [InlineData("""{"Robot_Account":"robot@home","CalleeList_Account":["a"],"Timeout":30000,"CallInfo":{"MediaType":"Audio"}}""", "Robot_Account: may hold only")]
    [InlineData("""{"Robot_Account":"robot","CalleeList_Account":["a","b","c","d","e","f","g","h","i"],"Timeout":30000,"CallInfo":{"MediaType":"Audio"}}""", "at most 9 people")]
    public async Task InvalidStart_Is101002NamingTheField_AndPlacesNothing(string body, string field)
    {
        var answer = await RawApi.PostAsync(sim, Start, body);

        Assert.Equal(101002, RawApi.Code(answer));
        Assert.Contains(field, (string?)answer["ErrorInfo"], StringComparison.Ordinal);
        Assert.Empty(await sim.CallsAsync());
    }

    [Fact]
    public async Task LowerCaseVideo_IsAccepted_AsOneVendorPageWritesIt()
    {
        var body = ValidStart.Replace("Audio", "video", StringComparison.Ordinal);

        Assert.Equal(0, RawApi.Code(await RawApi.PostAsync(sim, Start, body)));
        Assert.Equal("Video", Assert.Single(await sim.CallsAsync()).MediaType);
    }

    [Fact]
    public async Task OverRateBurst_Answers60018_ForTheExcess()
    {
        var answers = await Task.WhenAll(Enumerable.Range(0, 600).Select(_ =>
            RawApi.PostAsync(sim, "v4/call_engine_http_srv/get_call_info", """{"CallId":"none"}""")));

        var codes = answers.Select(RawApi.Code).ToList();
        var stats = (await sim.RequestsAsync()).Apis["get_call_info"];
        Assert.All(codes, c => Assert.True(c is 60018 or 101004));
        Assert.Equal((600L, codes.Count(c => c == 60018), codes.Count(c => c == 101004)), (stats.Total, (int)stats.RateLimited, (int)stats.Admitted));
        Assert.InRange(stats.WorstWindow, 1, 200);
        Assert.Contains(60018L, codes);
    }

    [Fact]
    public async Task NonAdministrator_Is60010_AsDocumented()
    {
        var answer = await RawApi.PostAsync(sim, Start, ValidStart, RawApi.Query(sim, identifier: "robot"));

        Assert.Equal(60010, RawApi.Code(answer));
        Assert.Empty(await sim.CallsAsync());
    }

    [Fact]
    public async Task CallSize_IsConfigurable()
    {
        await using var small = await SimulatorHost.StartAsync(o => o.MaxCallSize = 3);
        const string Three = """{"Robot_Account":"robot","CalleeList_Account":["a","b","c"],"Timeout":30000,"CallInfo":{"MediaType":"Audio"}}""";
        const string Two = """{"Robot_Account":"robot","CalleeList_Account":["a","b"],"Timeout":30000,"CallInfo":{"MediaType":"Audio"}}""";

        var refused = await RawApi.PostAsync(small, Start, Three);

        Assert.Equal(101002, RawApi.Code(refused));
        Assert.Contains("at most 3 people", (string?)refused["ErrorInfo"], StringComparison.Ordinal);
        Assert.Equal(0, RawApi.Code(await RawApi.PostAsync(small, Start, Two)));
    }

    [Fact]
    public async Task StartAnswer_CanLackCallResult_AndCanRefuseSomeCallees()
    {
        await using var harsh = await SimulatorHost.StartAsync(o => o.Scenario.NoCallResultRate = 1);
        await using var refusing = await SimulatorHost.StartAsync(o => o.Scenario.NotRungRate = 1);

        var bare = await RawApi.PostAsync(harsh, Start, ValidStart);
        var notRung = await RawApi.PostAsync(refusing, Start, ValidStart);

        Assert.NotNull((string?)bare["Response"]!["CallId"]);
        Assert.Null(bare["Response"]!["CallResult"]);
        Assert.Equal(70107, (long)notRung["Response"]!["CallResult"]![0]!["ResultCode"]!);
        Assert.Empty(Assert.Single(await refusing.CallsAsync()).Rung);
        Assert.Empty(await refusing.RingsAsync());
    }
}
