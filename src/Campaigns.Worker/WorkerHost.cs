using Campaigns.Activities;
using Campaigns.Activities.Fleet;
using Campaigns.Callbacks;
using Campaigns.Storage;
using Campaigns.TencentCall;
using Campaigns.Workflows;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Temporalio.Extensions.Hosting;

namespace Campaigns.Worker;

/// <summary>
/// Builds the worker host: configuration (appsettings.json, environment, command line), the Tencent client,
/// the outcome store, the activities and one hosted Temporal worker. Tests build it the same way.
/// </summary>
public static class WorkerHost
{
    /// <summary>The host builder; <paramref name="configure"/> may add configuration (tests do).</summary>
    public static HostApplicationBuilder CreateBuilder(string[] args, Action<IConfigurationBuilder>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
        // The Temporal CLI's variables are fallbacks: first in the list, so appsettings.json, Temporal__* variables,
        // the command line and whatever configure adds all outrank them.
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = TemporalEnvironment() });
        configure?.Invoke(builder.Configuration);

        var temporal = builder.Configuration.GetSection(TemporalOptions.SectionName).Get<TemporalOptions>() ?? new TemporalOptions();
        var problems = temporal.Problems();
        if (problems.Count > 0)
        {
            throw new InvalidOperationException("Invalid configuration: " + string.Join("; ", problems));
        }

        WorkerTelemetry.AddProductMetrics(builder);
        var sdkRuntime = new Lazy<Temporalio.Runtime.TemporalRuntime?>(() => WorkerTelemetry.SdkRuntime(temporal));
        builder.Services.AddTencentCall(builder.Configuration);
        builder.Services.AddOutcomeStore(builder.Configuration);
        // After the store: its migration (a hosted service) runs before the receiver takes a callback.
        builder.Services.AddCallbackReceiver(builder.Configuration);
        // The activity attempts this process runs, by task token, beside its instance slot: a successor fails them
        // at once when this process dies (FleetMembership), instead of leaving them to the heartbeat timeout.
        var inFlight = new InFlightActivities();
        builder.Services.AddSingleton(inFlight);
        builder.Services.AddSingleton<IActivityTaskFailer>(_ =>
        {
            var connect = temporal.ClientOptions();
            connect.Runtime = sdkRuntime.Value ?? connect.Runtime;
            return new ActivityTaskFailer(connect);
        });
        builder.Services.AddCampaignActivities(builder.Configuration);
        builder.Services.AddHostedService<UnresolvedSweepService>();
        // Beside the worker's start: a namespace without the campaigns' search attributes stops the worker, named.
        builder.Services.AddHostedService(sp => new SearchAttributeCheck(
            temporal, sp.GetRequiredService<IHostApplicationLifetime>(), sp.GetRequiredService<ILogger<SearchAttributeCheck>>()));
        builder.Services
            .AddHostedTemporalWorker(temporal.Address, temporal.Namespace, temporal.TaskQueue)
            .ConfigureOptions(o =>
            {
                var connect = temporal.ClientOptions();
                o.ClientOptions!.DataConverter = connect.DataConverter;
                o.ClientOptions.ApiKey = connect.ApiKey;
                o.ClientOptions.Tls = connect.Tls;
                o.ClientOptions.Runtime = sdkRuntime.Value ?? o.ClientOptions.Runtime;
                o.Interceptors = [inFlight];
                o.MaxConcurrentActivities = temporal.MaxConcurrentActivities;
                // Eager activities would bypass the task queue entirely; batches are metered by the budget instead.
                o.DisableEagerActivityExecution = true;
                o.DisableWorkflowTracingEventListener = !temporal.WorkflowTracingEventListener; // see TemporalOptions
                o.GracefulShutdownTimeout = TimeSpan.FromSeconds(10);
                // A workflow task sent to the sticky queue of a worker that died waits this long before any worker may
                // take it (10 s by default, the campaign standing still): a live worker polls its sticky queue at
                // once, so 3 s is ample, and a task moved on only costs the next worker a replay.
                o.StickyQueueScheduleToStartTimeout = TimeSpan.FromSeconds(3);
                // A cancel reaches a batch only with a heartbeat's answer: send them at most 3 s apart
                // (the default, 80 % of the heartbeat timeout, would leave a cancelled campaign dialing for 16 s).
                o.MaxHeartbeatThrottleInterval = TimeSpan.FromSeconds(3);
                o.DefaultHeartbeatThrottleInterval = TimeSpan.FromSeconds(3);
            })
            .AddSingletonActivities<CampaignActivities>()
            .AddWorkflow<CampaignWorkflow>();
        return builder;
    }

    // The Temporal CLI's environment variables, mapped onto the Temporal section (explicit keys win; appsettings.json
    // therefore sets no Temporal:Address or Temporal:Namespace — TemporalOptions holds the defaults).
    private static Dictionary<string, string?> TemporalEnvironment()
    {
        var map = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        void From(string variable, string key)
        {
            if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value)
            {
                map[$"{TemporalOptions.SectionName}:{key}"] = value;
            }
        }

        From("TEMPORAL_ADDRESS", "Address");
        From("TEMPORAL_NAMESPACE", "Namespace");
        From("TEMPORAL_API_KEY", "ApiKey");
        From("TEMPORAL_TLS", "Tls");
        return map;
    }
}
