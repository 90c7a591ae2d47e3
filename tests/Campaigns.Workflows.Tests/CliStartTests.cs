using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Campaigns.Workflows.Contract;

namespace Campaigns.Workflows.Tests;

/// <summary>The README's own <c>temporal workflow start</c> line, run with the real Temporal CLI.</summary>
[Trait("Needs", "Temporal")]
[Collection(TemporalTests.Name)]
public sealed partial class CliStartTests(TemporalServer temporal)
{
    [Fact]
    public async Task ReadmeCommand_StartsTheExampleCampaign_WhichCompletes()
    {
        var cli = Environment.GetEnvironmentVariable("TEMPORAL_CLI_PATH") is { Length: > 0 } path ? path
            : throw new InvalidOperationException("TEMPORAL_CLI_PATH is not set: run the tests with 'bash tests/run.sh', which installs the Temporal CLI");
        var line = ReadmeStartLine();
        await using var h = await CampaignHarness.StartAsync(temporal);
        var id = CampaignHarness.NewId();

        // The example file exactly as shipped, with only the campaign id made unique for this test.
        var example = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "examples", "small-campaign.json")))!;
        example["campaignId"] = id;
        var file = Path.Combine(Path.GetTempPath(), id + ".json");
        await File.WriteAllTextAsync(file, example.ToJsonString());
        var args = Arguments(line)
            .Select(a => a switch
            {
                "campaigns" => h.TaskQueue,
                _ when a.StartsWith("campaign-", StringComparison.Ordinal) => CampaignSearch.WorkflowIdOf(id),
                _ when a.EndsWith(".json", StringComparison.Ordinal) => file,
                _ => a,
            })
            .Skip(1)
            .Concat(["--address", temporal.Address])
            .ToList();

        var (exit, output) = await RunAsync(cli, args);

        Assert.True(exit == 0, $"temporal {string.Join(' ', args)} exited {exit}: {output}");
        var result = await h.Campaigns.Get(id).GetResultAsync();
        Assert.Equal(CampaignStatuses.Completed, result.Status);
        Assert.Equal(6, result.Targets);
        var rings = await h.Simulator.RingsAsync();
        Assert.Equal(8, rings.Values.Sum());
        Assert.All(rings.Values, r => Assert.Equal(1, r));

        // What the Web UI shows of a campaign the CLI started: the line's static summary, and current details that
        // name the campaign (CampaignClient is not involved here).
        var description = await h.Campaigns.Get(id).DescribeAsync();
        Assert.Equal("Campaign example-small", await description.GetStaticSummaryAsync());
        var (metaExit, metadata) = await RunAsync(cli, ["workflow", "metadata", "--workflow-id", CampaignSearch.WorkflowIdOf(id), "--address", temporal.Address]);
        Assert.True(metaExit == 0, metadata);
        Assert.Contains($"Campaign {id} · robot robot · 6 targets", metadata, StringComparison.Ordinal);
        Assert.Contains("Completed", metadata, StringComparison.Ordinal);
        File.Delete(file);
    }

    private static string ReadmeStartLine()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "README.md")))
        {
            dir = dir.Parent;
        }

        var readme = File.ReadAllText(Path.Combine(dir!.FullName, "README.md"));
        var match = StartLine().Match(readme);
        Assert.True(match.Success, "README.md has no 'temporal workflow start' line");
        return match.Value.Replace("\\\n", " ", StringComparison.Ordinal);
    }

    /// <summary>Splits a command line as a shell does for plain words and double-quoted ones ("Campaign x").</summary>
    internal static List<string> Arguments(string line)
    {
        var args = new List<string>();
        var word = new System.Text.StringBuilder();
        var quoted = false;
        var any = false;
        foreach (var c in line)
        {
            if (c == '"')
            {
                quoted = !quoted;
                any = true;
            }
            else if (char.IsWhiteSpace(c) && !quoted)
            {
                if (any)
                {
                    args.Add(word.ToString());
                    word.Clear();
                    any = false;
                }
            }
            else
            {
                word.Append(c);
                any = true;
            }
        }

        if (any)
        {
            args.Add(word.ToString());
        }

        return args;
    }

    /// <summary>Runs a process (the Temporal CLI) and returns its exit code and its output.</summary>
    internal static async Task<(int Exit, string Output)> RunAsync(string file, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, output);
    }

    [GeneratedRegex(@"^temporal workflow start(?:[^\n]*\\\n)*[^\n]*$", RegexOptions.Multiline)]
    private static partial Regex StartLine();
}
