using System.Text.Json.Nodes;
using Campaigns.Testing;

namespace Campaigns.Simulator.Tests;

/// <summary>
/// The by-filter record queries of both generations: every field optional, filters before paging,
/// a TotalNum that agrees with the pages, Page 0 for "no more data", and huge numbers refused, not overflowed.
/// </summary>
public sealed class RecordFilterTests : IAsyncLifetime
{
    private const string V4 = "v4/call_record_http_srv/get_record_by_filter";
    private const string V1 = "v1/records/get_records_by_filter";
    private SimulatorHost sim = null!;

    public async Task InitializeAsync()
    {
        sim = await SimulatorHost.StartAsync(o =>
        {
            o.TimeScale = 100;
            o.RecordDelaySeconds = 0;
            o.Records.LateRate = o.Records.MissingRate = 0;
            o.Scenario.NotRungRate = o.Scenario.NoCallResultRate = 0;
            o.Scenario.Forced["busy-"] = CalleeBehaviour.Busy;
            o.Scenario.Forced["reject-"] = CalleeBehaviour.Reject;
            o.Scenario.RingMinSeconds = o.Scenario.RingMaxSeconds = 2;
        });
        const string Start = "v4/call_engine_http_srv/start_call_by_robot";
        foreach (var callees in new[] { "\"busy-1\"", "\"busy-2\"", "\"busy-3\"", "\"reject-1\"", "\"reject-2\"", "\"busy-g1\",\"busy-g2\"" })
        {
            var answer = await RawApi.PostAsync(sim, Start, $$$"""{"Robot_Account":"robot","CalleeList_Account":[{{{callees}}}],"Timeout":30000,"CallInfo":{"MediaType":"Audio"}}""");
            Assert.Equal(0, RawApi.Code(answer));
        }

        // Calls end within 2 simulated seconds (20 ms real) and records follow at once: wait until all six are there.
        for (var i = 0; i < 200 && Total(await RawApi.PostAsync(sim, V4, "{}")) < 6; i++)
        {
            await Task.Delay(20);
        }
    }

    public async Task DisposeAsync() => await sim.DisposeAsync();

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"StartTime":0}""")]
    [InlineData("""{"StartTime":0,"EndTime":0,"NumberPerPage":0,"Page":0}""")]
    public async Task V4_EveryFieldOptional_EmptyOrZeroStartMeansTheLast7Days(string body)
    {
        var answer = await RawApi.PostAsync(sim, V4, body);

        Assert.Equal(0, RawApi.Code(answer));
        Assert.Equal(6, Total(answer));
        Assert.Equal(6, answer["Response"]!["CallRecordList"]!.AsArray().Count);
        Assert.Equal(0, (int)answer["Response"]!["Page"]!); // one page held everything: no more data
    }

    [Fact]
    public async Task V4_FiltersByResultBeforePaging_TotalAgreesWithThePages_AndPage0EndsIt()
    {
        var first = await RawApi.PostAsync(sim, V4, """{"CallResult":"Reject","NumberPerPage":1,"Page":1}""");
        var second = await RawApi.PostAsync(sim, V4, """{"CallResult":"Reject","NumberPerPage":1,"Page":2}""");
        var beyond = await RawApi.PostAsync(sim, V4, """{"CallResult":"Reject","NumberPerPage":1,"Page":3}""");

        Assert.Equal((2L, 2L, 2L), (Total(first), Total(second), Total(beyond)));
        Assert.Equal((1, 0, 0), (PageOf(first), PageOf(second), PageOf(beyond)));
        Assert.Equal((1, 1, 0), (Records(first).Count, Records(second).Count, Records(beyond).Count));
        Assert.All(Records(first).Concat(Records(second)), r => Assert.Equal("Reject", (string?)r!["CallResult"]));
        Assert.NotEqual((string?)Records(first)[0]!["CallId"], (string?)Records(second)[0]!["CallId"]);
    }

    [Fact]
    public async Task V4_FiltersByCallType_AndTheMemberListNamesTheRobot()
    {
        var group = await RawApi.PostAsync(sim, V4, """{"CallType":"MultiCall"}""");

        var record = Assert.Single(Records(group))!;
        Assert.Equal(["robot", "busy-g1", "busy-g2"], record["CalleeList_Account"]!.AsArray().Select(n => (string?)n));
        Assert.Equal(5, Total(await RawApi.PostAsync(sim, V4, """{"CallType":"SingleCall"}""")));
    }

    [Fact]
    public async Task V1_SameSemantics_InItsOwnSpelling()
    {
        var all = await RawApi.PostAsync(sim, V1, "{}");
        var busy = await RawApi.PostAsync(sim, V1, """{"startTimestamp":0,"callResult":"call_busy","callType":"single","numberPerPage":2,"page":1}""");

        Assert.Equal((0L, 6L), (RawApi.Code(all), (long)all["data"]!["totalNum"]!));
        Assert.Equal((3L, 1, 2), ((long)busy["data"]!["totalNum"]!, (int)busy["data"]!["page"]!, busy["data"]!["callRecordList"]!.AsArray().Count));
        Assert.Equal("robot", (string?)busy["data"]!["callRecordList"]![0]!["callees"]![0]);
    }

    [Theory]
    [InlineData(V4, """{"StartTime":1e30}""", 101002)]
    [InlineData(V4, """{"StartTime":99999999999999999999999}""", 101002)]
    [InlineData(V4, """{"StartTime":-1}""", 101002)]
    [InlineData(V4, """{"EndTime":9223372036854775807}""", 101002)]
    [InlineData(V4, """{"NumberPerPage":2147483648}""", 101002)]
    [InlineData(V4, """{"Page":-1}""", 101002)]
    [InlineData(V4, """{"CallResult":"Offline"}""", 101002)]
    [InlineData(V4, """{"CallType":"Conference"}""", 101002)]
    [InlineData(V1, """{"startTimestamp":1e30}""", 70001)]
    [InlineData(V1, """{"endTimestamp":253402300800}""", 70001)]
    [InlineData(V1, """{"page":99999999999}""", 70001)]
    [InlineData(V1, """{"callResult":"offline"}""", 70001)]
    public async Task HugeOrUndocumentedValues_AreInvalidParameters_NeverAServerError(string path, string body, long code)
    {
        using var content = new StringContent(body);
        var (status, envelope) = await RawApi.SendAsync(sim, path, content);

        Assert.Equal((200, code), (status, RawApi.Code(envelope!)));
    }

    [Fact]
    public async Task LastPossiblePage_TimesTheLargestPageSize_IsAnEmptyLastPage_NotAnOverflow()
    {
        var answer = await RawApi.PostAsync(sim, V4, """{"Page":2147483647,"NumberPerPage":2147483647}""");

        Assert.Equal((0L, 6L, 0, 0), (RawApi.Code(answer), Total(answer), PageOf(answer), Records(answer).Count));
    }

    private static long Total(JsonObject answer) => (long?)answer["Response"]?["TotalNum"] ?? -1;

    private static int PageOf(JsonObject answer) => (int)answer["Response"]!["Page"]!;

    private static JsonArray Records(JsonObject answer) => answer["Response"]!["CallRecordList"]!.AsArray();
}
