using System.Globalization;
using Campaigns.Storage.Model;
using Campaigns.Workflows.Contract;

namespace Campaigns.Faults.Tests;

/// <summary>What a scenario ended with, as docs/testing.md's fault table shows it.</summary>
public sealed record FaultReport(string Scenario, int Targets, int Rings, int MaxRingsPerCallee, IReadOnlyDictionary<string, long> Outcomes, long Unresolved, int RungButUnresolved, TimeSpan Duration)
{
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"fault suite | {Scenario} | {Targets} | {Rings} | {MaxRingsPerCallee} | {string.Join(", ", Outcomes.OrderByDescending(p => p.Value).Select(p => $"{p.Key} {p.Value}"))} | {Unresolved} ({RungButUnresolved} rung) | {Duration.TotalSeconds:F0} s");
}

/// <summary>
/// The invariants every scenario ends with, checked from the simulator's call log (/admin/rings, /admin/calls)
/// and the store: the campaign completed; every callee rung at most once per attempt; every rung callee's
/// outcome stored or its attempt counted Unresolved; no attempt left claimed; every placed call is the one its
/// attempt stored.
/// </summary>
public static class CampaignInvariants
{
    public static async Task<FaultReport> CheckAsync(FaultRun run, string scenario, string campaignId, IReadOnlyList<string> callees, CampaignProgress result, TimeSpan duration)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(callees);
        ArgumentNullException.ThrowIfNull(result);
        Assert.Equal(CampaignStatuses.Completed, result.Status);
        Assert.Equal(callees.Count, result.Targets);
        Assert.Equal(callees.Count, result.Finished);

        // The store: every attempt, by state. Nothing may be left Intended or Dialing once the campaign completed.
        var attempts = new List<CallAttempt>();
        foreach (var state in Enum.GetValues<AttemptState>())
        {
            string? after = null;
            while (true)
            {
                var page = await run.Store.GetAttemptsAsync(campaignId, state, after, 1000);
                attempts.AddRange(page);
                if (page.Count < 1000)
                {
                    break;
                }

                after = page[^1].AttemptKey;
            }
        }

        Assert.DoesNotContain(attempts, a => a.State is AttemptState.Intended or AttemptState.Dialing or AttemptState.Dialed);
        var unknown = attempts.Where(a => a.State == AttemptState.Unknown).ToList();
        Assert.Equal(result.Unresolved, unknown.Count);

        var targets = (await run.Store.GetTargetsAsync(campaignId, 0, callees.Count + 1)).ToDictionary(t => t.Seq);
        var attemptsOf = attempts.GroupBy(a => targets[a.TargetSeq].Callees[0]).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var outcomes = new List<Storage.OutcomeExportRow>();
        await foreach (var row in run.Store.ReadOutcomesAsync(campaignId))
        {
            outcomes.Add(row);
        }

        // One outcome per callee per attempt.
        Assert.Equal(outcomes.Count, outcomes.Select(o => (o.Callee, o.AttemptNo)).Distinct().Count());

        // The simulator's log: rings per callee, and the calls themselves.
        var rings = await run.Simulator.RingsAsync();
        Assert.All(rings.Keys, c => Assert.Contains(c, attemptsOf.Keys)); // nobody outside the campaign was rung
        var rungButUnresolved = 0;
        foreach (var callee in callees)
        {
            var rung = rings.GetValueOrDefault(callee);
            var tried = attemptsOf.GetValueOrDefault(callee)?.Count ?? 0;
            Assert.True(rung <= tried, $"{callee} rung {rung} times in {tried} attempt(s)");
            if (rung == 0)
            {
                continue;
            }

            var rangOutcome = outcomes.Any(o => o.Callee == callee && o.Result != "NotRung");
            var unresolved = attemptsOf[callee].Any(a => a.State == AttemptState.Unknown);
            Assert.True(rangOutcome || unresolved, $"{callee} was rung, but has no outcome and no unresolved attempt");
            rungButUnresolved += !rangOutcome && unresolved ? 1 : 0;
        }

        // Every placed call belongs to an attempt of this campaign that stored exactly that call, or that is unresolved.
        var byRoom = attempts.ToDictionary(a => "cmp-" + a.AttemptKey, StringComparer.Ordinal);
        foreach (var call in await run.Simulator.CallsAsync())
        {
            Assert.True(byRoom.TryGetValue(call.RoomId, out var attempt), $"call {call.CallId} in room {call.RoomId} belongs to no attempt");
            Assert.True(
                attempt!.State == AttemptState.Unknown || attempt.CallId == call.CallId,
                $"attempt {attempt.AttemptKey} ({attempt.State}) stored call {attempt.CallId}, the simulator placed {call.CallId}");
        }

        var report = new FaultReport(
            scenario,
            callees.Count,
            rings.Values.Sum(),
            rings.Values.DefaultIfEmpty().Max(),
            result.ByResult,
            result.Unresolved,
            rungButUnresolved,
            duration);
        Console.WriteLine(report);
        return report;
    }
}
