using Campaigns.Worker;
using Microsoft.Extensions.Hosting;

// The worker: runs CampaignWorkflow and its activities until Ctrl-C / SIGTERM (graceful shutdown).
Campaigns.Activities.CrashTrace.Mark("main");
try
{
    using var host = WorkerHost.CreateBuilder(args).Build();
    Campaigns.Activities.CrashTrace.Mark("host-built");
    Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<IHostApplicationLifetime>(host.Services).ApplicationStarted.Register(() => Campaigns.Activities.CrashTrace.Mark("app-started"));
    await host.RunAsync().ConfigureAwait(false);
    return Environment.ExitCode; // 0, or SearchAttributeCheck.ExitCode when that check stopped the worker

}
catch (Exception e) when (e is InvalidOperationException or Microsoft.Extensions.Options.OptionsValidationException)
{
    await Console.Error.WriteLineAsync("campaigns worker: " + e.Message).ConfigureAwait(false);
    return 2;
}
