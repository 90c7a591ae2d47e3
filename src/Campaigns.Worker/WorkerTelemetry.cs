using System.Text.RegularExpressions;
using Campaigns.Activities;
using Campaigns.Callbacks;
using Campaigns.TencentCall.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
using Temporalio.Runtime;

namespace Campaigns.Worker;

/// <summary>
/// The worker's two metrics endpoints (docs/operations.md, Metrics), both off unless configured:
/// the product's meters (<c>Campaigns</c>, <c>Campaigns.TencentCall</c>, <c>Campaigns.Storage</c>) exported by
/// OpenTelemetry's Prometheus listener at <c>Campaigns:Metrics:PrometheusUrl</c> (e.g. <c>http://*:9464/metrics</c>), and the Temporal SDK's own
/// metrics from its core runtime's Prometheus endpoint at <c>Temporal:MetricsPrometheus</c>.
/// </summary>
public static partial class WorkerTelemetry
{
    /// <summary>The configuration key of the product's scrape endpoint, <c>http://HOST:PORT/PATH</c>.</summary>
    public const string PrometheusUrlKey = "Campaigns:Metrics:PrometheusUrl";

    /// <summary>The meters the worker exports.</summary>
    public static readonly IReadOnlyList<string> Meters = [CampaignMetrics.MeterName, TencentMetrics.MeterName, "Campaigns.Storage", CallbackMetrics.MeterName];

    /// <summary>Exports the product's meters at <see cref="PrometheusUrlKey"/> (path <c>/metrics</c> unless given), when set.</summary>
    public static void AddProductMetrics(HostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var prefix = builder.Configuration[PrometheusUrlKey];
        if (string.IsNullOrWhiteSpace(prefix))
        {
            return;
        }

        // Host "*" (or "+") listens on every interface; "0.0.0.0" would only answer requests whose Host header says so.
        var url = PrometheusUrl().Match(prefix);
        if (!url.Success || !int.TryParse(url.Groups["port"].Value, out var port) || port is < 1 or > 65535)
        {
            throw new InvalidOperationException(
                $"Invalid configuration: {PrometheusUrlKey}: \"{prefix}\" must be http://HOST:PORT/PATH, e.g. http://*:9464/metrics (empty: no endpoint)");
        }

        var path = url.Groups["path"].Value is { Length: > 1 } given ? given : "/metrics";
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter([.. Meters])
            .AddPrometheusHttpListener(o =>
            {
                o.Host = url.Groups["host"].Value;
                o.Port = port;
                o.ScrapeEndpointPath = path;
            }));
    }

    /// <summary>A Temporal runtime serving the SDK's metrics at <see cref="TemporalOptions.MetricsPrometheus"/>, or null (the default runtime).</summary>
    public static TemporalRuntime? SdkRuntime(TemporalOptions temporal)
    {
        ArgumentNullException.ThrowIfNull(temporal);
        return string.IsNullOrEmpty(temporal.MetricsPrometheus)
            ? null
            : new TemporalRuntime(new TemporalRuntimeOptions
            {
                Telemetry = new TelemetryOptions { Metrics = new MetricsOptions { Prometheus = new PrometheusOptions(temporal.MetricsPrometheus) } },
            });
    }

    [GeneratedRegex(@"^http://(?<host>\[[^\]]+\]|[^/:\[\]]+):(?<port>[0-9]+)(?<path>/[^?#]*)?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PrometheusUrl();
}
