using System.Diagnostics;

namespace Campaigns.Deployment.Tests;

/// <summary>
/// The compose file's one-shot <c>search-attributes</c> service, its script run as compose would run it
/// (sh -c, the Temporal CLI as <c>temporal</c>), against the tests' dev server in a namespace of its own.
/// </summary>
public sealed class SearchAttributeScriptTests
{
    [Fact]
    public async Task The_script_registers_both_attributes_and_is_idempotent()
    {
        var address = Required("TEMPORAL_ADDRESS");
        var cli = Required("TEMPORAL_CLI_PATH");
        var service = Compose.Service(await Compose.ConfigAsync(), "search-attributes");
        Assert.Equal(["/bin/sh", "-c"], Compose.List(service, "entrypoint"));
        var script = Compose.List(service, "command").Single().Replace("$$", "$", StringComparison.Ordinal); // compose's escape

        var bin = Directory.CreateTempSubdirectory("campaigns-cli-");
        try
        {
            File.CreateSymbolicLink(Path.Combine(bin.FullName, "temporal"), cli);
            var ns = "deploy-" + Guid.NewGuid().ToString("N")[..10];
            var env = new Dictionary<string, string> { ["TEMPORAL_ADDRESS"] = address, ["TEMPORAL_NAMESPACE"] = ns, ["PATH"] = bin.FullName + ":/usr/bin:/bin" };
            Assert.Equal(0, (await RunAsync("temporal", ["operator", "namespace", "create", "--namespace", ns], env)).Code);

            var first = await RunAsync("/bin/sh", ["-c", script], env);
            Assert.True(first.Code == 0, first.Output);
            var second = await RunAsync("/bin/sh", ["-c", script], env);
            Assert.True(second.Code == 0, second.Output);
            Assert.Contains("registered", second.Output, StringComparison.Ordinal);

            var list = await RunAsync("temporal", ["operator", "search-attribute", "list"], env);
            Assert.Contains("CampaignId", list.Output, StringComparison.Ordinal);
            Assert.Contains("CampaignStatus", list.Output, StringComparison.Ordinal);
        }
        finally
        {
            bin.Delete(recursive: true);
        }
    }

    private static async Task<(int Code, string Output)> RunAsync(string file, string[] args, Dictionary<string, string> env)
    {
        var start = new ProcessStartInfo(file == "temporal" ? Path.Combine(env["PATH"].Split(':')[0], "temporal") : file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Clear();
        foreach (var (key, value) in env)
        {
            start.Environment[key] = value;
        }

        start.Environment["HOME"] = Path.GetTempPath();
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await error);
    }

    private static string Required(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
        ? value
        : throw new InvalidOperationException($"{name} is not set: run the tests with 'bash tests/run.sh', which starts a Temporal dev server from ../shared/tools/temporal");
}
