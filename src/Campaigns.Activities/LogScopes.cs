using Microsoft.Extensions.Logging;

namespace Campaigns.Activities;

/// <summary>
/// Log scopes of the activities: every line logged while an attempt is handled carries <c>CampaignId</c> and
/// <c>AttemptKey</c>, and once its call exists <c>CallId</c> (structured: a JSON console or OpenTelemetry log
/// exporter shows them as fields). Ids only: never a URL, a UserSig or a key.
/// </summary>
internal static class LogScopes
{
    private static readonly Func<ILogger, string, string, IDisposable?> AttemptScope =
        LoggerMessage.DefineScope<string, string>("campaign {CampaignId} attempt {AttemptKey}");

    private static readonly Func<ILogger, string, IDisposable?> CallScope =
        LoggerMessage.DefineScope<string>("call {CallId}");

    /// <summary>Scope of one attempt of a campaign.</summary>
    public static IDisposable? Attempt(ILogger logger, string campaignId, string attemptKey) => AttemptScope(logger, campaignId, attemptKey);

    /// <summary>Scope of one placed call.</summary>
    public static IDisposable? Call(ILogger logger, string callId) => CallScope(logger, callId);
}
