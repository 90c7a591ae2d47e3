using System.CommandLine;
using Campaigns.Storage;
using Campaigns.Workflows;

namespace Campaigns.Cli.Connection;

/// <summary>
/// Where the CLI connects, resolved as the Temporal CLI resolves it: an option wins over its environment
/// variable, which wins over the default.
/// </summary>
internal sealed record ConnectionSettings
{
    public const string DefaultAddress = "127.0.0.1:7233";

    public string Address { get; init; } = DefaultAddress;

    public string Namespace { get; init; } = "default";

    public string? ApiKey { get; init; }

    public bool Tls { get; init; }

    public string? TlsCertPath { get; init; }

    public string? TlsKeyPath { get; init; }

    public string? TlsCaPath { get; init; }

    public string? TlsServerName { get; init; }

    public string TaskQueue { get; init; } = CampaignClient.DefaultTaskQueue;

    /// <summary>The store's connection string, or null when none is configured.</summary>
    public string? Store { get; init; }

    public static ConnectionSettings Resolve(ParseResult parse, GlobalOptions options, CliIo io)
    {
        string? Pick(Option<string?> option, params string[] variables)
        {
            if (parse.GetValue(option) is { Length: > 0 } given)
            {
                return given;
            }

            return variables.Select(io.Environment).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));
        }

        var tlsEnv = io.Environment("TEMPORAL_TLS");
        var settings = new ConnectionSettings
        {
            Address = Pick(options.Address, "TEMPORAL_ADDRESS") ?? DefaultAddress,
            Namespace = Pick(options.Namespace, "TEMPORAL_NAMESPACE") ?? "default",
            ApiKey = Pick(options.ApiKey, "TEMPORAL_API_KEY"),
            Tls = parse.GetValue(options.Tls) || tlsEnv is "1" || string.Equals(tlsEnv, "true", StringComparison.OrdinalIgnoreCase),
            TlsCertPath = Pick(options.TlsCertPath, "TEMPORAL_TLS_CLIENT_CERT_PATH"),
            TlsKeyPath = Pick(options.TlsKeyPath, "TEMPORAL_TLS_CLIENT_KEY_PATH"),
            TlsCaPath = Pick(options.TlsCaPath, "TEMPORAL_TLS_SERVER_CA_CERT_PATH"),
            TlsServerName = Pick(options.TlsServerName, "TEMPORAL_TLS_SERVER_NAME"),
            TaskQueue = Pick(options.TaskQueue, "Temporal__TaskQueue") ?? CampaignClient.DefaultTaskQueue,
            Store = Pick(options.Store, "ConnectionStrings__" + OutcomeStores.ConnectionStringName)
                ?? (IsTrue(io.Environment($"{OutcomeStoreOptions.Section}__{nameof(OutcomeStoreOptions.Embedded)}")) ? OutcomeStores.DefaultConnectionString : null),
        };
        return settings;
    }

    /// <summary>TLS is on when asked for, or implied by an API key or any certificate path (as in the Temporal CLI).</summary>
    public bool UsesTls => Tls || ApiKey is not null || TlsCertPath is not null || TlsKeyPath is not null || TlsCaPath is not null || TlsServerName is not null;

    private static bool IsTrue(string? value) => value is "1" || string.Equals(value, "true", StringComparison.OrdinalIgnoreCase);
}
