using Campaigns.TencentCall;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Campaigns.Cli.Connection;

/// <summary>
/// The Tencent client for the commands that talk to the vendor (<c>callbacks</c>), configured from the worker's own
/// environment variables (<c>TencentCall__SdkAppId</c>, <c>TencentCall__SecretKey</c>, <c>TencentCall__AdminIdentifier</c>,
/// <c>TencentCall__Region</c>, <c>TencentCall__BaseUrl</c>): the SecretKey never goes on a command line.
/// </summary>
internal static class TencentConnector
{
    public static ServiceProvider Connect(CliIo io)
    {
        string? Env(string key) => io.Environment("TencentCall__" + key) is { Length: > 0 } v ? v : null;
        var problems = new List<string>();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddTencentCall(o =>
        {
            if (Env("SdkAppId") is { } appId)
            {
                o.SdkAppId = long.TryParse(appId, out var id) ? id : -1;
            }

            o.SecretKey = Env("SecretKey") ?? string.Empty;
            o.AdminIdentifier = Env("AdminIdentifier") ?? o.AdminIdentifier;
            if (Env("Region") is { } region)
            {
                o.Region = Enum.TryParse<TencentRegion>(region, ignoreCase: true, out var r) ? r : (TencentRegion)(-1);
            }

            if (Env("BaseUrl") is { } baseUrl)
            {
                o.BaseUrl = Uri.TryCreate(baseUrl, UriKind.Absolute, out var u) ? u : null;
            }
        });
        var provider = services.BuildServiceProvider();
        try
        {
            _ = provider.GetRequiredService<IOptions<TencentCallOptions>>().Value;
            return provider;
        }
        catch (OptionsValidationException e)
        {
            provider.Dispose();
            problems.AddRange(e.Failures);
            throw new CliException(
                ExitCodes.Invalid,
                "the Tencent client is not configured: " + string.Join("; ", problems),
                "set TencentCall__SdkAppId and TencentCall__SecretKey (and TencentCall__Region or TencentCall__BaseUrl) as for the worker");
        }
    }
}
