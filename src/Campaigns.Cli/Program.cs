using Campaigns.Cli;

// `campaigns`: the operator CLI. Everything is in CampaignsCli so that tests run it in-process.
// The first Ctrl-C cancels the command (exit 130, what was done stays done); a second one ends the process.
using var interrupted = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    if (!interrupted.IsCancellationRequested)
    {
        e.Cancel = true;
        interrupted.Cancel();
    }
};
return await CampaignsCli.RunAsync(args, CliIo.FromSystemConsole(), interrupted.Token).ConfigureAwait(false);
