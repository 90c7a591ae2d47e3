using System.CommandLine;

namespace Campaigns.Cli.Connection;

/// <summary>
/// Connection options every command takes, named and defaulted as the Temporal CLI names them (same environment
/// variables), plus the task queue and the outcome store the worker uses.
/// </summary>
internal sealed class GlobalOptions
{
    public Option<string?> Address { get; } = Make("--address", "Temporal frontend host:port (env TEMPORAL_ADDRESS; default 127.0.0.1:7233)");

    public Option<string?> Namespace { get; } = Make("--namespace", "Temporal namespace (env TEMPORAL_NAMESPACE; default 'default')", "-n");

    public Option<string?> ApiKey { get; } = Make("--api-key", "API key, e.g. for Temporal Cloud; implies TLS (env TEMPORAL_API_KEY)");

    public Option<bool> Tls { get; } = new("--tls")
    {
        Description = "Connect with TLS; implied by an API key or any --tls-* path (env TEMPORAL_TLS)",
        Recursive = true,
    };

    public Option<string?> TlsCertPath { get; } = Make("--tls-cert-path", "Client certificate for mTLS (env TEMPORAL_TLS_CLIENT_CERT_PATH)");

    public Option<string?> TlsKeyPath { get; } = Make("--tls-key-path", "Client private key for mTLS (env TEMPORAL_TLS_CLIENT_KEY_PATH)");

    public Option<string?> TlsCaPath { get; } = Make("--tls-ca-path", "Server CA certificate (env TEMPORAL_TLS_SERVER_CA_CERT_PATH)");

    public Option<string?> TlsServerName { get; } = Make("--tls-server-name", "Override the TLS server name (env TEMPORAL_TLS_SERVER_NAME)");

    public Option<string?> TaskQueue { get; } = Make("--task-queue", "Task queue the workers poll (env Temporal__TaskQueue, the worker's key; default 'campaigns')");

    private const string StoreHelp = "Outcome store connection string, as the worker's ConnectionStrings:Outcomes (env ConnectionStrings__Outcomes; "
        + "OutcomeStore__Embedded=true for the local SQLite file campaigns.db)";

    public Option<string?> Store { get; } = Make("--store", StoreHelp);

    public IEnumerable<Option> All =>
        [Address, Namespace, ApiKey, Tls, TlsCertPath, TlsKeyPath, TlsCaPath, TlsServerName, TaskQueue, Store];

    private static Option<string?> Make(string name, string description, params string[] aliases) =>
        new(name, aliases) { Description = description, Recursive = true };
}
