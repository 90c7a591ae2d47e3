namespace Campaigns.Worker;

/// <summary>
/// Where the worker connects (section <c>Temporal</c>; the environment variables the Temporal CLI reads —
/// <c>TEMPORAL_ADDRESS</c>, <c>TEMPORAL_NAMESPACE</c>, <c>TEMPORAL_API_KEY</c>, <c>TEMPORAL_TLS</c> — are honoured too).
/// </summary>
public sealed class TemporalOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Temporal";

    /// <summary>host:port of the frontend (default 127.0.0.1:7233).</summary>
    public string Address { get; set; } = "127.0.0.1:7233";

    /// <summary>The namespace (default <c>default</c>).</summary>
    public string Namespace { get; set; } = "default";

    /// <summary>The task queue campaigns are started on (default <c>campaigns</c>).</summary>
    public string TaskQueue { get; set; } = "campaigns";

    /// <summary>An API key (Temporal Cloud); implies TLS.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Connect with TLS.</summary>
    public bool Tls { get; set; }

    /// <summary>
    /// Activities running at once on this worker. A batch activity (up to 500 attempts) lives until its last
    /// record, up to <c>Campaigns:Watch:RecordMaxWaitSeconds</c> after its calls end, so at the full start rate
    /// about 180/s × 600 s ÷ 500 ≈ 220 batches run at once per campaign; they mostly wait, and cost little.
    /// </summary>
    public int MaxConcurrentActivities { get; set; } = 2000;

    /// <summary>
    /// host:port where the Temporal SDK serves its own Prometheus metrics (e.g. <c>0.0.0.0:9000</c>, path
    /// <c>/metrics</c>); none when empty (the default: several workers in one process would share the port).
    /// </summary>
    public string? MetricsPrometheus { get; set; }

    /// <summary>
    /// Run the Temporal SDK's workflow tracing <c>EventListener</c>, which catches workflow code that schedules
    /// tasks where it must not (default off). The listener turns on the runtime's task events for the whole
    /// process, so every <c>await</c> of the activities — tens of thousands of calls in flight — also allocates a
    /// continuation wrapper and writes an event: at 100,000 targets that was 112,000 wrappers and 323,000
    /// delegates on the heap (dotnet-gcdump, docs/benchmarks.md). The workflow's own code is checked with it on:
    /// every test's worker turns it on (tests/Campaigns.Testing/WorkerProcess.cs), and replays run with it.
    /// </summary>
    public bool WorkflowTracingEventListener { get; set; }

    /// <summary>
    /// The client's connection options: address, namespace, the shared data converter, and TLS when asked for or
    /// implied by an API key (an empty key, as an unset variable in docker-compose.yml gives, means none).
    /// </summary>
    public Temporalio.Client.TemporalClientConnectOptions ClientOptions()
    {
        var apiKey = string.IsNullOrEmpty(ApiKey) ? null : ApiKey;
        return new(Address)
        {
            Namespace = Namespace,
            DataConverter = Campaigns.Workflows.Contract.CampaignJson.DataConverter,
            ApiKey = apiKey,
            Tls = Tls || apiKey is not null ? new Temporalio.Client.TlsOptions() : null,
        };
    }

    /// <summary>Every bad key, named.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (!IsHostPort(Address))
        {
            problems.Add($"Temporal:Address: \"{Address}\" must be host:port");
        }

        if (string.IsNullOrWhiteSpace(Namespace))
        {
            problems.Add("Temporal:Namespace: must not be empty");
        }

        if (string.IsNullOrWhiteSpace(TaskQueue))
        {
            problems.Add("Temporal:TaskQueue: must not be empty");
        }

        if (!string.IsNullOrEmpty(MetricsPrometheus) && !IsHostPort(MetricsPrometheus))
        {
            problems.Add($"Temporal:MetricsPrometheus: \"{MetricsPrometheus}\" must be host:port (e.g. 0.0.0.0:9000), or empty for none");
        }

        if (MaxConcurrentActivities < 1)
        {
            problems.Add($"Temporal:MaxConcurrentActivities: {MaxConcurrentActivities} must be at least 1");
        }

        return problems;
    }

    private static bool IsHostPort(string value)
    {
        var colon = value.LastIndexOf(':');
        return colon > 0 && int.TryParse(value[(colon + 1)..], out var port) && port is >= 1 and <= 65535;
    }
}
