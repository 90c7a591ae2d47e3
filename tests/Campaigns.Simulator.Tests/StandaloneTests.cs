using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Campaigns.TencentCall;
using Campaigns.TencentCall.Errors;
using Campaigns.TencentCall.Models;
using Microsoft.Extensions.DependencyInjection;

namespace Campaigns.Simulator.Tests;

/// <summary>The simulator as its own process, configured from the command line, as the README runs it.</summary>
public sealed class StandaloneTests : IDisposable
{
    private readonly Process process;
    private readonly Uri url;

    public StandaloneTests()
    {
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            url = new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/");
        }

        var dll = Path.Combine(AppContext.BaseDirectory, "Campaigns.Simulator.dll");
        process = Process.Start(new ProcessStartInfo("dotnet", [dll, "--urls", url.ToString().TrimEnd('/'), "--Simulator:SecretKey=from-the-command-line", "--Simulator:TimeScale=30",

            // A callee that never answers rings for the whole 10-minute timeout (20 s real at 30x): the call
            // is still live when the test looks, however loaded the machine. A random fate could end it at once.
            "--Simulator:Scenario:Forced:ring-=NotAnswer", "--Simulator:Scenario:NotRungRate=0", "--Simulator:Scenario:NoCallResultRate=0"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    [Fact]
    public async Task Standalone_ServesTheApis_WithTheKeyGivenOnTheCommandLine()
    {
        using var http = new HttpClient { BaseAddress = url };
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                var banner = await http.GetStringAsync("/");
                Assert.Contains("simulator", banner, StringComparison.Ordinal);
                break;
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                await Task.Delay(200);
            }
        }

        var right = Client("from-the-command-line");
        var wrong = Client("simulator-secret-key");

        var call = await right.StartCallByRobotAsync(new StartCallRequest { RobotAccount = "r", Callees = ["ring-x"], TimeoutMs = 600_000 });
        Assert.False((await right.GetCallInfoAsync(call.CallId)).HasEnded);
        var e = await Assert.ThrowsAsync<TencentCallException>(() => wrong.GetCallInfoAsync(call.CallId));
        Assert.Equal(TencentErrorKind.Auth, e.Kind);
        Assert.Contains("\"timeScale\":30", await http.GetStringAsync("/admin/clock"), StringComparison.Ordinal);
        Assert.Equal("{\"ring-x\":1}", await http.GetStringAsync("/admin/rings"));
    }

    public void Dispose()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        process.Dispose();
    }

    private ITencentCallClient Client(string secret) => new ServiceCollection()
        .AddLogging()
        .AddTencentCall(o =>
        {
            o.SdkAppId = 1400000001;
            o.SecretKey = secret;
            o.BaseUrl = url;
        })
        .BuildServiceProvider()
        .GetRequiredService<ITencentCallClient>();
}
