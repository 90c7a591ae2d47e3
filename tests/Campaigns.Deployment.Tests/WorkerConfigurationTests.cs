using System.Diagnostics;

namespace Campaigns.Deployment.Tests;

/// <summary>
/// Which of the worker's configuration sources wins for the Temporal connection, checked on the built worker
/// as an operator starts it (real environment variables and arguments). Each case gives the winning source an
/// address that is not host:port, so the worker stops at start-up naming the value it chose — nothing connects.
/// </summary>
public sealed class WorkerConfigurationTests
{
    // A well-formed address that nothing listens on: the value that must lose.
    private const string CliAddress = "127.0.0.1:1";

    [Fact]
    public async Task A_Temporal__Address_variable_outranks_TEMPORAL_ADDRESS()
    {
        var run = await RunWorkerAsync([], new() { ["TEMPORAL_ADDRESS"] = CliAddress, ["Temporal__Address"] = "explicit-variable" });
        AssertRefused(run, "explicit-variable");
    }

    [Fact]
    public async Task A_command_line_Temporal_Address_outranks_TEMPORAL_ADDRESS()
    {
        var run = await RunWorkerAsync(["--Temporal:Address=explicit-argument"], new() { ["TEMPORAL_ADDRESS"] = CliAddress });
        AssertRefused(run, "explicit-argument");
    }

    [Fact]
    public async Task TEMPORAL_ADDRESS_is_used_when_no_explicit_key_is_set()
    {
        // appsettings.json sets no Temporal:Address, so the CLI's variable is not shadowed by a default.
        var run = await RunWorkerAsync([], new() { ["TEMPORAL_ADDRESS"] = "cli-variable" });
        AssertRefused(run, "cli-variable");
    }

    private static void AssertRefused((int Code, string Output) run, string address)
    {
        Assert.True(run.Code == 2, $"exit code {run.Code}: {run.Output}");
        Assert.Contains($"Temporal:Address: \"{address}\" must be host:port", run.Output, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Output)> RunWorkerAsync(string[] args, Dictionary<string, string> env)
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name; // Release or Debug
        var dll = Repo.PathOf($"src/Campaigns.Worker/bin/{configuration}/net10.0/Campaigns.Worker.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // The test process may carry the dev server's TEMPORAL_ADDRESS (tests/services.sh): only this case's count.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("TEMPORAL_", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(key);
        }

        foreach (var (key, value) in env)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true); // it went on to connect: the wrong source won
            await process.WaitForExitAsync();
        }

        return (process.ExitCode, await output + await error);
    }
}
