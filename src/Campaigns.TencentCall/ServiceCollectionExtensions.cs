using System.Net;
using Campaigns.TencentCall.Http;
using Campaigns.TencentCall.UserSig;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Campaigns.TencentCall;

/// <summary>DI registration of the Tencent client.</summary>
public static class ServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ITencentCallClient"/> (and <see cref="ICallbackConfigClient"/>) bound to the <c>TencentCall</c> section, with a pooled,
    /// keep-alive <see cref="HttpClient"/> from <see cref="IHttpClientFactory"/>. The factory's own request
    /// logging is removed because it would log the URL, which carries the UserSig.
    /// </summary>
    public static IServiceCollection AddTencentCall(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services.AddTencentCall(o => configuration.GetSection(TencentCallOptions.SectionName).Bind(o));
    }

    /// <summary>Registers <see cref="ITencentCallClient"/> configured in code.</summary>
    public static IServiceCollection AddTencentCall(this IServiceCollection services, Action<TencentCallOptions> configure)
    {
        services.AddOptions<TencentCallOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TencentCallOptions>, TencentCallOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IUserSigProvider, UserSigProvider>();
        services.AddHttpClient<TencentTransport>((sp, client) =>
            {
                client.Timeout = sp.GetRequiredService<IOptions<TencentCallOptions>>().Value.RequestTimeout;
                client.DefaultRequestVersion = HttpVersion.Version11;
            })
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                // Keep-alive pool (vendor advice), recycled so DNS changes of the regional domain are seen.
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60),
                MaxConnectionsPerServer = 256,
            })
            .RemoveAllLoggers();
        services.TryAddTransient<ITencentCallClient, TencentCallClient>();
        services.TryAddTransient<ICallbackConfigClient, CallbackConfigClient>();
        return services;
    }
}

/// <summary>Fails start-up with every bad key named, instead of failing on the first call.</summary>
internal sealed class TencentCallOptionsValidator : IValidateOptions<TencentCallOptions>
{
    public ValidateOptionsResult Validate(string? name, TencentCallOptions options)
    {
        var problems = options.Problems();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
