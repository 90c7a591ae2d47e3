using System.Text.Json;
using Campaigns.Simulator.Callbacks;
using Campaigns.Simulator.Pipeline;
using Campaigns.TencentCall;
using Campaigns.TencentCall.Wire;

namespace Campaigns.Simulator.Endpoints;

/// <summary>
/// v4 <c>call_config</c>: set_callback, get_callback, delete_callback. They set what the callback sender uses:
/// <c>Simulator:Callbacks:Url</c> is the configuration at start, set_callback replaces it, delete_callback clears it.
/// </summary>
public static class CallbackConfigEndpoints
{
    /// <summary>The simulator's name of set_callback (rate limits, faults, statistics).</summary>
    public const string SetCallback = "set_callback";

    /// <summary>The simulator's name of get_callback.</summary>
    public const string GetCallback = "get_callback";

    /// <summary>The simulator's name of delete_callback.</summary>
    public const string DeleteCallback = "delete_callback";

    private const string Prefix = "/v4/call_config/";

    private static readonly string[] All = [CallbackCommands.AfterStartCall, CallbackCommands.AfterEndCall, CallbackCommands.AfterMemberChanged];

    /// <summary>Maps the three commands.</summary>
    public static void MapCallbackConfig(this IEndpointRouteBuilder app)
    {
        app.MapPost(Prefix + SetCallback, (HttpContext http, ApiPipeline pipeline, SimulatorOptions options) =>
            pipeline.HandleAsync(http, SetCallback, ApiGeneration.V4, body => Set(options.Callbacks, body)));
        app.MapPost(Prefix + GetCallback, (HttpContext http, ApiPipeline pipeline, SimulatorOptions options) =>
            pipeline.HandleAsync(http, GetCallback, ApiGeneration.V4, _ => Get(options.Callbacks)));
        app.MapPost(Prefix + DeleteCallback, (HttpContext http, ApiPipeline pipeline, SimulatorOptions options) =>
            pipeline.HandleAsync(http, DeleteCallback, ApiGeneration.V4, _ =>
            {
                options.Callbacks.Configure(null, null);
                return Answer.Ok();
            }));
    }

    private static Answer Set(CallbackOptions callbacks, string body)
    {
        var r = JsonSerializer.Deserialize<V4CallbackConfig>(body, WireJson.Options);
        if (r?.Url is not { Length: > 0 } text || !Uri.TryCreate(text, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            return Answer.Error(101002, "invalid parameter: Url must start with http:// or https://");
        }

        if (r.CallbackCommandList is not { Count: > 0 } commands || commands.Any(c => !All.Contains(c, StringComparer.Ordinal)))
        {
            return Answer.Error(101002, "invalid parameter: CallbackCommandList must name one or more of " + string.Join(", ", All));
        }

        callbacks.Configure(url, commands);
        return Answer.Ok();
    }

    private static Answer Get(CallbackOptions callbacks)
    {
        var (url, commands) = callbacks.Current;
        return Answer.Ok(new V4CallbackConfig
        {
            Url = url?.AbsoluteUri ?? string.Empty,
            CallbackCommandList = url is null ? [] : [.. commands ?? All],
        });
    }
}
