using Campaigns.Simulator.Calls;
using Campaigns.Simulator.Pipeline;

namespace Campaigns.Simulator.Endpoints;

/// <summary>A placed call as the admin listing shows it.</summary>
public sealed record PlacedCall(
    string CallId, string Robot, IReadOnlyList<string> Callees, string? UserData, string MediaType, DateTimeOffset PlacedAt, bool Ended);

/// <summary>A scripted fault: the next <see cref="Count"/> requests of <see cref="Api"/> suffer <see cref="Fault"/>.</summary>
public sealed record ScriptedFault(string Api, Fault Fault, int Count = 1);

/// <summary>
/// The simulator's own endpoints (not Tencent's): what it placed, per-API request counts, faults.
/// Tests and benchmarks use them to prove that no callee was rung twice and that limits held.
/// </summary>
public static class AdminEndpoints
{
    /// <summary>Maps /admin/*.</summary>
    public static void MapAdmin(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/admin");
        admin.MapGet("/calls", (CallBook book, string? callee) => book.All()
            .Where(c => callee is null || c.Callees.Contains(callee, StringComparer.Ordinal))
            .Select(c => new PlacedCall(c.CallId, c.Robot, c.Callees, c.UserData, c.MediaType, c.PlacedAt, book.Clock.Now >= c.End)));

        // Rings per callee: the number a test compares with 1.
        admin.MapGet("/rings", (CallBook book) => book.All()
            .SelectMany(c => c.Callees)
            .GroupBy(c => c, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal));

        admin.MapGet("/requests", (RequestStats stats) => stats.Snapshot());
        admin.MapGet("/clock", (CallBook book) => new { now = book.Clock.Now, timeScale = book.Clock.TimeScale });

        admin.MapGet("/faults", (FaultInjector faults) => faults.Rates);
        admin.MapPut("/faults", (FaultInjector faults, FaultRates rates) =>
        {
            faults.Rates = rates;
            return Results.Ok(faults.Rates);
        });
        admin.MapPost("/faults/next", (FaultInjector faults, ScriptedFault script) =>
        {
            if (script.Count < 1 || script.Fault == Fault.None)
            {
                return Results.BadRequest(new { error = "Count must be at least 1 and Fault one of Error101001, Http502, Hang, PlaceThenHang" });
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
}
