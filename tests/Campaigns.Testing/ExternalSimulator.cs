using System.Diagnostics;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Serialization;
using Campaigns.Simulator;
using Campaigns.Simulator.Endpoints;
using Campaigns.Simulator.Pipeline;

namespace Campaigns.Testing;

/// <summary>
/// The simulator as a process of its own, like the vendor: a test whose workers are processes too then
/// measures request timing without the test process's own stalls mixed in. Settings are its command-line
/// arguments (<c>--Simulator:TimeScale=60</c>).
/// </summary>
public sealed class ExternalSimulator : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };
    private readonly Process process;

    private ExternalSimulator(Process process, Uri baseUrl)
    {
        this.process = process;
        BaseUrl = baseUrl;
        Admin = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromMinutes(5) };
    }

    /// <summary>Where it listens.</summary>
    public Uri BaseUrl { get; }

    /// <summary>A plain HTTP client on it, for the admin endpoints.</summary>
    public HttpClient Admin { get; }

    /// <summary>The process id (for /proc).</summary>
    public int Id => process.Id;

    /// <summary>Starts one on a free loopback port and waits until it answers.</summary>
    public static async Task<ExternalSimulator> StartAsync(params string[] settings)
    {
        int port;
        using (var probe = new TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        }

        var start = new ProcessStartInfo("dotnet", [WorkerProcess.BuiltDll("Campaigns.Simulator"), "--urls", $"http://127.0.0.1:{port}", .. settings])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // Its request log would only cost CPU that the benchmark measures.
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var simulator = new ExternalSimulator(process, new Uri($"http://127.0.0.1:{port}/"));
        await Eventually.TrueAsync(
            async () =>
            {
                try
                {
                    using var response = await simulator.Admin.GetAsync("admin/clock").ConfigureAwait(false);
                    return response.IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            },
            "the simulator answers",
            60).ConfigureAwait(false);
        return simulator;
    }

    /// <summary>How many times each callee was rung (callees rung at least once).</summary>
    public async Task<Dictionary<string, int>> RingsAsync() => (await Admin.GetFromJsonAsync<Dictionary<string, int>>("admin/rings", Json).ConfigureAwait(false))!;

    /// <summary>Every call kept in its call book.</summary>
    public async Task<List<PlacedCall>> CallsAsync() => (await Admin.GetFromJsonAsync<List<PlacedCall>>("admin/calls", Json).ConfigureAwait(false))!;

    /// <summary>Request counts per API and the worst 1-second windows.</summary>
    public async Task<RequestsSnapshot> RequestsAsync() => (await Admin.GetFromJsonAsync<RequestsSnapshot>("admin/requests", Json).ConfigureAwait(false))!;

    /// <summary>Calls kept and evicted, rings counted.</summary>
    public async Task<CallBookSummary> SummaryAsync() => (await Admin.GetFromJsonAsync<CallBookSummary>("admin/summary", Json).ConfigureAwait(false))!;

    /// <summary>Replaces the random fault rates.</summary>
    public async Task SetFaultsAsync(FaultRates rates)
    {
        using var response = await Admin.PutAsJsonAsync("admin/faults", rates, Json).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Peak resident set size so far (VmHWM), in bytes.</summary>
    public long? PeakRssBytes() => ProcStatus.PeakRssBytes(process.Id);

    /// <inheritdoc />
    public void Dispose()
    {
        Admin.Dispose();
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        process.Dispose();
    }
}
