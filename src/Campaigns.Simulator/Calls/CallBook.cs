using System.Collections.Concurrent;

namespace Campaigns.Simulator.Calls;

/// <summary>Every call the simulator placed, in memory, with the simulated clock that drives them.</summary>
public sealed class CallBook(SimulatorOptions options, VirtualClock clock, CalleePlanner planner)
{
    private readonly ConcurrentDictionary<string, SimCall> calls = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<SimCall> placed = new();

    /// <summary>The simulated clock.</summary>
    public VirtualClock Clock => clock;

    /// <summary>Places a call: every callee is planned now, so its fate does not depend on when it is polled.</summary>
    public SimCall Place(string robot, IReadOnlyList<string> callees, TimeSpan timeout, string? userData, string mediaType, string? roomId, int? roomIdType)
    {
        var start = clock.Now;
        var call = new SimCall
        {
            CallId = Guid.NewGuid().ToString(),
            Robot = robot,
            Callees = callees,
            UserData = userData,
            MediaType = mediaType,
            RoomId = roomId ?? "",
            RoomIdType = roomIdType ?? 0,
            PlacedAt = DateTimeOffset.UtcNow,
            Start = start,
            Plans = [.. callees.Select(c => planner.Plan(c, start, timeout))],
        };
        calls[call.CallId] = call;
        placed.Enqueue(call);
        return call;
    }

    /// <summary>The call, if it was ever placed.</summary>
    public SimCall? Find(string callId) => calls.GetValueOrDefault(callId);

    /// <summary>Whether the record of <paramref name="call"/> can be read yet.</summary>
    public bool RecordReady(SimCall call) => clock.Now >= call.End + TimeSpan.FromSeconds(options.RecordDelaySeconds);

    /// <summary>Every placed call, in the order placed.</summary>
    public IReadOnlyList<SimCall> All() => [.. placed];

    /// <summary>Calls whose records are readable and which started in [from, to].</summary>
    public IReadOnlyList<SimCall> RecordsBetween(DateTimeOffset from, DateTimeOffset to) =>
        [.. placed.Where(c => c.Start >= from && c.Start <= to && RecordReady(c)).OrderBy(c => c.Start)];
}
