using System.Diagnostics;

namespace Campaigns.Cli.Tests;

/// <summary>The built <c>campaigns</c> binary as an operator runs it: a process, its exit codes and its output.</summary>
[Trait("Needs", "Temporal")]
[Collection(TemporalTests.Name)]
public sealed class ProcessTests(TemporalServer temporal)
{
    [Fact]
    public async Task Binary_ValidatesSubmitsAndExplainsErrors_WithDocumentedExitCodes()
    {
        await using var h = await CliHarness.StartAsync(temporal);
        var example = Path.Combine(AppContext.BaseDirectory, "examples", "small-campaign.json");
        var ok = await RunAsync(h, "validate", example);
        Assert.True(ok.ExitCode == 0, ok.ToString());
        Assert.Contains("valid", ok.Out, StringComparison.Ordinal);

        var id = CliHarness.NewId();
        var submitted = await RunAsync(h, "submit", h.File("c.json", CliHarness.Campaign(id, 2)));
        Assert.True(submitted.ExitCode == 0, submitted.ToString());
        Assert.True(await temporal.ExistsAsync("campaign-" + id));

        var duplicate = await RunAsync(h, "submit", Path.Combine(h.Folder, "c.json"));
        Assert.True(duplicate.ExitCode == 1, duplicate.ToString());
        Assert.Contains("was started before", duplicate.Error, StringComparison.Ordinal);

        var invalid = await RunAsync(h, "submit", Path.Combine(AppContext.BaseDirectory, "Malformed", "01-missing-campaign-id.json"));
        Assert.True(invalid.ExitCode == 2, invalid.ToString());
        Assert.Contains("$.campaignId: required", invalid.Error, StringComparison.Ordinal);

        var unreachable = await RunAsync(h, "--address", "127.0.0.1:9", "status", id);
        Assert.True(unreachable.ExitCode == 3, unreachable.ToString());
        unreachable.NoStackTrace();
        Assert.Contains("cannot reach Temporal at 127.0.0.1:9", unreachable.Error, StringComparison.Ordinal);

        await h.Campaigns().Get(id).TerminateAsync("test over");
    }

    /// <summary>The CLI's own build output (src/Campaigns.Cli/bin/CONFIG/TFM/campaigns.dll), run with the muxer.</summary>
    private static async Task<CliRun> RunAsync(CliHarness h, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(CliDll());
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        foreach (var (key, value) in h.Environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        return new CliRun(process.ExitCode, await output, await error);
    }

    private static string CliDll()
    {
        // bin/<Configuration>/<tfm>/ of this test project → the same of src/Campaigns.Cli.
        var here = new DirectoryInfo(AppContext.BaseDirectory);
        var tfm = here.Name;
        var configuration = here.Parent!.Name;
        var root = here;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Campaigns.sln")))
        {
            root = root.Parent;
        }

        Assert.NotNull(root);
        var dll = Path.Combine(root.FullName, "src", "Campaigns.Cli", "bin", configuration, tfm, "campaigns.dll");
        Assert.True(File.Exists(dll), $"{dll} not built");
        return dll;
    }
}
