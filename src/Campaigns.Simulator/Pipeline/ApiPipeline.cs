using System.Globalization;
using System.Text.Json;
using Campaigns.TencentCall.Errors;
using Campaigns.TencentCall.Wire;

namespace Campaigns.Simulator.Pipeline;

/// <summary>What an API handler answers: a code, its text, and the payload on success.</summary>
public sealed record Answer(long Code, string Info, object? Payload)
{
    /// <summary>Success with a payload (or none).</summary>
    public static Answer Ok(object? payload = null) => new(0, "", payload);

    /// <summary>A vendor error.</summary>
    public static Answer Error(long code, string info) => new(code, info, null);
}

/// <summary>
/// The path of every API request, in the order the vendor's gateway would take it: count it, check
/// the UserSig, apply the frequency limit, inject a fault, parse the body, do the work, answer in
/// the generation's envelope.
/// </summary>
public sealed class ApiPipeline(UserSigGate gate, RateLimiter limiter, FaultInjector faults, RequestStats stats)
{
    private long sequence;

    /// <summary>Serves one request of <paramref name="api"/>.</summary>
    public async Task HandleAsync(HttpContext context, string api, ApiGeneration generation, Func<string, Answer> work)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(work);
        var second = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        stats.Count(api, second);
        var v4 = generation == ApiGeneration.V4;

        if (gate.Check(context.Request.Query, generation) is { } refused)
        {
            await WriteAsync(context, generation, Answer.Error(refused.Code, refused.Info)).ConfigureAwait(false);
            return;
        }

        if (!limiter.TryAcquire(api, second))
        {
            stats.CountLimited(api, second);
            var limited = v4 ? Answer.Error(60018, "request frequency exceeds the limit") : Answer.Error(70005, "Request frequency limited");
            await WriteAsync(context, generation, limited).ConfigureAwait(false);
            return;
        }

        var fault = faults.Next(api);
        var rates = faults.Rates;
        if (rates.LatencyMs > 0)
        {
            await Task.Delay(rates.LatencyMs, context.RequestAborted).ConfigureAwait(false);
        }

        switch (fault)
        {
            case Fault.Http502:
                context.Response.StatusCode = StatusCodes.Status502BadGateway;
                return;
            case Fault.Hang:
                await HangAsync(context, rates).ConfigureAwait(false);
                return;
            case Fault.Error101001:
                await WriteAsync(context, generation, v4 ? Answer.Error(101001, "internal server error, please retry")
                    : Answer.Error(90001, "System internal error")).ConfigureAwait(false);
                return;
        }

        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);
        Answer answer;
        if (string.IsNullOrWhiteSpace(body))
        {
            answer = v4 ? Answer.Error(60002, "HTTP request body is empty") : Answer.Error(70009, "Error in parsing request body");
        }
        else
        {
            try
            {
                answer = work(body);
            }
            catch (JsonException e)
            {
                answer = v4 ? Answer.Error(60003, "HTTP request JSON is invalid: " + e.Message)
                    : Answer.Error(70009, "Error in parsing request body: " + e.Message);
            }
        }

        if (fault == Fault.PlaceThenHang)
        {
            await HangAsync(context, rates).ConfigureAwait(false);
            return;
        }

        await WriteAsync(context, generation, answer).ConfigureAwait(false);
    }

    // Hold the request until the client gives up (or HangSeconds pass), then drop the connection:
    // the client never reads an answer.
    private static async Task HangAsync(HttpContext context, FaultRates rates)
    {
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(rates.HangSeconds), context.RequestAborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The client hung up first, which is the point.
        }

        context.Abort();
    }

    private Task WriteAsync(HttpContext context, ApiGeneration generation, Answer answer)
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
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsync(JsonSerializer.Serialize(envelope, WireJson.Options), context.RequestAborted);
    }
}
