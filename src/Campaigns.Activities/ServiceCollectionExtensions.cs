using Campaigns.Activities.Batches;
using Campaigns.Activities.Budget;
using Campaigns.Activities.Fleet;
using Campaigns.Activities.Records;
using Campaigns.Activities.Watching;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Campaigns.Activities;

/// <summary>DI registration of the campaign activities and the worker-wide budget and watcher.</summary>
public static class ServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="CampaignActivities"/> and what it shares across campaigns (the budget, the call
    /// watcher), bound to the <c>Campaigns</c> section. The Tencent client and the store are registered apart
    /// (<c>AddTencentCall</c>, <c>AddOutcomeStore</c>).
    /// </summary>
    public static IServiceCollection AddCampaignActivities(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services.AddCampaignActivities(o =>
        {
            configuration.GetSection(CampaignWorkerOptions.SectionName).Bind(o);

            // A worker hosting the callback receiver reads its ledger unless told otherwise.
            o.Watch.UseCallbacks ??= configuration.GetValue("Callbacks:Enabled", false);
        });
    }

    /// <summary>Registers the activities configured in code.</summary>
    public static IServiceCollection AddCampaignActivities(this IServiceCollection services, Action<CampaignWorkerOptions> configure)
    {
        services.AddOptions<CampaignWorkerOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CampaignWorkerOptions>, CampaignWorkerOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ApiBudget>();
        services.TryAddSingleton<InFlightActivities>();
        services.TryAddSingleton<FleetMembership>();
        services.AddHostedService(sp => sp.GetRequiredService<FleetMembership>());
        services.TryAddSingleton<CallLedgerFeed>();
        services.TryAddSingleton<CallWatcher>();
        services.TryAddSingleton<RecordHarvester>();
        services.TryAddSingleton<RecordFinder>();
        services.TryAddSingleton<LiveCallSlots>();
        services.TryAddSingleton<ContactCaps>();
        services.TryAddSingleton<CalleeHours>();
        services.TryAddSingleton<BatchRunner>();
        services.TryAddSingleton<HeldAttempts>();
        services.TryAddSingleton<CampaignActivities>();
        services.TryAddSingleton<Sweeping.UnresolvedSweeper>();
        return services;
    }
}

internal sealed class CampaignWorkerOptionsValidator : IValidateOptions<CampaignWorkerOptions>
{
    public ValidateOptionsResult Validate(string? name, CampaignWorkerOptions options)
    {
        var problems = options.Problems();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
