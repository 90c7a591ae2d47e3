using System.Globalization;
using System.Text.Json;
using Campaigns.TencentCall;
using Campaigns.TencentCall.Wire;

namespace Campaigns.Simulator.Pipeline;

/// <summary>What an API handler answers: a code, its text, and the payload on success.</summary>
public sealed record Answer(long Code, string Info, object? Payload)
{
    /// <summary>Success with a payload (or none).</summary>
    public static Answer Ok(object? payload = null) => new(0, string.Empty, payload);

    /// <summary>A vendor error.</summary>
    public static Answer Error(long code, string info) => new(code, info, null);
}

/// <summary>
/// The path of every API request, in the order the vendor's gateway would take it: size the body, check
/// the UserSig, apply the frequency limits, inject a fault, parse the body, do the work, answer in the
/// generation's envelope. No input makes it answer HTTP 500: every malformed request gets a documented code.
/// </summary>
public sealed class ApiPipeline(SimulatorOptions options, UserSigGate gate, RequestStats stats, FaultInjector faults)
{
    private long sequence;

    /// <summary>Serves one request of <paramref name="api"/>.</summary>
    public async Task HandleAsync(HttpContext context, string api, ApiGeneration generation, Func<string, Answer> work)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(work);
        var v4 = generation == ApiGeneration.V4;
        var maxBody = Math.Max(1, options.Limits.MaxBodyBytes);

        // A declared size over the limit is refused before a byte is read.
        if (context.Request.ContentLength > maxBody)
        {
            stats.CountRefused(api);
            await TooLargeAsync(context, generation, maxBody).ConfigureAwait(false);
            return;
        }

        if (gate.Check(context.Request.Query, generation) is { } refused)
        {
            stats.CountRefused(api);
            await WriteAsync(context, generation, Answer.Error(refused.Code, refused.Info)).ConfigureAwait(false);
            return;
        }

        switch (stats.Admit(api))
        {
            case Admission.ApiLimited:
                var apiLimited = v4 ? Answer.Error(60018, "request frequency exceeds the limit of this API")
                    : Answer.Error(70005, "Request frequency limited");
                await WriteAsync(context, generation, apiLimited).ConfigureAwait(false);
                return;
            case Admission.AppLimited:
                var appLimited = v4 ? Answer.Error(60011, "request frequency exceeds the limit of the app")
                    : Answer.Error(70005, "Request frequency limited");
                await WriteAsync(context, generation, appLimited).ConfigureAwait(false);
                return;
        }

        var fault = faults.Next(api);
        var rates = faults.Rates;
        if (rates.LatencyMs > 0)
        {
            await Task.Delay(Math.Min(rates.LatencyMs, 60_000), context.RequestAborted).ConfigureAwait(false);
        }

        if (!FaultInjector.AfterWork(fault) && fault != Fault.None)
        {
            await MisbehaveAsync(context, generation, fault, rates).ConfigureAwait(false);
            return;
        }

        var body = await BodyReader.ReadAsync(context.Request.Body, context.Request.ContentLength, maxBody, context.RequestAborted).ConfigureAwait(false);
        if (body is null)
        {
            await TooLargeAsync(context, generation, maxBody).ConfigureAwait(false);
            return;
        }

        var answer = string.IsNullOrWhiteSpace(body)
            ? v4 ? Answer.Error(60002, "HTTP request body is empty") : Answer.Error(70009, "Error in parsing request body")
            : Run(work, body, v4);

        if (fault != Fault.None)
        {
            await MisbehaveAsync(context, generation, fault, rates).ConfigureAwait(false);
            return;
        }

        await WriteAsync(context, generation, answer).ConfigureAwait(false);
    }

    // Syntax errors are the gateway's (60003 / 70009); well-formed JSON of the wrong shape or range is the
    // API's invalid parameter (101002 / 70001), naming the field.
    private static Answer Run(Func<string, Answer> work, string body, bool v4)
    {
        // Every request body of these APIs is an object: "null", "[]" or "42" must not read as "{}".
        if (body.AsSpan().TrimStart()[0] != '{')
        {
            return !IsWellFormed(body)
                ? v4 ? Answer.Error(60003, "HTTP request JSON is invalid") : Answer.Error(70009, "Error in parsing request body")
                : v4 ? Answer.Error(101002, "invalid parameter: the body must be a JSON object")
                : Answer.Error(70001, "Invalid request parameters: the body must be a JSON object");
        }

        try
        {
            return work(body);
        }
        catch (JsonException e) when (!IsWellFormed(body))
        {
            return v4 ? Answer.Error(60003, "HTTP request JSON is invalid: " + e.Message)
                : Answer.Error(70009, "Error in parsing request body: " + e.Message);
        }
        catch (Exception e) when (e is JsonException or ArgumentException or OverflowException or FormatException or InvalidOperationException)
        {
            var field = (e as JsonException)?.Path is { Length: > 0 } path ? path + ": " : string.Empty;
            return v4 ? Answer.Error(101002, "invalid parameter: " + field + e.Message)
                : Answer.Error(70001, "Invalid request parameters: " + field + e.Message);
        }
    }

    private static bool IsWellFormed(string body)
    {
        try
        {
            using var _ = JsonDocument.Parse(body);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private Task MisbehaveAsync(HttpContext context, ApiGeneration generation, Fault fault, FaultRates rates)
    {
        var v4 = generation == ApiGeneration.V4;
        switch (fault)
        {
            case Fault.Http502 or Fault.PlaceThen502:
                context.Response.StatusCode = StatusCodes.Status502BadGateway;
                return Task.CompletedTask;
            case Fault.Hang or Fault.PlaceThenHang:
                return HangAsync(context, rates);
            case Fault.Error60018:
                var apiLimited = v4 ? Answer.Error(60018, "request frequency exceeds the limit of this API")
                    : Answer.Error(70005, "Request frequency limited");
                return WriteAsync(context, generation, apiLimited);
            case Fault.Error60011:
                var appLimited = v4 ? Answer.Error(60011, "request frequency exceeds the limit of the app")
                    : Answer.Error(70005, "Request frequency limited");
                return WriteAsync(context, generation, appLimited);
            case Fault.Error70169:
                var internalTimeout = v4 ? Answer.Error(70169, "server internal timeout, please retry")
                    : Answer.Error(90001, "System internal error");
                return WriteAsync(context, generation, internalTimeout);
            case Fault.Error70500:
                var internalError = v4 ? Answer.Error(70500, "internal server error, please retry")
                    : Answer.Error(90001, "System internal error");
                return WriteAsync(context, generation, internalError);
            default:
                var serverError = v4 ? Answer.Error(101001, "internal server error, please retry")
                    : Answer.Error(90001, "System internal error");
                return WriteAsync(context, generation, serverError);
        }
    }

    private Task TooLargeAsync(HttpContext context, ApiGeneration generation, int maxBody)
    {
        var info = string.Create(CultureInfo.InvariantCulture, $"request body larger than {maxBody} bytes");
        return WriteAsync(
            context,
            generation,
            generation == ApiGeneration.V4 ? Answer.Error(60003, "HTTP request JSON is invalid: " + info) : Answer.Error(70009, info),
            StatusCodes.Status413PayloadTooLarge);
    }

    // Hold the request until the client gives up (or HangSeconds pass), then drop the connection:
    // the client never reads an answer.
    private static async Task HangAsync(HttpContext context, FaultRates rates)
    {
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(Math.Clamp(rates.HangSeconds, 0, 3600)), context.RequestAborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The client hung up first, which is the point.
        }

        context.Abort();
    }

    private Task WriteAsync(HttpContext context, ApiGeneration generation, Answer answer, int status = StatusCodes.Status200OK)
    {
        var seq = Interlocked.Increment(ref sequence);
        object envelope = generation == ApiGeneration.V4
            ? new V4Envelope<object>
            {
                ActionStatus = answer.Code == 0 ? "OK" : "FAIL",
                ErrorCode = answer.Code,
                ErrorInfo = answer.Info,
                RequestId = string.Create(CultureInfo.InvariantCulture, $"Id-{Guid.NewGuid():N}-O-Seq-{seq}"),
                Response = answer.Payload,
            }
            : new V1Envelope<object>
            {
                ErrorCode = answer.Code,
                ErrorMessage = answer.Code == 0 ? "Success" : answer.Info,
                RequestId = Guid.NewGuid().ToString("N"),
                Data = answer.Payload,
            };
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsync(JsonSerializer.Serialize(envelope, WireJson.Options), context.RequestAborted);
    }
}
