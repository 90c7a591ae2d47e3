using System.Net.Http.Headers;
using System.Text;
using Campaigns.Storage.Model;

namespace Campaigns.Callbacks.Tests;

/// <summary>1,000 hostile requests: each gets its documented refusal, none reaches the ledger, and the receiver lives on.</summary>
[Trait("Needs", "Temporal")]
[Collection(ReceiverTests.Name)]
public sealed class HostileInputTests : IAsyncLifetime
{
    private const string Start = CallEventOrder.StartCommand;
    private const string Member = CallEventOrder.MemberCommand;
    private ReceiverHost host = null!;

    // Each kind: how to send it, and the HTTP status and ErrorCode docs/callbacks.md documents for it.
    private static readonly (string Kind, int Status, long Code, Func<ReceiverHost, int, Task<(int Status, System.Text.Json.Nodes.JsonObject? Envelope)>> Send)[] Kinds =
    [
        ("bad JSON", 400, 19007, (h, i) => h.PostAsync(Start, $$"""{"CallId":"h{{i}}","EventTime":""")),
        ("1 MB body", 413, 19006, (h, i) => h.PostAsync(Start, $$"""{"CallId":"h{{i}}","EventTime":1,"Pad":"{{new string('x', 1_000_000)}}"}""")),
        ("200 KB chunked body", 413, 19006, (h, i) => h.PostAsync(Path(Start), Chunked(new byte[200_000]))),
        ("wrong SdkAppid", 403, 19003, (h, i) => h.PostAsync(ReceiverHost.Query(Start, 1400000002).Insert(0, "tencent/callback/" + ReceiverHost.Secret), ReceiverHost.Json(Valid(i)))),
        ("no SdkAppid", 403, 19003, (h, i) => h.PostAsync("tencent/callback/" + ReceiverHost.Secret + "?CallbackCommand=" + Start, ReceiverHost.Json(Valid(i)))),
        ("wrong secret", 404, 19001, (h, i) => h.PostAsync("tencent/callback/" + ReceiverHost.Secret[..^1] + "X" + ReceiverHost.Query(Start), ReceiverHost.Json(Valid(i)))),
        ("no secret", 404, 19001, (h, i) => h.PostAsync("tencent/callback" + ReceiverHost.Query(Start), ReceiverHost.Json(Valid(i)))),
        ("unknown command", 400, 19004, (h, i) => h.PostAsync("Call.CallbackBeforeStartCall", Valid(i))),
        ("body's command differs", 400, 19004, (h, i) => h.PostAsync(Start, $$"""{"CallbackCommand":"{{Member}}","CallId":"h{{i}}","EventTime":1}""")),
        ("missing CallId", 400, 19008, (h, i) => h.PostAsync(Start, """{"EventTime":1700000000000}""")),
        ("missing EventTime", 400, 19008, (h, i) => h.PostAsync(Start, $$"""{"CallId":"h{{i}}"}""")),
        ("huge number", 400, 19008, (h, i) => h.PostAsync(Start, $$"""{"CallId":"h{{i}}","EventTime":1{{new string('0', 400)}}}""")),
        ("negative time", 400, 19008, (h, i) => h.PostAsync(Start, $$"""{"CallId":"h{{i}}","EventTime":-5}""")),
        ("member change without members", 400, 19008, (h, i) => h.PostAsync(Member, $$"""{"CallId":"h{{i}}","EventTime":1}""")),
        ("end without record", 400, 19008, (h, i) => h.PostAsync(CallEventOrder.EndCommand, $$"""{"CallId":"h{{i}}","EventTime":1}""")),
        ("wrong content type", 415, 19005, (h, i) => h.PostAsync(Path(Start), new StringContent(Valid(i), Encoding.UTF8, "text/plain"))),
        ("invalid UTF-8", 400, 19007, (h, i) => h.PostAsync(Path(Start), Bytes([.. "{\"CallId\":\"h"u8, 0xC3, 0x28, .. "\",\"EventTime\":1}"u8]))),
        ("not an object", 400, 19007, (h, i) => h.PostAsync(Start, "[1,2,3]")),
        ("empty body", 400, 19007, (h, i) => h.PostAsync(Start, string.Empty)),
        ("deep nesting", 400, 19007, (h, i) => h.PostAsync(Start, new string('[', 5000) + new string(']', 5000))),
        ("PUT", 405, 19002, (h, i) => h.PostAsync(Path(Start), ReceiverHost.Json(Valid(i)), HttpMethod.Put)),
    ];

    public async Task InitializeAsync() => host = await ReceiverHost.StartAsync();

    public async Task DisposeAsync() => await host.DisposeAsync();

    [Fact]
    public async Task ThousandHostileRequests_EachGetsItsDocumentedError_NothingInTheLedger_ReceiverAlive()
    {
        using var metrics = new MetricsProbe();
        var failures = new List<string>();
        await Parallel.ForEachAsync(Enumerable.Range(0, 1000), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
        {
            var (kind, status, code, send) = Kinds[i % Kinds.Length];
            var (gotStatus, envelope) = await send(host, i);
            var gotCode = (long?)envelope?["ErrorCode"];
            if (gotStatus != status || gotCode != code || (string?)envelope?["ActionStatus"] != "FAIL" || envelope?["ErrorInfo"] is null)
            {
                lock (failures)
                {
                    failures.Add($"{kind}: HTTP {gotStatus} {envelope?.ToJsonString()}");
                }
            }
        });

        Assert.Empty(failures);
        Assert.Equal(1000, metrics["campaigns.callbacks.rejected"]);
        Assert.Equal(Enumerable.Range(0, 1000).Count(i => Kinds[i % Kinds.Length].Code == 19001), metrics["campaigns.callbacks.rejected/secret"]);
        Assert.Equal(0, await host.RowsAsync());

        var (okStatus, ok) = await host.PostAsync(Start, Valid(1));
        Assert.Equal(200, okStatus);
        Assert.Equal("""{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0}""", ok!.ToJsonString());
        Assert.Equal(1, await host.RowsAsync());
    }

    private static string Path(string command) => "tencent/callback/" + ReceiverHost.Secret + ReceiverHost.Query(command);

    private static string Valid(int i) => $$"""{"CallbackCommand":"{{Start}}","CallId":"valid-{{i}}","EventTime":1700000000000,"UserList":[]}""";

    private static ByteArrayContent Bytes(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    // No Content-Length: the receiver must stop reading at its limit by itself.
    private static StreamContent Chunked(byte[] bytes)
    {
        var content = new StreamContent(new NoLengthStream(bytes));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    private sealed class NoLengthStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
