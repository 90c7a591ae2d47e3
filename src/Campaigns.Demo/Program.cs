using System.Runtime.InteropServices;
using Campaigns.Demo;
using Spectre.Console;

// The one-command demo: dotnet run --project src/Campaigns.Demo [-- --callees N] [--keep-running]
// Exit codes: 0 the campaign completed; 1 it failed or something would not start; 2 bad arguments; 130 stopped by Ctrl-C.
DemoOptions options;
try
{
    options = DemoOptions.Parse(args);
}
catch (ArgumentException e)
{
    await Console.Error.WriteLineAsync($"campaigns demo: {e.Message}{Environment.NewLine}{DemoOptions.Usage}").ConfigureAwait(false);
    return 2;
}

if (options.Help)
{
    Console.WriteLine(DemoOptions.Usage);
    Console.WriteLine($"  --callees N     callees in the sample campaign ({SampleCampaign.MinCallees}-{SampleCampaign.MaxCallees}, default {DemoOptions.DefaultCallees})");
    Console.WriteLine("  --keep-running  leave the Temporal dev server and its Web UI up after the campaign, until Ctrl-C");
    return 0;
}

// Ctrl-C, SIGTERM or a closed terminal: stop everything this process started, in order. A second Ctrl-C
// is not intercepted, so an impatient user still gets out at once.
using var stop = new CancellationTokenSource();
void OnSignal(PosixSignalContext context)
{
    if (!stop.IsCancellationRequested)
    {
        context.Cancel = true;
        AnsiConsole.MarkupLine("[yellow]Stopping: the worker, the simulator and the Temporal dev server…[/]");
        stop.Cancel();
    }
}

using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
using var sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, OnSignal);
return await DemoRun.RunAsync(options, stop.Token).ConfigureAwait(false);
