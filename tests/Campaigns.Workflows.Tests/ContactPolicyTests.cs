using System.Globalization;
using Campaigns.Storage.Model;
using Campaigns.Workflows.Contract;

namespace Campaigns.Workflows.Tests;

/// <summary>
/// Contact caps across campaigns (docs/contact-policy.md), end to end on the dev server and the simulator. The caps'
/// day is shortened by the tests-only option <c>Campaigns:ContactPolicy:DaySeconds</c>; every figure about who was
/// rung when comes from the simulator's call log.
/// </summary>
[Trait("Needs", "Temporal")]
[Collection(TemporalTestsSecondLane.Name)]
public sealed class ContactPolicyTests(TemporalServer temporal)
{
    [Fact]
    public async Task ThreeCampaignsSharingTheirCallees_CapOfOnePerDay_EachCalleeRungOncePerDay_TheOthersDeferredToTheNextDays()
    {
        const int callees = 1000;
        var day = TimeSpan.FromSeconds(30);
        await using var h = await CampaignHarness.StartAsync(temporal, o => o.Seed = 20, config: DayOf(day));
        await h.Store.SetContactPolicyAsync(new ContactPolicy { PerDay = 1 });
        var people = Enumerable.Range(1, callees).Select(i => $"s{i:D4}").ToList();
        var ids = Enumerable.Range(0, 3).Select(_ => CampaignHarness.NewId()).ToList();
        var started = DateTimeOffset.UtcNow;

        var handles = await Task.WhenAll(ids.Select(id => h.Campaigns.StartAsync(new CampaignSpec
        {
            CampaignId = id,
            RobotAccount = "robot",
            Callees = people,
            RingTimeoutMs = 30_000,
        })));

        // While they run, the progress shows what the cap deferred.
        var mostDeferred = new long[3];
        var results = handles.Select(handle => handle.GetResultAsync()).ToList();
        while (!results.All(r => r.IsCompleted))
        {
            for (var i = 0; i < 3; i++)
            {
                mostDeferred[i] = Math.Max(mostDeferred[i], (await handles[i].QueryAsync(wf => wf.Progress)).Deferred);
            }

            await Task.WhenAny(Task.WhenAll(results), Task.Delay(1000));
        }

        var progress = await Task.WhenAll(results);
        var elapsed = DateTimeOffset.UtcNow - started;
        Assert.All(progress, p => Assert.Equal((CampaignStatuses.Completed, callees, callees, 0L), (p.Status, p.Finished, p.Attempts, p.Deferred)));
        Assert.All(progress, p => Assert.DoesNotContain(Results.Capped, p.ByResult.Keys));

        // The call log: 3 calls per callee, one from each campaign, each at least a day after the one before.
        var campaignOfRoom = ids.SelectMany(id => Enumerable.Range(1, callees).Select(seq => (Room: "cmp-" + AttemptKey.For(id, seq, 1), Id: id)))
            .ToDictionary(r => r.Room, r => r.Id, StringComparer.Ordinal);
        var calls = await h.Simulator.CallsAsync();
        Assert.Equal(3 * callees, calls.Count);
        var gaps = new List<TimeSpan>();
        foreach (var byCallee in calls.GroupBy(c => c.Callees.Single()))
        {
            var mine = byCallee.OrderBy(c => c.PlacedAt).ToList();
            Assert.Equal(3, mine.Count);
            Assert.Equal(3, mine.Select(c => campaignOfRoom[c.RoomId]).Distinct().Count());
            gaps.AddRange(mine.Zip(mine.Skip(1), (a, b) => b.PlacedAt - a.PlacedAt));
        }

        Assert.Equal(people, calls.Select(c => c.Callees.Single()).Distinct().Order(StringComparer.Ordinal));
        // A call counts from the vendor's answer to its start, which comes after the simulator placed it: a day apart at least.
        Assert.True(gaps.Min() >= day, $"a callee was rung twice within {gaps.Min().TotalSeconds:F3} s (a day is {day.TotalSeconds} s)");
        foreach (var id in ids)
        {
            var outcomes = await CampaignEndToEndTests.ReadOutcomesAsync(h, id);
            Assert.Equal(people, outcomes.Select(o => o.Callee).Order(StringComparer.Ordinal));
        }

        var late = gaps.Select(g => (g - day).TotalSeconds).Order().ToList();
#pragma warning disable SA1118 // one invariant-culture interpolation split over lines; a local string would lose string.Create's culture
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"contact caps: 3 campaigns × {callees} shared callees, 1 per day of {day.TotalSeconds} s: {calls.Count} calls in {elapsed.TotalSeconds:F0} s; " +
            $"a callee's next call came {late[0]:F1} s / {late[late.Count / 2]:F1} s / {late[^1]:F1} s (min / median / max) after its day was up; " +
            $"most deferred at once per campaign {string.Join(", ", mostDeferred)}"));
#pragma warning restore SA1118
        Assert.All(mostDeferred, d => Assert.True(d > 0, "the progress showed the capped attempts as Deferred"));
    }

    [Fact]
    public async Task CampaignCancelledWhileCapped_ItsDeferredAttemptsEndCapped_NeverRung_AndALooserCampaignPolicyIsClamped()
    {
        var shared = Enumerable.Range(1, 20).Select(i => $"k{i:D2}").ToList();
        var fresh = Enumerable.Range(1, 5).Select(i => $"f{i:D2}").ToList();
        await using var h = await RungTodayUnderOnePerDayAsync(21, shared);

        // Its own policy says 2 a day: looser than the app's 1, so the app's holds (clamped at dial time).
        var id = CampaignHarness.NewId();
        var handle = await h.Campaigns.StartAsync(new CampaignSpec
        {
            CampaignId = id,
            RobotAccount = "robot",
            Callees = [.. shared, .. fresh],
            ContactPolicy = new ContactPolicySpec { PerDay = 2 },
        });
        await Eventually.TrueAsync(
            async () => await handle.QueryAsync(wf => wf.Progress) is { Finished: 5, Deferred: 20 }, "the fresh callees rung, the shared ones deferred", 120);
        Assert.Equal(CampaignStatuses.Running, (await handle.QueryAsync(wf => wf.Progress)).Status);

        var result = await handle.ExecuteUpdateAsync(wf => wf.CancelAsync());
        var ended = await handle.GetResultAsync();

        Assert.Equal((CampaignStatuses.Cancelled, 25L, 0L, 20L), (ended.Status, ended.Finished, ended.Deferred, ended.ByResult.GetValueOrDefault(Results.Capped)));
        var calls = await h.Simulator.CallsAsync();
        Assert.Equal(25, calls.Count);
        Assert.Equal([.. fresh, .. shared], calls.Select(c => c.Callees.Single()).Order(StringComparer.Ordinal));
        var failed = await h.Store.GetAttemptsAsync(id, AttemptState.Failed);
        Assert.Equal(20, failed.Count(a => a.ErrorInfo!.StartsWith("capped:", StringComparison.Ordinal)));
        Assert.NotNull(result);
    }

    [Fact]
    public async Task EndByWhileCapped_ItsDeferredAttemptsEndCapped_NotNotDialed_NeverRung()
    {
        var shared = Enumerable.Range(1, 20).Select(i => $"e{i:D2}").ToList();
        var fresh = Enumerable.Range(1, 5).Select(i => $"g{i:D2}").ToList();
        await using var h = await RungTodayUnderOnePerDayAsync(22, shared);

        // endBy falls while the shared callees wait for their cap (an hour): they end Capped, like a cancel would end them.
        var id = CampaignHarness.NewId();
        var endBy = DateTimeOffset.UtcNow.AddSeconds(15);
        var handle = await h.Campaigns.StartAsync(new CampaignSpec
        {
            CampaignId = id,
            RobotAccount = "robot",
            Callees = [.. shared, .. fresh],
            EndBy = endBy.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
        });
        var ended = await handle.GetResultAsync();

        Assert.Equal((CampaignStatuses.Completed, 25L, 0L, 20L), (ended.Status, ended.Finished, ended.Deferred, ended.ByResult.GetValueOrDefault(Results.Capped)));
        Assert.Equal(0L, ended.ByResult.GetValueOrDefault(Results.NotDialed));
        var calls = await h.Simulator.CallsAsync();
        Assert.Equal(25, calls.Count); // 20 by the first campaign, the 5 fresh callees by this one
        var failed = await h.Store.GetAttemptsAsync(id, AttemptState.Failed);
        Assert.Equal(20, failed.Count(a => a.ErrorInfo!.StartsWith("capped:", StringComparison.Ordinal)));
        Assert.DoesNotContain(failed, a => a.ErrorInfo!.StartsWith("not dialed", StringComparison.Ordinal));
    }

    // A harness whose app allows one call a day (a day of an hour here), after a first campaign rang `shared`.
    private async Task<CampaignHarness> RungTodayUnderOnePerDayAsync(int seed, List<string> shared)
    {
        var h = await CampaignHarness.StartAsync(temporal, o => o.Seed = seed, config: DayOf(TimeSpan.FromHours(1)));
        try
        {
            await h.Store.SetContactPolicyAsync(new ContactPolicy { PerDay = 1 });
            var first = await (await h.Campaigns.StartAsync(new CampaignSpec { CampaignId = CampaignHarness.NewId(), RobotAccount = "robot", Callees = shared }))
                .GetResultAsync();
            Assert.Equal(shared.Count, first.Finished);
            return h;
        }
        catch
        {
            await h.DisposeAsync();
            throw;
        }
    }

    private static Dictionary<string, string?> DayOf(TimeSpan day) => new()
    {
        ["Campaigns:ContactPolicy:DaySeconds"] = day.TotalSeconds.ToString(CultureInfo.InvariantCulture),
    };
}
