using System.Diagnostics;
using Campaigns.Workflows;
using Campaigns.Workflows.Contract;
using Spectre.Console;
using Temporalio.Exceptions;

namespace Campaigns.Demo;

/// <summary>One demo run: start the stack, put one callee on the do-not-call list, run the sample campaign, report.</summary>
public static class DemoRun
{
    /// <summary>
    /// Simulated seconds per real second: a 30 s ring takes 0.5 s, a record's 5 s delay 0.08 s, the 2 % of records
    /// that come 1–10 minutes late 1–10 s, and a record that never comes is given up after 10 s (600 s simulated),
    /// so a campaign of a few hundred, dialed over about 25 s, ends in well under a minute.
    /// </summary>
    public const double TimeScale = 60;

    /// <summary>Runs the demo; the exit code (see Program.cs).</summary>
    public static async Task<int> RunAsync(DemoOptions options, CancellationToken stop)
    {
        ArgumentNullException.ThrowIfNull(options);
        var clock = Stopwatch.StartNew();
        if (!AnsiConsole.Profile.Capabilities.Interactive)
        {
            // Redirected output (a log, a test) would be wrapped at 80 columns, paths and links included.
            AnsiConsole.Profile.Width = 200;
        }

        AnsiConsole.Write(new Rule("[bold]Campaigns demo[/]").LeftJustified());
        DemoServices? stack = null;
        try
        {
            stack = await DemoServices.StartAsync(TimeScale, line => AnsiConsole.MarkupLineInterpolated($"[grey]•[/] {line}"), stop).ConfigureAwait(false);
            AnsiConsole.MarkupLineInterpolated($"[grey]•[/] Ready after {clock.Elapsed.TotalSeconds:0.0} s");
            var ok = await RunCampaignAsync(stack, options.Callees, stop).ConfigureAwait(false);
            AnsiConsole.MarkupLineInterpolated($"Demo finished in {clock.Elapsed.TotalSeconds:0} s.");
            if (options.KeepRunning && ok)
            {
                AnsiConsole.MarkupLine("[yellow]--keep-running:[/] the Temporal dev server and its Web UI stay up. Press Ctrl-C to stop.");
                await Task.Delay(Timeout.Infinite, stop).ConfigureAwait(false);
            }

            return ok ? 0 : 1;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return 130;
        }
        catch (Exception e) when (e is InvalidOperationException or TemporalException or IOException or CampaignRejectedException)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]The demo failed:[/] {e.Message}");
            return 1;
        }
        finally
        {
            if (stack is not null)
            {
                var log = stack.Log.Lines > 0 ? stack.Log.Path : null;
                await stack.DisposeAsync().ConfigureAwait(false);
                AnsiConsole.MarkupLineInterpolated($"[grey]Stopped the worker, the simulator and the Temporal dev server; removed {stack.Folder}.[/]");
                if (log is not null)
                {
                    AnsiConsole.MarkupLineInterpolated($"[grey](the worker logged warnings; they were in {log})[/]");
                }
            }
        }
    }

    // A link on a line of its own, never wrapped (a wrapped link cannot be clicked or copied whole).
    private static void Url(string url) => Console.Out.WriteLine("  " + url);

    private static async Task<bool> RunCampaignAsync(DemoServices stack, int callees, CancellationToken stop)
    {
        var campaignId = SampleCampaign.NewId();
        var spec = SampleCampaign.Build(campaignId, callees);
        await stack.Store.AddDoNotCallAsync([SampleCampaign.DoNotCall], "asked not to be called (demo)", stop).ConfigureAwait(false);
        var handle = await stack.Campaigns.StartAsync(spec).ConfigureAwait(false);
        var list = stack.Temporal.WorkflowsPage($"CampaignId=\"{campaignId}\"");
        AnsiConsole.MarkupLineInterpolated(
            $"[grey]•[/] Started campaign [bold]{campaignId}[/]: {spec.Callees!.Count} callees one by one, {spec.Groups!.Count} group calls of 3, {spec.Rate.MaxCallsPerSecond} calls/s, NotAnswer and CallBusy redialed (3 attempts at most), {SampleCampaign.DoNotCall} on the do-not-call list");
        AnsiConsole.MarkupLine("[grey]•[/] Watch it in the Web UI (campaigns filtered by CampaignId):");
        Url(list);

        var result = await LiveProgress.FollowAsync(handle, stack.Store, campaignId, stop).ConfigureAwait(false);
        var report = await OutcomeReport.ReadAsync(stack.Store, campaignId, stop).ConfigureAwait(false);
        AnsiConsole.Write(report.CountsTable());
        AnsiConsole.Write(report.SampleTable());
        var describe = await handle.DescribeAsync().ConfigureAwait(false);
        AnsiConsole.MarkupLineInterpolated($"Campaign [bold]{campaignId}[/]: [bold]{result.Status}[/], {result.Finished} of {result.Targets} targets finished in {result.Attempts} calls.");
        AnsiConsole.MarkupLine("Web UI, campaigns filtered by CampaignId:");
        Url(list);
        AnsiConsole.MarkupLine("Web UI, this campaign's workflow (its summary and current details under User Metadata):");
        Url(stack.Temporal.WorkflowPage(handle.Id, describe.RunId));
        return result.Status == CampaignStatuses.Completed && report.Rows.Count > 0;
    }
}
