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
        Assert.Equal("", (string?)answer["ErrorInfo"]);
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
        Assert.Contains(60018L, codes);
        Assert.Contains(101004L, codes);
        Assert.All(codes, c => Assert.True(c is 60018 or 101004));
    }
}
