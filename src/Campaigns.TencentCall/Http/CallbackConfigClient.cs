using Campaigns.TencentCall.Errors;
using Campaigns.TencentCall.Models;
using Campaigns.TencentCall.Validation;
using Campaigns.TencentCall.Wire;

namespace Campaigns.TencentCall.Http;

/// <summary>The HTTP implementation of <see cref="ICallbackConfigClient"/>. The URL travels in the body, which is never logged.</summary>
internal sealed class CallbackConfigClient(TencentTransport transport) : ICallbackConfigClient
{
    private const string CallConfig = "v4/call_config/";

    public async Task SetCallbackAsync(Uri url, IReadOnlyCollection<string>? commands = null, CancellationToken cancellationToken = default)
    {
        var problems = new List<ValidationProblem>();
        if (url is null || !url.IsAbsoluteUri || url.Scheme is not ("http" or "https"))
        {
            problems.Add(new ValidationProblem("Url", "must be an absolute http or https URL"));
        }

        var list = commands?.Distinct(StringComparer.Ordinal).ToList() ?? [.. CallbackConfig.AllCommands];
        if (list.Count == 0 || list.Any(c => !CallbackConfig.AllCommands.Contains(c, StringComparer.Ordinal)))
        {
            problems.Add(new ValidationProblem("CallbackCommandList", "must name one or more of " + string.Join(", ", CallbackConfig.AllCommands)));
        }

        if (problems.Count > 0)
        {
            throw new TencentCallValidationException(TencentApi.SetCallback, problems);
        }

        await transport.PostV4Async<V4CallbackConfig, V4Empty>(
            TencentApi.SetCallback, CallConfig + "set_callback", new V4CallbackConfig { Url = url!.AbsoluteUri, CallbackCommandList = list }, cancellationToken)
            .ConfigureAwait(false);
    }

    public async Task<CallbackConfig?> GetCallbackAsync(CancellationToken cancellationToken = default)
    {
        var reply = await transport.PostV4Async<V4Empty, V4CallbackConfig>(TencentApi.GetCallback, CallConfig + "get_callback", new V4Empty(), cancellationToken)
            .ConfigureAwait(false);
        var config = reply.Envelope.Response;
        return config?.Url is { Length: > 0 } text && Uri.TryCreate(text, UriKind.Absolute, out var url)
            ? new CallbackConfig(url, config.CallbackCommandList ?? [])
            : null;
    }

    public Task DeleteCallbackAsync(CancellationToken cancellationToken = default) =>
        transport.PostV4Async<V4Empty, V4Empty>(TencentApi.DeleteCallback, CallConfig + "delete_callback", new V4Empty(), cancellationToken);
}
