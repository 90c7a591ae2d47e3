using Campaigns.Workflows.Contract;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.OperatorService.V1;
using Temporalio.Client;
using Temporalio.Exceptions;

namespace Campaigns.Worker;

/// <summary>
/// Checks at start that the namespace has the two search attributes every campaign upserts
/// (<see cref="CampaignSearch.CampaignId"/>, <see cref="CampaignSearch.CampaignStatus"/>, both Keyword). Without
/// them each campaign's first workflow task fails again and again (Temporal refuses the upsert) and the campaign
/// sits Running with nothing dialed; so a worker that finds them missing says so, names the command that registers
/// them, and stops (exit code 2). It runs beside the worker's start, not before it, so a healthy start is not
/// delayed by the extra round trip. A server that does not answer the question (Temporal Cloud without operator
/// rights, the time-skipping test server) gets a warning, not a refusal.
/// </summary>
public sealed partial class SearchAttributeCheck(TemporalOptions temporal, IHostApplicationLifetime lifetime, ILogger<SearchAttributeCheck> logger) : BackgroundService
{
    /// <summary>The exit code of a worker stopped by this check (the same as for a bad configuration key).</summary>
    public const int ExitCode = 2;

    /// <summary>The attributes of <see cref="CampaignSearch"/> missing from (or of another type in) <paramref name="custom"/>.</summary>
    public static IReadOnlyList<string> Missing(IReadOnlyDictionary<string, IndexedValueType> custom)
    {
        ArgumentNullException.ThrowIfNull(custom);
        return [.. new[] { CampaignSearch.CampaignId.Name, CampaignSearch.CampaignStatus.Name }
            .Where(name => !custom.TryGetValue(name, out var type) || type != IndexedValueType.Keyword)];
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Dictionary<string, IndexedValueType> custom;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(30));
            var client = await TemporalClient.ConnectAsync(temporal.ClientOptions()).ConfigureAwait(false);
            var answer = await client.Connection.OperatorService.ListSearchAttributesAsync(
                new ListSearchAttributesRequest { Namespace = temporal.Namespace },
                new RpcOptions { CancellationToken = timeout.Token }).ConfigureAwait(false);
            custom = answer.CustomAttributes.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested && e is RpcException or InvalidOperationException or OperationCanceledException or RpcTimeoutOrCanceledException)
        {
            LogUnchecked(temporal.Namespace, e.Message);
            return;
        }

        var missing = Missing(custom);
        if (missing.Count == 0)
        {
            return;
        }

        var message = $"the Temporal namespace \"{temporal.Namespace}\" at {temporal.Address} has no Keyword search attribute {string.Join(" or ", missing)}, " +
            $"which every campaign sets (without it a campaign stays Running with nothing dialed). Register them with: {CampaignSearch.RegisterCommand(temporal.Namespace)} " +
            $"(a dev server: temporal server start-dev --search-attribute {CampaignSearch.CampaignId.Name}=Keyword --search-attribute {CampaignSearch.CampaignStatus.Name}=Keyword)";
        LogMissing(message);
        await Console.Error.WriteLineAsync("campaigns worker: " + message).ConfigureAwait(false);
        Environment.ExitCode = ExitCode;
        lifetime.StopApplication();
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "Stopping: {Message}")]
    private partial void LogMissing(string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not check the search attributes of namespace {Namespace} ({Reason}); campaigns need CampaignId and CampaignStatus (Keyword)")]
    private partial void LogUnchecked(string @namespace, string reason);
}
