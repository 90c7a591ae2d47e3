using Campaigns.Activities.Budget;
using Campaigns.Activities.Fleet;
using Campaigns.Storage;

namespace Campaigns.Activities.Tests;

/// <summary>
/// Three members joining, one leaving gracefully and one crashing, each sending as fast as its gate allows,
/// on one manual clock with an in-memory registry (pure logic): the fleet's sum stays within the budget in
/// every 1-second window.
/// </summary>
public sealed class FleetTransitionsTests
{
    private const int Budget = 12;
    private static readonly TimeSpan Expiry = TimeSpan.FromSeconds(4);
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(0.5);

    [Fact]
    public async Task JoinsLeaveAndCrash_TheFleetNeverExceedsTheBudgetInAnySecond()
    {
        var time = new ManualTime();
        var t0 = time.GetUtcNow();
        var registry = new MemoryRegistry(time);
        var members = new Dictionary<string, Member>();
        var passes = new List<(string Member, DateTimeOffset At)>();
        for (var step = 0; step <= 1800; step++)
        {
            var now = time.GetUtcNow();
            var at = now - t0;
            foreach (var (id, joinAt) in new[] { ("a", 0.0), ("b", 2.0), ("c", 5.0) })
            {
                if (at == TimeSpan.FromSeconds(joinAt))
                {
                    members[id] = new Member(id, time);
                }
            }

            if (at == TimeSpan.FromSeconds(8))
            {
                members["a"].Leaving = true;
                members["a"].Gate.Close();
            }

            if (at == TimeSpan.FromSeconds(11))
            {
                members["c"].Crashed = true; // no heartbeat any more, but it sends whatever its gate allows
            }

            foreach (var m in members.Values)
            {
                m.Tick(registry, now);
                for (var n = await Gates.PassAllNowAsync(m.Gate); n > 0; n--)
                {
                    passes.Add((m.Id, now));
                }
            }

            time.Advance(TimeSpan.FromMilliseconds(10));
        }

        var worst = Gates.WorstWindow(passes.Select(p => p.At));
        Console.WriteLine($"fleet transitions: {passes.Count} passes, worst 1-s window {worst} (budget {Budget})");
        Assert.True(worst <= Budget, $"{worst} requests in one second, budget {Budget}");

        // Every transition happened, and the fleet did use its budget.
        // (Spaced 1/12 s apart on a 10 ms clock, a second holds 11 or 12.)
        Assert.InRange(Gates.WorstWindow(passes.Where(p => p.At - t0 < TimeSpan.FromSeconds(2)).Select(p => p.At)), Budget - 1, Budget);
        Assert.Contains(passes, p => p.Member == "c" && p.At - t0 < TimeSpan.FromSeconds(11));
        Assert.DoesNotContain(passes, p => p.Member == "a" && p.At - t0 >= TimeSpan.FromSeconds(8));
        Assert.DoesNotContain(passes, p => p.Member == "c" && p.At - t0 >= TimeSpan.FromSeconds(11) + Expiry);
        Assert.Equal(1, members["b"].Share.Members);
        Assert.InRange(Gates.WorstWindow(passes.Where(p => p.Member == "b" && p.At - t0 >= TimeSpan.FromSeconds(16)).Select(p => p.At)), Budget - 1, Budget);
    }

    private sealed class Member(string id, TimeProvider time)
    {
        private DateTimeOffset nextBeat = DateTimeOffset.MinValue;
        private long acknowledged;

        public string Id { get; } = id;

        public FleetShare Share { get; } = new(id, Expiry);

        public SlidingWindowGate Gate { get; } = new(time);

        public bool Leaving { get; set; }

        public bool Crashed { get; set; }

        public void Tick(MemoryRegistry registry, DateTimeOffset now)
        {
            if (Crashed || now < nextBeat)
            {
                return;
            }

            if (Leaving)
            {
                // What FleetMembership.StopAsync does: gone once the last request has left the window.
                if (Share.Registered && (Gate.LastPassed is not { } last || now >= last + SlidingWindowGate.Window))
                {
                    registry.Leave(Id);
                    Share.Lost();
                }

                return;
            }

            nextBeat = now + Heartbeat;
            if (!Share.Registered)
            {
                Share.Joined(registry.Join(Id), now, now);
                acknowledged = Share.Version;
            }
            else
            {
                Share.Observed(registry.Beat(Id, Share.Applied), now, now);
                acknowledged = Math.Max(acknowledged, Share.Applied);
            }

            Apply();
            if (Share.Registered && Share.Applied > acknowledged)
            {
                // The gate holds the new share: acknowledge at once (FleetMembership does the same).
                Share.Observed(registry.Beat(Id, Share.Applied), now, now);
                acknowledged = Share.Applied;
                Apply();
            }
        }

        private void Apply()
        {
            var gates = Share.Gates;
            if (gates.Members < 1)
            {
                Gate.Close();
            }
            else
            {
                Gate.Configure(Math.Max(1, Budget / gates.Members), gates.OpenFrom, gates.OpenUntil);
            }
        }
    }

    /// <summary><see cref="IFleetRegistry"/>'s semantics in memory, on the manual clock (the "database clock").</summary>
    private sealed class MemoryRegistry(TimeProvider time)
    {
        private readonly Dictionary<string, (long Version, long Acked, DateTimeOffset Expires)> rows = [];
        private long version;

        public FleetView Join(string id)
        {
            rows[id] = (++version, version, time.GetUtcNow() + Expiry);
            return Live();
        }

        public FleetView? Beat(string id, long acked)
        {
            var now = time.GetUtcNow();
            var live = rows.TryGetValue(id, out var row) && row.Expires > now;
            if (live)
            {
                rows[id] = (row.Version, Math.Max(row.Acked, acked), now + Expiry);
            }

            var view = Live();
            return live ? view : null;
        }

        public void Leave(string id) => rows.Remove(id);

        private FleetView Live()
        {
            var now = time.GetUtcNow();
            foreach (var id in rows.Where(r => r.Value.Expires <= now).Select(r => r.Key).ToList())
            {
                rows.Remove(id);
            }

            return new FleetView(
                [.. rows.OrderBy(r => r.Value.Version).Select(r => new FleetMember { MemberId = r.Key, JoinedVersion = r.Value.Version, AcknowledgedVersion = r.Value.Acked })],
                now);
        }
    }
}
