using System.Buffers;
using System.Data.Common;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Campaigns.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Campaigns.Callbacks;

/// <summary>
/// Serves <c>POST /tencent/callback/{secret}?SdkAppid=…&amp;CallbackCommand=…</c>: checks the secret (in constant time),
/// the SdkAppid, the command, the type and size of the body; writes its events to the ledger; then answers the
/// vendor's OK envelope. Every refusal is a vendor-style envelope with a <see cref="CallbackRejection"/> code and a
/// counted metric, never a 500. Neither the path nor the query is ever logged: the path holds the secret.
/// </summary>
internal sealed partial class CallbackEndpoint
{
    /// <summary>The path before the secret segment.</summary>
    public const string PathPrefix = "/tencent/callback/";

    private static readonly byte[] OkEnvelope = """{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0}"""u8.ToArray();

    private readonly CallbackReceiverOptions options;
    private readonly IOutcomeStore store;
    private readonly ILogger logger;
    private readonly byte[] secretHash;
    private readonly string sdkAppId;

    public CallbackEndpoint(CallbackReceiverOptions options, IOutcomeStore store, ILogger<CallbackEndpoint> logger)
    {
        this.options = options;
        this.store = store;
        this.logger = logger;
        secretHash = SHA256.HashData(Encoding.UTF8.GetBytes(options.PathSecret));
        sdkAppId = options.SdkAppId.ToString(CultureInfo.InvariantCulture);
    }

    public async Task HandleAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        CallbackRejection? rejection;
        try
        {
            rejection = await ServeAsync(context).ConfigureAwait(false);
        }
        catch (BadHttpRequestException e)
        {
            // Kestrel's own refusals while reading (a malformed chunk, a body over its limit).
            rejection = e.StatusCode == StatusCodes.Status413PayloadTooLarge ? CallbackRejection.TooLarge : CallbackRejection.BadJson;
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return; // the sender hung up: nobody to answer
        }

        if (rejection is not null)
        {
            CallbackMetrics.Refused(rejection);
            LogRefused(logger, rejection.Reason, rejection.Status);
            await AnswerAsync(context, rejection).ConfigureAwait(false);
        }
    }

    private async Task<CallbackRejection?> ServeAsync(HttpContext context)
    {
        var request = context.Request;
        if (!SecretMatches(request.Path.Value))
        {
            return CallbackRejection.Secret;
        }

        if (!HttpMethods.IsPost(request.Method))
        {
            return CallbackRejection.Method;
        }

        // The vendor's only authenticity signal: the SdkAppid it puts in the URL.
        var query = request.Query;
        if (query["SdkAppid"] is not { Count: 1 } appIds || !string.Equals(appIds[0], sdkAppId, StringComparison.Ordinal))
        {
            return CallbackRejection.SdkAppId;
        }

        if (query["CallbackCommand"] is not { Count: 1 } commands || commands[0] is not { } command || !CallbackParser.Commands.Contains(command))
        {
            return CallbackRejection.Command;
        }

        if (!IsJson(request.ContentType))
        {
            return CallbackRejection.ContentType;
        }

        var max = options.MaxBodyBytes;
        if (request.ContentLength > max)
        {
            return CallbackRejection.TooLarge;
        }

        var body = await ReadAsync(request.Body, max, context.RequestAborted).ConfigureAwait(false);
        if (body is null)
        {
            return CallbackRejection.TooLarge;
        }

        var (events, refused) = CallbackParser.Parse(command, body);
        if (refused is not null)
        {
            return refused;
        }

        try
        {
            // Ledger first: the OK goes out only once the events are durable, and nothing slow happens before it.
            var appended = await store.AppendCallEventsAsync(events!, context.RequestAborted).ConfigureAwait(false);
            CallbackMetrics.Appended(command, appended.Added, appended.Duplicates, appended.OutOfOrder);
        }
        catch (Exception e) when (e is OutcomeStoreUnavailableException or DbException or TimeoutException
                                      || (e is OperationCanceledException && !context.RequestAborted.IsCancellationRequested))
        {
            LogStoreFailed(logger, e.GetType().Name, e);
            return CallbackRejection.Store;
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.Body.WriteAsync(OkEnvelope, context.RequestAborted).ConfigureAwait(false);
        return null;
    }

    // Hashing both sides first makes the comparison's time independent of the secret's length as well as its bytes.
    private bool SecretMatches(string? path)
    {
        if (path is null || !path.StartsWith(PathPrefix, StringComparison.Ordinal))
        {
            return false;
        }

        var given = SHA256.HashData(Encoding.UTF8.GetBytes(path[PathPrefix.Length..]));
        return CryptographicOperations.FixedTimeEquals(given, secretHash);
    }

    // No Content-Type is taken as JSON (the query already says contenttype=json); any other must be JSON in UTF-8.
    private static bool IsJson(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType))
        {
            return true;
        }

        return MediaTypeHeaderValue.TryParse(contentType, out var parsed)
               && string.Equals(parsed.MediaType, "application/json", StringComparison.OrdinalIgnoreCase)
               && (parsed.CharSet is null || string.Equals(parsed.CharSet.Trim('"'), "utf-8", StringComparison.OrdinalIgnoreCase));
    }

    // Reads at most max bytes; null when there are more (an endless chunked body is never buffered).
    private static async Task<byte[]?> ReadAsync(Stream body, int max, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(max + 1, 4096));
        try
        {
            var length = 0;
            while (true)
            {
                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(Math.Min(max + 1, buffer.Length * 2));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await body.ReadAsync(buffer.AsMemory(length, Math.Min(buffer.Length, max + 1) - length), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return buffer.AsSpan(0, length).ToArray();
                }

                length += read;
                if (length > max)
                {
                    return null;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task AnswerAsync(HttpContext context, CallbackRejection rejection)
    {
        if (context.Response.HasStarted)
        {
            context.Abort();
            return;
        }

        context.Response.StatusCode = rejection.Status;
        context.Response.ContentType = "application/json; charset=utf-8";
        var info = System.Text.Json.JsonSerializer.Serialize(rejection.Info);
        var code = rejection.Code.ToString(CultureInfo.InvariantCulture);
        var envelope = $$"""{"ActionStatus":"FAIL","ErrorInfo":{{info}},"ErrorCode":{{code}}}""";
        try
        {
            await context.Response.WriteAsync(envelope, context.RequestAborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The sender hung up before reading its answer.
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Callback refused: {Reason} (HTTP {Status})")]
    private static partial void LogRefused(ILogger logger, string reason, int status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Callback not recorded: the ledger write failed ({Error}); answered 503, polling will find the call")]
    private static partial void LogStoreFailed(ILogger logger, string error, Exception exception);
}
