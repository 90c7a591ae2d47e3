using System.Diagnostics;
using System.Globalization;
using System.Text;
using Campaigns.Simulator;
using Campaigns.TencentCall.UserSig;
using Campaigns.Testing;

namespace Campaigns.Bench;

/// <summary>
/// How many requests per second the simulator serves with rate limits lifted, so that it is never
/// the bottleneck of a campaign benchmark (the bar: 2,000 requests/s on the 2-core machine). The
/// load comes from this process over loopback with pre-signed URLs: the figure is for the server,
/// and a lower bound, since the load generator shares the two cores.
/// </summary>
internal static class SimulatorThroughput
{
    public static async Task RunAsync(TimeSpan duration, int concurrency, string? externalUrl)
    {
        await using var sim = externalUrl is null
            ? await SimulatorHost.StartAsync(o =>
            {
                o.RateLimits.Enabled = false;
                o.TimeScale = 60;
            })
            : null;
        var baseUrl = externalUrl is null ? sim!.BaseUrl : new Uri(externalUrl);
        var options = sim?.Options ?? new SimulatorOptions();
        var sig = TlsSigV2.Generate(options.SdkAppId, "administrator", options.SecretKey, TimeSpan.FromDays(1), DateTimeOffset.UtcNow);
        var query = string.Create(CultureInfo.InvariantCulture, $"?sdkappid={options.SdkAppId}&identifier=administrator&usersig={Uri.EscapeDataString(sig)}&random=1&contenttype=json");
#pragma warning disable CA2000 // the HttpClient owns its handler and disposes it
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency }) { BaseAddress = baseUrl };
#pragma warning restore CA2000

        // Warm-up: JIT, connection pool.
        await LoadAsync(http, query, TimeSpan.FromSeconds(2), concurrency);
        var (starts, polls, errors, elapsed) = await LoadAsync(http, query, duration, concurrency);
        var rate = (starts + polls) / elapsed.TotalSeconds;
        Console.WriteLine("simulator throughput (rate limits lifted, loopback, load generator in-process)");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  concurrency {concurrency}, {elapsed.TotalSeconds:F1} s: {starts} start_call_by_robot + {polls} get_call_info, {errors} answered non-zero (101004 once a call has ended)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {rate:F0} requests/s = {rate / 2000:F2} x the 2,000/s bar = {rate / 200:F1} x one API's 200/s vendor budget"));
        if (sim is not null)
        {
            // Bounded memory: ended calls beyond Limits:MaxCalls are evicted; ring counts stay.
            var summary = await sim.SummaryAsync();
            var worst = (await sim.RequestsAsync()).Apis.Select(a => $"{a.Key} {a.Value.WorstWindow}");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  calls kept {summary.CallsRetained}, evicted {summary.CallsEvicted}, rings {summary.Rings}; managed heap {GC.GetTotalMemory(forceFullCollection: true) / 1_048_576} MB"));
            Console.WriteLine("  worst 1-second window: " + string.Join(", ", worst));
        }
    }

    private static async Task<(long Starts, long Polls, long Errors, TimeSpan Elapsed)> LoadAsync(
        HttpClient http, string query, TimeSpan duration, int concurrency)
    {
        long starts = 0, polls = 0, errors = 0;
        var stopAt = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var watch = Stopwatch.StartNew();
        var callIds = new string[concurrency];
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async worker =>
        {
            var n = 0;
            while (Stopwatch.GetTimestamp() < stopAt)
            {
                // One start, then four polls of that call: the mix a campaign produces.
                var isStart = n++ % 5 == 0 || callIds[worker] is null;
                var body = isStart
                    ? $$$"""{"Robot_Account":"robot","CalleeList_Account":["b{{{worker}}}-{{{n}}}"],"Timeout":30000,"CallInfo":{"MediaType":"Audio"}}"""
                    : $$$"""{"CallId":"{{{callIds[worker]}}}"}""";
                using var content = new StringContent(body, Encoding.UTF8, "application/json");
                var path = isStart ? "v4/call_engine_http_srv/start_call_by_robot" : "v4/call_engine_http_srv/get_call_info";
                using var response = await http.PostAsync(path + query, content);
                var text = await response.Content.ReadAsStringAsync();
                if (!text.Contains("\"ErrorCode\":0", StringComparison.Ordinal))
                {
                    Interlocked.Increment(ref errors);
                }

                if (isStart)
                {
                    Interlocked.Increment(ref starts);
                    var at = text.IndexOf("\"CallId\":\"", StringComparison.Ordinal);
                    callIds[worker] = at < 0 ? null! : text.Substring(at + 10, 36);
                }
                else
                {
                    Interlocked.Increment(ref polls);
                }
            }
        }));
        return (starts, polls, errors, watch.Elapsed);
    }
}
