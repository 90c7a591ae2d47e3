using System.Diagnostics;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Serialization;
using Campaigns.Simulator.Endpoints;
using Campaigns.Simulator.Pipeline;

namespace Campaigns.Workflows.Tests;

/// <summary>
/// The simulator as a process of its own, like the vendor: a test whose workers are processes too then
/// measures request timing without the test process's own stalls mixed in.
/// </summary>
internal sealed class ExternalSimulator : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };
    private readonly Process process;

    private ExternalSimulator(Process process, Uri baseUrl)
    {
        this.process = process;
        BaseUrl = baseUrl;
        Admin = new HttpClient { BaseAddress = baseUrl };
    }

    public Uri BaseUrl { get; }

    public HttpClient Admin { get; }

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
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var simulator = new ExternalSimulator(process, new Uri($"http://127.0.0.1:{port}/"));
        await Eventually.TrueAsync(async () =>
        {
            try
            {
                using var response = await simulator.Admin.GetAsync("admin/clock");
                return response.IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, "the simulator answers", 60);
        return simulator;
    }

    public async Task<Dictionary<string, int>> RingsAsync() => (await Admin.GetFromJsonAsync<Dictionary<string, int>>("admin/rings", Json))!;

    public async Task<List<PlacedCall>> CallsAsync() => (await Admin.GetFromJsonAsync<List<PlacedCall>>("admin/calls", Json))!;

    public async Task<RequestsSnapshot> RequestsAsync() => (await Admin.GetFromJsonAsync<RequestsSnapshot>("admin/requests", Json))!;

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
