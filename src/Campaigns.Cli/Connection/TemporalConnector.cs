using Campaigns.Workflows;
using Campaigns.Workflows.Contract;
using Temporalio.Client;
using Temporalio.Exceptions;

namespace Campaigns.Cli.Connection;

/// <summary>Connects to Temporal with the project's data converter and turns connection failures into advice.</summary>
internal static class TemporalConnector
{
    public const string ConnectRemedy =
        "start the server (e.g. `temporal server start-dev`) or point the CLI at it with --address / TEMPORAL_ADDRESS " +
        "(and --namespace, --tls, --api-key for a remote or Cloud namespace)";

    public static async Task<CampaignClient> ConnectAsync(ConnectionSettings settings, CancellationToken cancellationToken)
    {
        CheckAddress(settings.Address);
        var options = new TemporalClientConnectOptions(settings.Address)
        {
            Namespace = settings.Namespace,
            ApiKey = settings.ApiKey,
            Tls = settings.UsesTls ? await TlsAsync(settings, cancellationToken).ConfigureAwait(false) : null,
            DataConverter = CampaignJson.DataConverter,
        };
        ITemporalClient client;
        try
        {
            client = await TemporalClient.ConnectAsync(options).WaitAsync(TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw new CliException(ExitCodes.Unavailable, $"cannot reach Temporal at {settings.Address}: {Reason(e)}", ConnectRemedy, e);
        }

        return new CampaignClient(client, settings.TaskQueue);
    }

    /// <summary>
    /// An RPC error after connecting: a server that went away or a namespace that does not exist are the
    /// connection settings' fault (exit 3); anything else is returned for the caller to explain.
    /// </summary>
    public static CliException? Explain(RpcException e, ConnectionSettings settings)
    {
        if (e.Code == RpcException.StatusCode.NotFound && e.Message.Contains("namespace", StringComparison.OrdinalIgnoreCase))
        {
            return new CliException(
                ExitCodes.Unavailable,
                $"namespace '{settings.Namespace}' does not exist at {settings.Address} ({e.Message})",
                "set --namespace / TEMPORAL_NAMESPACE to an existing namespace (`temporal operator namespace list`)",
                e);
        }

        if (e.Code is RpcException.StatusCode.Unavailable or RpcException.StatusCode.Unauthenticated or RpcException.StatusCode.PermissionDenied)
        {
            var remedy = e.Code == RpcException.StatusCode.Unavailable
                ? ConnectRemedy
                : "check --api-key / TEMPORAL_API_KEY and the TLS settings, and that they grant access to namespace " + settings.Namespace;
            return new CliException(ExitCodes.Unavailable, $"Temporal at {settings.Address} answered {e.Code}: {e.Message}", remedy, e);
        }

        return null;
    }

    private static void CheckAddress(string address)
    {
        var colon = address.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(address.AsSpan(colon + 1), out var port) || port is < 1 or > 65535)
        {
            throw new CliException(ExitCodes.Invalid, $"--address / TEMPORAL_ADDRESS \"{address}\" is not host:port", "e.g. --address 127.0.0.1:7233");
        }
    }

    private static async Task<TlsOptions> TlsAsync(ConnectionSettings settings, CancellationToken cancellationToken)
    {
        if ((settings.TlsCertPath is null) != (settings.TlsKeyPath is null))
        {
            throw new CliException(
                ExitCodes.Invalid,
                "--tls-cert-path and --tls-key-path go together (mTLS needs the certificate and its key)",
                "give both, or neither");
        }

        return new TlsOptions
        {
            ClientCert = await ReadAsync(settings.TlsCertPath, "--tls-cert-path", cancellationToken).ConfigureAwait(false),
            ClientPrivateKey = await ReadAsync(settings.TlsKeyPath, "--tls-key-path", cancellationToken).ConfigureAwait(false),
            ServerRootCACert = await ReadAsync(settings.TlsCaPath, "--tls-ca-path", cancellationToken).ConfigureAwait(false),
            Domain = settings.TlsServerName,
        };
    }

    private static async Task<byte[]?> ReadAsync(string? path, string option, CancellationToken cancellationToken)
    {
        if (path is null)
        {
            return null;
        }

        try
        {
            return await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException(ExitCodes.Invalid, $"cannot read {option} {path}: {e.Message}", $"check the path given to {option}", e);
        }
    }

    private static string Reason(Exception e)
    {
        var inner = e;
        while (inner.InnerException is not null && inner is AggregateException)
        {
            inner = inner.InnerException;
        }

        if (inner is TimeoutException)
        {
            return "no answer within 30 s";
        }

        // The SDK's core reports e.g. `… ConnectError("tcp connect error", …, Os { code: 111, …, message: "Connection refused" })`: keep the words.
        var text = inner.Message;
        var at = text.LastIndexOf("message: \"", StringComparison.Ordinal);
        if (at >= 0)
        {
            var start = at + "message: \"".Length;
            var end = text.IndexOf('"', start);
            if (end > start)
            {
                return text[start..end].ToLowerInvariant();
            }
        }

        return text;
    }
}
