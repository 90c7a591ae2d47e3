using Campaigns.Worker;
using Microsoft.Extensions.Hosting;

// The worker: runs CampaignWorkflow and its activities until Ctrl-C / SIGTERM (graceful shutdown).
try
{
    using var host = WorkerHost.CreateBuilder(args).Build();
    await host.RunAsync().ConfigureAwait(false);
    return Environment.ExitCode; // 0, or SearchAttributeCheck.ExitCode when that check stopped the worker
}
catch (Exception e) when (e is InvalidOperationException or Microsoft.Extensions.Options.OptionsValidationException)
{
    await Console.Error.WriteLineAsync("campaigns worker: " + e.Message).ConfigureAwait(false);
    return 2;
}
