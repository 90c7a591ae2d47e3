using Campaigns.Simulator.Callbacks;
using Campaigns.Simulator.Calls;
using Campaigns.Simulator.Pipeline;

namespace Campaigns.Simulator.Endpoints;

/// <summary>A placed call as the admin listing shows it.</summary>
public sealed record PlacedCall(
    string CallId, string Robot, IReadOnlyList<string> Callees, string? UserData, string MediaType, DateTimeOffset PlacedAt, bool Ended)
{
    /// <summary>The callees actually rung (start ResultCode 0).</summary>
    public IReadOnlyList<string> Rung { get; init; } = [];

    /// <summary>The RoomId the start carried (empty when none).</summary>
    public string RoomId { get; init; } = string.Empty;

    /// <summary>When the call started, on the simulator's clock (which runs <c>TimeScale</c> times faster than the wall clock).</summary>
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>When the call ends (or ended), on the simulator's clock: from <see cref="StartedAt"/>, its live span.</summary>
    public DateTimeOffset EndsAt { get; init; }
}

/// <summary>A scripted fault: the next <see cref="Count"/> requests of <see cref="Api"/> suffer <see cref="Fault"/>.</summary>
public sealed record ScriptedFault(string Api, Fault Fault, int Count = 1);

/// <summary>What the call book holds: calls kept in full, calls forgotten, rings counted.</summary>
public sealed record CallBookSummary(int CallsRetained, long CallsEvicted, long Rings, int CalleesRung);

/// <summary>
/// The simulator's own endpoints (not Tencent's): what it placed, per-API request counts, faults.
/// Tests and benchmarks use them to prove that no callee was rung twice and that limits held.
/// </summary>
public static class AdminEndpoints
{
    /// <summary>Most requests one script may cover (a script is held in memory).</summary>
    public const int MaxScriptCount = 10_000;

    /// <summary>Maps /admin/*.</summary>
    public static void MapAdmin(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/admin");
        admin.MapGet("/calls", (CallBook book, string? callee) => book.All()
            .Where(c => callee is null || c.Callees.Contains(callee, StringComparer.Ordinal))
            .Select(c => new PlacedCall(c.CallId, c.Robot, c.Callees, c.UserData, c.MediaType, c.PlacedAt, book.Clock.Now >= c.End)
            {
                Rung = [.. c.Rung.Select(p => p.Callee)],
                RoomId = c.RoomId,
                StartedAt = c.Start,
                EndsAt = c.End,
            }));

        // Rings per callee (only callees actually rung), kept even after their calls are evicted:
        // the number a test compares with 1. ?callee=ID for one callee, ?min=2 for the ones rung twice or more.
        admin.MapGet("/rings", (RingLog rings, string? callee, int? min) => callee is not null
            ? new Dictionary<string, int>(StringComparer.Ordinal) { [callee] = rings.Of(callee) }
            : rings.AtLeast(Math.Max(1, min ?? 1)));

        admin.MapGet("/summary", (CallBook book, RingLog rings) => new CallBookSummary(book.Retained, book.Evicted, rings.Total, rings.Callees));
        admin.MapGet("/requests", (RequestStats stats) => stats.Snapshot());
        admin.MapDelete("/requests", (RequestStats stats) =>
        {
            stats.Reset();
            return Results.NoContent();
        });
        admin.MapGet("/callbacks", (CallbackSender sender) => sender.Stats);
        admin.MapGet("/clock", (CallBook book) => new { now = book.Clock.Now, timeScale = book.Clock.TimeScale });

        admin.MapGet("/faults", (FaultInjector faults) => faults.Rates);
        admin.MapPut("/faults", (FaultInjector faults, FaultRates rates) =>
        {
            if (FaultRatesProblem(rates) is { } problem)
            {
                return Results.BadRequest(new { error = problem });
            }

            faults.Rates = rates;
            return Results.Ok(faults.Rates);
        });
        admin.MapPost("/faults/next", (FaultInjector faults, ScriptedFault script) =>
        {
            if (script.Count is < 1 or > MaxScriptCount || script.Fault == Fault.None || !Enum.IsDefined(script.Fault)
                || string.IsNullOrEmpty(script.Api))
            {
                return Results.BadRequest(new { error = "Api is required, Count must be 1–10000 and Fault a fault other than None" });
            }

            faults.Script(script.Api, script.Fault, script.Count);
            return Results.Ok(script);
        });
        admin.MapDelete("/faults", (FaultInjector faults) =>
        {
            faults.Clear();
            return Results.NoContent();
        });
    }

    private static string? FaultRatesProblem(FaultRates? r)
    {
        if (r is null)
        {
            return "a body is required";
        }

        double[] rates = [r.Error101001Rate, r.Http502Rate, r.HangRate, r.PlaceThenHangRate, r.Error60018Rate, r.Error60011Rate,
            r.Error70500Rate, r.Error70169Rate, r.PlaceThen502Rate];
        return rates.Any(x => x is < 0 or > 1 || double.IsNaN(x)) ? "every rate must be between 0 and 1"
            : r.LatencyMs is < 0 or > 60_000 ? "LatencyMs must be 0–60000"
            : r.HangSeconds is < 0 or > 3600 || double.IsNaN(r.HangSeconds) ? "HangSeconds must be 0–3600"
            : null;
    }
}
