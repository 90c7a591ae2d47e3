using System.Net;
using System.Text;
using Campaigns.Testing;

namespace Campaigns.Simulator.Tests;

/// <summary>
/// Malformed requests at every endpoint: each gets a documented error (the generation's envelope with a
/// documented code, HTTP 413 for an oversized body, 400 from the admin endpoints), never an HTTP 500.
/// </summary>
public sealed class FuzzTests : IAsyncLifetime
{
    private static readonly long[] V4Codes = [60002, 60003, 60006, 60010, 70001, 70003, 70009, 70013, 70014, 101002, 101004, 101050];
    private static readonly long[] V1Codes = [70001, 70002, 70003, 70004, 70009];

    // Bodies no API accepts: broken syntax, the wrong root, nesting beyond any parser's depth, bad bytes.
    private static readonly string[] Generic =
    [
        string.Empty, " ", "\n\t", "{", "}", "[", "]", "[]", "[{}]", "null", "true", "false", "42", "-1e999", "\"text\"",
        "{\"a\":}", "{,}", "{}x", "{}{}", "{'CallId':'x'}", "{\"a\":\"\\u12\"}", "{\"a\" 1}", "\u0000", "{\"a\":tru}",
        "{\"a\":[1,2}", "\"unterminated", "{\"a\":\"b\"", new string('[', 5000), string.Concat(Enumerable.Repeat("{\"a\":", 300)) + "1",
        "<xml/>", "CallId=1", "\uFEFF{}x",
    ];

    private static readonly Dictionary<string, string[]> Specific = new(StringComparer.Ordinal)
    {
        ["v4/call_engine_http_srv/start_call_by_robot"] =
        [
            "{}", """{"Robot_Account":{}}""", """{"CalleeList_Account":"jack"}""", """{"CalleeList_Account":[1,{}]}""",
            """{"Robot_Account":"r","CalleeList_Account":[null],"Timeout":30000,"CallInfo":{"MediaType":"Audio"}}""",
            """{"Timeout":"soon"}""", """{"Timeout":1e30}""", """{"CallInfo":"Audio"}""", """{"CallInfo":{"RoomIdType":99999999999}}""",
            """{"UserData":["x"]}""", """{"OfflinePushInfo":{"PushFlag":"x"}}""",
            """{"Robot_Account":"r","CalleeList_Account":["a b"],"Timeout":30000,"CallInfo":{"MediaType":"Audio"}}""",
            """{"Robot_Account":"r","CalleeList_Account":["123456789012345678901234567890123"],"Timeout":30000,"CallInfo":{"MediaType":"Audio"}}""",
            """{"Robot_Account":"r","CalleeList_Account":["a","b","c","d","e","f","g","h","i"],"Timeout":30000,"CallInfo":{"MediaType":"Audio"}}""",
            """{"Robot_Account":"r","CalleeList_Account":["a"],"Timeout":-1,"CallInfo":{"MediaType":"Audio"}}""",
        ],
        ["v4/call_engine_http_srv/get_call_info"] = CallIdBodies("CallId"),
        ["v4/call_engine_http_srv/end_call"] = CallIdBodies("CallId"),
        ["v4/call_record_http_srv/get_record_by_callid"] = CallIdBodies("CallId"),
        ["v1/records/get_record_by_callId"] = CallIdBodies("callId"),
        ["v4/call_record_http_srv/get_record_by_filter"] = FilterBodies("StartTime", "EndTime", "NumberPerPage", "Page", "CallResult", "CallType"),
        ["v1/records/get_records_by_filter"] = FilterBodies("startTimestamp", "endTimestamp", "numberPerPage", "page", "callResult", "callType"),
    };

    private static readonly string[] RateNames =
    [
        "Error101001Rate", "Http502Rate", "HangRate", "PlaceThenHangRate", "Error60018Rate", "Error60011Rate", "Error70500Rate",
        "Error70169Rate", "PlaceThen502Rate",
    ];

    private SimulatorHost sim = null!;

    public async Task InitializeAsync() => sim = await SimulatorHost.StartAsync(o =>
    {
        // Limits lifted, so each answer is about the input, not the rate.
        o.RateLimits.Enabled = false;
        o.Limits.MaxBodyBytes = 4096;
    });

    public async Task DisposeAsync() => await sim.DisposeAsync();

    [Theory]
    [InlineData("v4/call_engine_http_srv/start_call_by_robot")]
    [InlineData("v4/call_engine_http_srv/get_call_info")]
    [InlineData("v4/call_engine_http_srv/end_call")]
    [InlineData("v4/call_record_http_srv/get_record_by_callid")]
    [InlineData("v4/call_record_http_srv/get_record_by_filter")]
    [InlineData("v1/records/get_record_by_callId")]
    [InlineData("v1/records/get_records_by_filter")]
    public async Task EveryMalformedRequest_GetsADocumentedError(string path)
    {
        var v4 = path.StartsWith("v4", StringComparison.Ordinal);
        var requests = new List<(string What, Func<HttpContent> Body, string Query)>();
        var good = RawApi.Query(sim);
        requests.AddRange(Generic.Concat(Specific[path]).Select(b => ("body " + b[..Math.Min(b.Length, 40)], (Func<HttpContent>)(() => Text(b)), good)));
        requests.Add(("invalid UTF-8", () => new ByteArrayContent([0xFF, 0xFE, 0x7B, 0xC3, 0x28, 0x7D]), good));
        requests.Add(("oversized", () => Text("{\"CallId\":\"" + new string('x', 10_000) + "\"}"), good));
        requests.Add(("oversized, chunked", () => new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes("{\"x\":\"" + new string('y', 10_000) + "\"}"))), good));
        foreach (var query in BadQueries())
        {
            requests.Add(("query " + query, () => Text("{\"CallId\":\"c\"}"), query));
        }

        Assert.True(requests.Count >= 50, $"only {requests.Count} requests");
        foreach (var (what, body, query) in requests)
        {
            using var content = body();
            var (status, envelope) = await RawApi.SendAsync(sim, path, content, query);

            Assert.True(status is 200 or 413, $"{what}: HTTP {status}");
            Assert.NotNull(envelope);
            var code = RawApi.Code(envelope);
            Assert.True((v4 ? V4Codes : V1Codes).Contains(code), $"{what}: code {code}");
            Assert.Equal(status == 413, code == (v4 ? 60003 : 70009) && status == 413);
        }

        Assert.Empty(await sim.CallsAsync());
    }

    [Theory]
    [InlineData("PUT", "admin/faults")]
    [InlineData("POST", "admin/faults/next")]
    public async Task AdminEndpoints_RefuseMalformedInputWith400(string method, string path)
    {
        string[] bodies =
        [
            .. Generic.Where(b => b.Trim() != "{}"),
            """{"Error101001Rate":2}""", """{"Http502Rate":-0.5}""", """{"LatencyMs":-1}""", """{"LatencyMs":99999999}""",
            """{"HangSeconds":1e308}""", """{"Apis":5}""", """{"Error60018Rate":"often"}""", """{"PlaceThen502Rate":1e400}""",
            """{"api":"start_call_by_robot","fault":"Nope"}""", """{"api":"start_call_by_robot","fault":"Hang","count":999999999}""",
            """{"api":"start_call_by_robot","fault":"None"}""", """{"api":"start_call_by_robot","fault":"Hang","count":0}""",
            """{"api":"start_call_by_robot","fault":42}""", """{"fault":"Hang"}""", """{"api":null,"fault":"Hang"}""",
            """{"Error101001Rate":[]}""", """{"HangRate":{}}""", """{"LatencyMs":1.5}""",
            .. RateNames.SelectMany(n => new[] { $"{{\"{n}\":2}}", $"{{\"{n}\":-0.1}}" }),
        ];
        var refused = 0;
        foreach (var body in bodies.Where(b => method == "POST" || !b.Contains("\"fault\"", StringComparison.Ordinal)))
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = Text(body) };
            using var response = await sim.Admin.SendAsync(request);

            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{body[..Math.Min(body.Length, 40)]}: HTTP {(int)response.StatusCode}");
            refused++;
        }

        Assert.True(refused >= 50, $"only {refused} requests");
        Assert.Equal("{}", await sim.Admin.GetStringAsync("admin/rings"));
    }

    private static StringContent Text(string body) => new(body, Encoding.UTF8, "application/json");

    private static string[] CallIdBodies(string name) =>
    [
        "{}", $$$"""{"{{{name}}}":""}""", $$$"""{"{{{name}}}":null}""", $$$"""{"{{{name}}}":{}}""", $$$"""{"{{{name}}}":[]}""",
        $$$"""{"{{{name}}}":{"a":1}}""", $$$"""{"{{{name}}}":"   "}""", $$$"""{"{{{name}}}":[1,2]}""",
    ];

    private static string[] FilterBodies(string start, string end, string perPage, string page, string result, string type) =>
    [
        $$$"""{"{{{start}}}":"x"}""", $$$"""{"{{{start}}}":1e30}""", $$$"""{"{{{start}}}":-5}""", $$$"""{"{{{end}}}":{}}""",
        $$$"""{"{{{end}}}":99999999999999}""", $$$"""{"{{{perPage}}}":-1}""", $$$"""{"{{{perPage}}}":1.5}""", $$$"""{"{{{page}}}":"abc"}""",
        $$$"""{"{{{page}}}":-2147483648}""", $$$"""{"{{{result}}}":5}""", $$$"""{"{{{result}}}":"Offline"}""", $$$"""{"{{{type}}}":[]}""",
    ];

    private IEnumerable<string> BadQueries()
    {
        var good = RawApi.Query(sim);
        yield return string.Empty;
        yield return "?";
        yield return good.Replace("sdkappid=", "sdkappid=abc", StringComparison.Ordinal);
        yield return good.Replace("sdkappid=", "sdkappid=-", StringComparison.Ordinal);
        yield return good.Replace("sdkappid=", "sdkappid=99999999999999999999999", StringComparison.Ordinal);
        yield return RawApi.Query(sim, random: null);
        yield return RawApi.Query(sim, random: "-1");
        yield return RawApi.Query(sim, random: "4294967296");
        yield return good.Replace("contenttype=json", "contenttype=xml", StringComparison.Ordinal);
        yield return RawApi.Query(sim, userSig: "%25%25%25");
        yield return RawApi.Query(sim, userSig: new string('A', 2000));
        yield return RawApi.Query(sim, identifier: "someone-else");
        yield return RawApi.Query(sim, identifier: new string('i', 500));
    }
}
