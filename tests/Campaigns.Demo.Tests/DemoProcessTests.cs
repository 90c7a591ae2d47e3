using System.Text.RegularExpressions;

namespace Campaigns.Demo.Tests;

/// <summary>
/// The README's first command, run as a user runs it: two demos at once (the second finds its own free ports), one
/// to the end, the other kept running and stopped with Ctrl-C; neither leaves a Temporal process or a folder behind.
/// </summary>
public sealed partial class DemoProcessTests
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task Demo_RunsToTheEnd_WhileAnotherIsKeptRunning_AndCtrlCStopsEverything()
    {
        using var kept = DemoProcess.Start("--callees", "10", "--keep-running");
        using var run = DemoProcess.Start("--callees", "12");

        var exit = await run.WaitForExitAsync(RunTimeout);
        var output = run.Output;
        Assert.True(exit == 0, $"exit code {exit}; output:\n{output}");
        Assert.Matches(@"Completed, (\d+) of \1 targets finished", output); // 9 alone and a group of 3
        var stored = OutcomesStored().Match(output);
        Assert.True(stored.Success, "no outcome table in the output:\n" + output);
        Assert.True(int.Parse(stored.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) >= 11, stored.Value); // 12 callees, one on the do-not-call list
        Assert.Matches(@"│ NormalEnd\s+│\s+\d+ │", output);
        Assert.Contains("Skipped (do-not-call, never rung)", output, StringComparison.Ordinal);
        Assert.Contains("Sample outcome rows", output, StringComparison.Ordinal);
        Assert.Matches(@"http://127\.0\.0\.1:\d+/namespaces/default/workflows\?query=CampaignId%3D%22demo-[\w-]+%22", output);
        await DevServerProcesses.GoneAsync(run.DevServerPort(), TimeSpan.FromSeconds(10));
        Assert.False(Directory.Exists(run.RunFolder()), "the run's folder was left behind");

        await kept.WaitForLineAsync("--keep-running:", RunTimeout);
        var port = kept.DevServerPort();
        Assert.NotEqual(run.DevServerPort(), port);
        var servers = DevServerProcesses.OnPort(port);
        Assert.NotEmpty(servers); // the checks below would pass vacuously otherwise
        // A terminal's Ctrl-C goes to the whole foreground group: the server must not be in the demo's, so that the
        // demo alone hears it and stops the server last, in order.
        Assert.All(servers, pid => Assert.NotEqual(DevServerProcesses.ProcessGroupOf(kept.Id), DevServerProcesses.ProcessGroupOf(pid)));
        var signal = kept.Interrupt();
        var keptExit = await kept.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.True(keptExit == 130, $"exit code {keptExit} after {signal}; output:\n{kept.Output}");
        Assert.Contains("Stopping: the worker, the simulator and the Temporal dev server", kept.Output, StringComparison.Ordinal);
        await DevServerProcesses.GoneAsync(port, TimeSpan.FromSeconds(10));
        Assert.False(Directory.Exists(kept.RunFolder()), "the kept run's folder was left behind");
    }

    [Fact]
    public async Task Demo_BadArgument_SaysWhichAndExits2()
    {
        using var demo = DemoProcess.Start("--callees", "3");
        var exit = await demo.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(2, exit);
        Assert.Contains("--callees: \"3\" must be a whole number from 10 to 10000", demo.Output, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"Outcomes stored: (\d+)")]
    private static partial Regex OutcomesStored();
}
