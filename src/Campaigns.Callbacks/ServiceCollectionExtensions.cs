using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Campaigns.Callbacks;

/// <summary>DI registration of the callback receiver.</summary>
public static class ServiceCollectionExtensions
{
    /// <summary>
    /// Hosts the receiver when <c>Callbacks:Enabled</c> is true (bound from the <c>Callbacks</c> section; the SdkAppid
    /// checked defaults to <c>TencentCall:SdkAppId</c>). Bad keys fail at once, every one named. Register it after the
    /// outcome store, so the ledger is migrated before the first callback is taken.
    /// </summary>
    public static IServiceCollection AddCallbackReceiver(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new CallbackReceiverOptions();
        configuration.GetSection(CallbackReceiverOptions.SectionName).Bind(options);
        if (options.SdkAppId == 0 && long.TryParse(configuration["TencentCall:SdkAppId"], out var sdkAppId))
        {
            options.SdkAppId = sdkAppId;
        }

        if (!options.Enabled)
        {
            return services;
        }

        var problems = options.Problems();
        if (problems.Count > 0)
        {
            throw new InvalidOperationException("Invalid configuration: " + string.Join("; ", problems));
        }

        services.AddSingleton(options);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<CallbackServer>();
        services.AddHostedService(sp => sp.GetRequiredService<CallbackServer>());
        services.AddHostedService<CallEventRetention>();
        return services;
    }
}
