using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace Campaigns.Storage.Sql;

/// <summary>Counters an operator can scrape: retries mean the database restarted, hung or was busy.</summary>
internal static class StoreMetrics
{
    private static readonly Meter Meter = new("Campaigns.Storage");

    /// <summary>Operations retried after a transient error.</summary>
    public static readonly Counter<long> Retries = Meter.CreateCounter<long>("campaigns.outcome_store.retries", description: "operations retried after a transient error");
}

/// <summary>The store's log lines (source-generated: no formatting unless enabled).</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Warning, "Outcome store {Database}: try {Attempt} failed transiently, retrying in {DelayMs} ms: {Reason}")]
    public static partial void Retrying(ILogger logger, string database, int attempt, double delayMs, string reason, Exception exception);
}
