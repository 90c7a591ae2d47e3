using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Campaigns.Worker;
using Campaigns.Workflows.Contract;
using Temporalio.Client;

namespace Campaigns.Workflows.Tests;

/// <summary>
/// The README's three-process recipe ("Run a campaign locally"), run line by line as a user types it: the dev
/// server, the simulator and the worker as processes of their own, then the campaign started and queried with the
/// Temporal CLI. What the test changes, and only that: free ports instead of 7233/8233/5080 (a suite's own servers
/// hold ports), <c>dotnet run --project src/X --</c> as the built <c>dotnet X.dll</c> (the same program, without a
/// second build), the simulator and the worker 20 × faster (a minute of calls in seconds), and a folder of its own
/// as the worker's working directory (where the embedded store's campaigns.db lands).
/// </summary>
[Trait("Needs", "Temporal")]
[Collection(TemporalTests.Name)]
public sealed partial class LocalRecipeTests
{
    private const int TimeScale = 20;

    [Fact]
    public async Task ReadmeRecipe_ThreeProcesses_RunTheExampleCampaign_EachCalleeRungOnce()
    {
        var lines = RecipeLines();
        Assert.Equal(5, lines.Count);
        Assert.StartsWith("temporal server start-dev", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("dotnet run --project src/Campaigns.Simulator --", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("dotnet run --project src/Campaigns.Worker --", lines[2], StringComparison.Ordinal);
        Assert.StartsWith("temporal workflow start", lines[3], StringComparison.Ordinal);
        Assert.StartsWith("temporal workflow query", lines[4], StringComparison.Ordinal);

        var (port, uiPort, simulatorPort) = (FreePort(), FreePort(), FreePort());
        var address = $"127.0.0.1:{port}";
        string Local(string line) => line.Replace("127.0.0.1:5080", $"127.0.0.1:{simulatorPort}", StringComparison.Ordinal);
        var folder = Directory.CreateTempSubdirectory("campaigns-recipe-");
        using var server = RunningProcess.Start(TemporalCli.Path, [.. Words(lines[0]).Skip(1), "--ip", "127.0.0.1", "--port", $"{port}", "--ui-port", $"{uiPort}"], folder.FullName);
        using var simulator = RunningProcess.Start("dotnet", [WorkerProcess.BuiltDll("Campaigns.Simulator"), .. AfterDashes(Local(lines[1])), $"--Simulator:TimeScale={TimeScale}"], folder.FullName);
        using var worker = RunningProcess.Start("dotnet", [WorkerProcess.BuiltDll("Campaigns.Worker"), .. AfterDashes(Local(lines[2])), $"--Campaigns:Watch:TimeScale={TimeScale}"], folder.FullName, new() { ["TEMPORAL_ADDRESS"] = address });
        try
        {
            using var admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{simulatorPort}/") };
            await Eventually.TrueAsync(async () => await Answers(admin, "admin/clock"), "the simulator answers", 60);
            await Eventually.TrueAsync(async () => (await TemporalCli.RunAsync(["operator", "namespace", "describe", "--namespace", "default", "--address", address])).Exit == 0, "the dev server answers", 60);

            var root = RepositoryRoot();
            var start = await RunInAsync(root, [.. Words(lines[3]).Skip(1), "--address", address]);
            Assert.True(start.Exit == 0, $"{lines[3]}: {start.Output}\nworker: {worker.Text}");
            var query = await RunInAsync(root, [.. Words(lines[4]).Skip(1), "--address", address]);
            Assert.True(query.Exit == 0, $"{lines[4]}: {query.Output}");
            Assert.Contains("\"status\"", query.Output, StringComparison.Ordinal);

            var client = await TemporalClient.ConnectAsync(new(address) { DataConverter = CampaignJson.DataConverter });
            using var wait = new CancellationTokenSource(TimeSpan.FromMinutes(4));
            var result = await client.GetWorkflowHandle("campaign-example-small").GetResultAsync<CampaignProgress>(rpcOptions: new() { CancellationToken = wait.Token });
            Assert.Equal(CampaignStatuses.Completed, result.Status);
            Assert.Equal(6, result.Targets);
            Assert.Equal(6, result.Finished);

            var rings = (await admin.GetFromJsonAsync<Dictionary<string, int>>("admin/rings"))!;
            Assert.Equal(8, rings.Count); // 5 callees alone and a group call of three, each rung once
            Assert.All(rings.Values, r => Assert.Equal(1, r));
            Assert.True(File.Exists(Path.Combine(folder.FullName, "campaigns.db")), "the embedded store is not in the worker's working directory");
            Assert.False(worker.HasExited, "the worker stopped: " + worker.Text);
        }
        finally
        {
            worker.Dispose();
            simulator.Dispose();
            server.Dispose();
            folder.Delete(recursive: true);
        }
    }

    /// <summary>
    /// A worker started against a Temporal without the two search attributes (the dev server started without the
    /// recipe's <c>--search-attribute</c> flags) stops at once, exit code 2, naming the command that registers them.
    /// </summary>
    [Fact]
    public async Task Worker_NamespaceWithoutTheSearchAttributes_StopsNamingTheCommand()
    {
        var port = FreePort();
        var address = $"127.0.0.1:{port}";
        var folder = Directory.CreateTempSubdirectory("campaigns-no-attributes-");
        using var server = RunningProcess.Start(TemporalCli.Path, ["server", "start-dev", "--headless", "--ip", "127.0.0.1", "--port", $"{port}"], folder.FullName);
        try
        {
            await Eventually.TrueAsync(async () => (await TemporalCli.RunAsync(["operator", "namespace", "describe", "--namespace", "default", "--address", address])).Exit == 0, "the dev server answers", 60);
            using var worker = RunningProcess.Start(
                "dotnet",
                [WorkerProcess.BuiltDll("Campaigns.Worker"), "--TencentCall:SdkAppId=1400000001", "--TencentCall:SecretKey=k", "--TencentCall:BaseUrl=http://127.0.0.1:9/", "--OutcomeStore:Embedded=true"],
                folder.FullName,
                new() { ["TEMPORAL_ADDRESS"] = address });
            var clock = Stopwatch.StartNew();
            await Eventually.TrueAsync(() => Task.FromResult(worker.HasExited), "the worker stops", 60);
            Console.WriteLine($"worker without search attributes stopped after {clock.Elapsed.TotalSeconds:F1} s with exit code {worker.ExitCode}");
            Assert.Equal(SearchAttributeCheck.ExitCode, worker.ExitCode);
            Assert.Contains("has no Keyword search attribute CampaignId or CampaignStatus", worker.Text, StringComparison.Ordinal);
            Assert.Contains(CampaignSearch.RegisterCommand("default"), worker.Text, StringComparison.Ordinal);

            // The command it names works: registered, a worker starts and stays up.
            var register = await TemporalCli.RunAsync([.. Words(CampaignSearch.RegisterCommand("default")).Skip(1), "--address", address]);
            Assert.True(register.Exit == 0, register.Stdout + register.Stderr);
            using var second = RunningProcess.Start(
                "dotnet",
                [WorkerProcess.BuiltDll("Campaigns.Worker"), "--TencentCall:SdkAppId=1400000001", "--TencentCall:SecretKey=k", "--TencentCall:BaseUrl=http://127.0.0.1:9/", "--OutcomeStore:Embedded=true"],
                folder.FullName,
                new() { ["TEMPORAL_ADDRESS"] = address });
            await Task.Delay(TimeSpan.FromSeconds(10));
            Assert.False(second.HasExited, "a worker stopped although the attributes are registered: " + second.Text);
            Assert.DoesNotContain("search attribute", second.Text, StringComparison.Ordinal);
        }
        finally
        {
            server.Dispose();
            folder.Delete(recursive: true);
        }
    }

    // The recipe's commands: the lines of the first ```bash block under "## Run a campaign locally", comments left out.
    private static List<string> RecipeLines()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md"));
        var match = RecipeBlock().Match(readme);
        Assert.True(match.Success, "README.md has no ```bash block under '## Run a campaign locally'");
        return [.. match.Groups["block"].Value.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))];
    }

    // "dotnet run --project P -- a b" → "a b": the program's own arguments.
    private static IEnumerable<string> AfterDashes(string line) => Words(line).SkipWhile(w => w != "--").Skip(1);

    private static List<string> Words(string line) => CliStartTests.Arguments(line);

    private static async Task<(int Exit, string Output)> RunInAsync(string directory, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(TemporalCli.Path) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = directory };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }

    private static async Task<bool> Answers(HttpClient client, string path)
    {
        try
        {
            using var response = await client.GetAsync(path);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Campaigns.sln")))
        {
            dir = dir.Parent;
        }

        return dir!.FullName;
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        return ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
    }

    [GeneratedRegex(@"^## Run a campaign locally\s*$.*?^```bash\n(?<block>.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex RecipeBlock();

    /// <summary>A long-running process of the recipe, its output kept, killed (with its children) when disposed.</summary>
    private sealed class RunningProcess : IDisposable
    {
        private readonly Process process;
        private readonly ConcurrentQueue<string> output = new();

        private RunningProcess(Process process) => this.process = process;

        public bool HasExited => process.HasExited;

        public int ExitCode => process.ExitCode;

        public string Text => string.Join('\n', output);

        public static RunningProcess Start(string file, IEnumerable<string> args, string directory, Dictionary<string, string>? environment = null)
        {
            var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = directory };
            foreach (var arg in args)
            {
                start.ArgumentList.Add(arg);
            }

            // A user's shell has none of the suite's settings: no store, Temporal or Tencent keys leak in.
            foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("ConnectionStrings__", StringComparison.Ordinal) || k.StartsWith("Campaigns__", StringComparison.Ordinal)
                || k.StartsWith("TencentCall__", StringComparison.Ordinal) || k.StartsWith("Temporal__", StringComparison.Ordinal) || k.StartsWith("OutcomeStore__", StringComparison.Ordinal)
                || (k.StartsWith("TEMPORAL_", StringComparison.Ordinal) && k != "TEMPORAL_CLI_PATH")).ToList())
            {
                start.Environment.Remove(key);
            }

            foreach (var (key, value) in environment ?? [])
            {
                start.Environment[key] = value;
            }

            var running = new RunningProcess(Process.Start(start)!);
            running.process.OutputDataReceived += (_, e) => running.Keep(e.Data);
            running.process.ErrorDataReceived += (_, e) => running.Keep(e.Data);
            running.process.BeginOutputReadLine();
            running.process.BeginErrorReadLine();
            return running;
        }

        public void Dispose()
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    process.WaitForExit();
                }
            }
            catch (InvalidOperationException)
            {
                // already gone
            }
        }

        private void Keep(string? line)
        {
            if (line is not null && output.Count < 20_000)
            {
                output.Enqueue(line);
            }
        }
    }
}
