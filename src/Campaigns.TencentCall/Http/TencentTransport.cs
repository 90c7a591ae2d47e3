using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Campaigns.TencentCall.Errors;
using Campaigns.TencentCall.UserSig;
using Campaigns.TencentCall.Wire;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Campaigns.TencentCall.Http;

/// <summary>A parsed answer with the body it came from (records keep their raw JSON).</summary>
internal sealed record Reply<TEnvelope>(TEnvelope Envelope, string Body, bool Settled);

/// <summary>
/// Sends one request: signs the URL, posts the JSON, reads the envelope, and turns every failure
/// into a classified <see cref="TencentCallException"/>. Only the path is ever logged, never the query.
/// </summary>
internal sealed partial class TencentTransport(
    HttpClient http,
    IUserSigProvider userSig,
    IOptions<TencentCallOptions> options,
    ILogger<TencentTransport> logger)
{
    public async Task<Reply<V4Envelope<TResponse>>> PostV4Async<TRequest, TResponse>(
        TencentApi api, string path, TRequest body, CancellationToken cancellationToken, bool settledIsAnswer = false)
        where TResponse : class
    {
        var raw = await SendAsync(api, ApiGeneration.V4, options.Value.EffectiveBaseUrl, path, body, cancellationToken).ConfigureAwait(false);
        var envelope = Parse<V4Envelope<TResponse>>(api, ApiGeneration.V4, raw);
        if (envelope.ErrorCode == 0 && !string.Equals(envelope.ActionStatus, "FAIL", StringComparison.OrdinalIgnoreCase))
        {
            TencentMetrics.Answered(api, 0);
            return new(envelope, raw, false);
        }

        var kind = ErrorClassifier.Classify(ApiGeneration.V4, api, envelope.ErrorCode);
        if (kind == TencentErrorKind.Settled && settledIsAnswer)
        {
            TencentMetrics.Refused(api, envelope.ErrorCode.ToString(CultureInfo.InvariantCulture), kind);
            return new(envelope, raw, true);
        }

        LogVendorAnswer(logger, path, envelope.ErrorCode, kind, envelope.RequestId);
        throw TencentMetrics.Failed(new TencentCallException(
            $"{path} failed: {envelope.ErrorCode} {envelope.ErrorInfo}",
            kind,
            api,
            ApiGeneration.V4,
            envelope.ErrorCode,
            envelope.ErrorInfo,
            envelope.RequestId,
            ErrorClassifier.MayHaveTakenEffect(ApiGeneration.V4, envelope.ErrorCode)));
    }

    public async Task<Reply<V1Envelope<TData>>> PostV1Async<TRequest, TData>(
        TencentApi api, string path, TRequest body, CancellationToken cancellationToken)
        where TData : class
    {
        var raw = await SendAsync(api, ApiGeneration.V1, options.Value.EffectiveRecordsBaseUrl, path, body, cancellationToken).ConfigureAwait(false);
        var envelope = Parse<V1Envelope<TData>>(api, ApiGeneration.V1, raw);
        if (envelope.ErrorCode == 0)
        {
            TencentMetrics.Answered(api, 0);
            return new(envelope, raw, false);
        }

        var kind = ErrorClassifier.Classify(ApiGeneration.V1, api, envelope.ErrorCode);
        LogVendorAnswer(logger, path, envelope.ErrorCode, kind, envelope.RequestId);
        throw TencentMetrics.Failed(new TencentCallException(
            $"{path} failed: {envelope.ErrorCode} {envelope.ErrorMessage}",
            kind,
            api,
            ApiGeneration.V1,
            envelope.ErrorCode,
            envelope.ErrorMessage,
            envelope.RequestId));
    }

    private async Task<string> SendAsync<TRequest>(
        TencentApi api, ApiGeneration generation, Uri baseUrl, string path, TRequest body, CancellationToken cancellationToken)
    {
        var uri = SignedUri(baseUrl, path);
        var started = Stopwatch.GetTimestamp();
        HttpResponseMessage response;
        try
        {
            using var content = JsonContent.Create(body, options: WireJson.Options);
            response = await http.PostAsync(uri, content, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // HttpClient.Timeout: the request left; whether Tencent acted on it is unknown.
            LogTransportFault(logger, path, HttpRequestError.Unknown);
            throw TencentMetrics.Failed(Transport(api, generation, path, "timed out", mayHaveTakenEffect: true), "timeout");
        }
        catch (HttpRequestException e)
        {
            // A refused or unresolvable connection never carried the request; anything later might have.
            var sent = e.HttpRequestError is not (HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError
                or HttpRequestError.SecureConnectionError or HttpRequestError.ProxyTunnelError);
            LogTransportFault(logger, path, e.HttpRequestError);
            throw TencentMetrics.Failed(Transport(api, generation, path, $"transport error {e.HttpRequestError}", mayHaveTakenEffect: sent));
        }

        using (response)
        {
            LogSent(logger, path, (int)response.StatusCode, started);
            TencentMetrics.Elapsed(api, started);
            if (!response.IsSuccessStatusCode)
            {
                var status = (int)response.StatusCode;
                var kind = response.StatusCode == HttpStatusCode.TooManyRequests ? TencentErrorKind.RateLimited
                    : status >= 500 ? TencentErrorKind.Retryable
                    : TencentErrorKind.Invalid;

                // A 5xx from a gateway may come after the backend acted.
                throw TencentMetrics.Failed(Transport(api, generation, path, $"HTTP {status}", mayHaveTakenEffect: status >= 500, kind), "http_" + status.ToString(CultureInfo.InvariantCulture));
            }

            try
            {
                return await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpRequestException or IOException
                                          || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                throw TencentMetrics.Failed(Transport(api, generation, path, "connection lost while reading the answer", mayHaveTakenEffect: true));
            }
        }
    }

    private Uri SignedUri(Uri baseUrl, string path)
    {
        var o = options.Value;

        // A fresh random per request, as the vendor requires; it need not be secret, only unpredictable.
        var random = BitConverter.ToUInt32(RandomNumberGenerator.GetBytes(4));
        var query = string.Create(
            CultureInfo.InvariantCulture,
            $"?sdkappid={o.SdkAppId}&identifier={Uri.EscapeDataString(o.AdminIdentifier)}&usersig={Uri.EscapeDataString(userSig.Current())}&random={random}&contenttype=json");
        return new Uri(baseUrl, path + query);
    }

    private static T Parse<T>(TencentApi api, ApiGeneration generation, string raw)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(raw, WireJson.Options) ?? throw new JsonException("empty body");
        }
        catch (JsonException e)
        {
            throw TencentMetrics.Failed(
                new TencentCallException(
                    $"unreadable answer ({Redaction.Redact(e.Message)})",
                    TencentErrorKind.Retryable,
                    api,
                    generation,
                    requestMayHaveTakenEffect: true),
                "unreadable");
        }
    }

    private static TencentCallException Transport(
        TencentApi api,
        ApiGeneration generation,
        string path,
        string what,
        bool mayHaveTakenEffect,
        TencentErrorKind kind = TencentErrorKind.Retryable) =>
        new($"{path}: {what}", kind, api, generation, requestMayHaveTakenEffect: mayHaveTakenEffect);

    private static void LogSent(ILogger logger, string path, int status, long started)
    {
        if (logger.IsEnabled(LogLevel.Debug))
        {
            var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            LogSentCore(logger, path, status, elapsed);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "POST {Path} -> HTTP {Status} in {Milliseconds:F0} ms")]
    private static partial void LogSentCore(ILogger logger, string path, int status, double milliseconds);

    // "Not there yet" (a record before its delay) and "ended" (101004 when polling) are the normal course of a call.
    private static void LogVendorAnswer(ILogger logger, string path, long code, TencentErrorKind kind, string? requestId)
    {
        if (kind is TencentErrorKind.NotFoundYet or TencentErrorKind.Settled)
        {
            LogVendorExpected(logger, path, code, kind, requestId);
        }
        else
        {
            LogVendorError(logger, path, code, kind, requestId);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "POST {Path} answered {Code} ({Kind}), request {RequestId}")]
    private static partial void LogVendorError(ILogger logger, string path, long code, TencentErrorKind kind, string? requestId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "POST {Path} answered {Code} ({Kind}), request {RequestId}")]
    private static partial void LogVendorExpected(ILogger logger, string path, long code, TencentErrorKind kind, string? requestId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "POST {Path} failed in transport: {Fault} (Unknown = timed out)")]
    private static partial void LogTransportFault(ILogger logger, string path, HttpRequestError fault);
}
