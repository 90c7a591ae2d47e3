using System.Collections.Concurrent;

namespace Campaigns.Simulator.Calls;

/// <summary>
/// The calls the simulator placed, in memory, with the simulated clock that drives them. Bounded: the
/// oldest ended calls are forgotten beyond <see cref="MemoryLimits.MaxCalls"/> and once their records
/// have expired; the <see cref="RingLog"/> keeps counting regardless.
/// </summary>
public sealed class CallBook(SimulatorOptions options, VirtualClock clock, CalleePlanner planner, RingLog rings, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, SimCall> calls = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<SimCall> placed = new();
    private readonly Lock evicting = new();
    private long evicted;
    private int retained; // ConcurrentDictionary.Count takes every bucket lock: too dear per start

    /// <summary>Raised for every call placed (the callback sender listens).</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1003:Use generic event handler instances", Justification = "an in-process hook that reports the one call it is about; there is no sender or EventArgs to pass")]
    public event Action<SimCall>? Placed;

    /// <summary>Raised when end_call cuts a call short.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1003:Use generic event handler instances", Justification = "an in-process hook that reports the one call it is about; there is no sender or EventArgs to pass")]
    public event Action<SimCall>? EndedByApi;

    /// <summary>The simulated clock.</summary>
    public VirtualClock Clock => clock;

    /// <summary>Most people in one call, the robot included.</summary>
    public int MaxCallSize => options.MaxCallSize;

    /// <summary>Calls kept in full right now.</summary>
    public int Retained => Volatile.Read(ref retained);

    /// <summary>Calls forgotten so far.</summary>
    public long Evicted => Interlocked.Read(ref evicted);

    /// <summary>Places a call: every callee is planned now, so its fate does not depend on when it is polled.</summary>
    public SimCall Place(string robot, IReadOnlyList<string> callees, TimeSpan timeout, string? userData, string mediaType, string? roomId, int? roomIdType)
    {
        var start = clock.Now;
        var plans = callees.Select(c => planner.Plan(c, start, timeout)).ToList();
        var call = new SimCall
        {
            CallId = Guid.NewGuid().ToString(),
            Robot = robot,
            Callees = callees,
            UserData = userData,
            MediaType = mediaType,
            RoomId = roomId ?? string.Empty,
            RoomIdType = roomIdType ?? 0,
            PlacedAt = time.GetUtcNow(), // the wall clock (a test may give a clock that follows skipped workflow time)
            Start = start,
            Plans = plans,
            Fate = planner.PlanRecord(plans[0]),
        };
        foreach (var plan in plans.Where(p => p.Rung))
        {
            rings.Ring(plan.Callee);
        }

        calls[call.CallId] = call;
        placed.Enqueue(call);
        Interlocked.Increment(ref retained);
        Evict();
        Placed?.Invoke(call);
        return call;
    }

    /// <summary>Ends a call now (end_call); false when it had already ended.</summary>
    public bool EndNow(SimCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        if (!call.EndNow(clock.Now))
        {
            return false;
        }

        EndedByApi?.Invoke(call);
        return true;
    }

    /// <summary>The call, if it was placed and is still kept.</summary>
    public SimCall? Find(string callId) => calls.GetValueOrDefault(callId);

    /// <summary>Whether the record of <paramref name="call"/> can be read now: it has appeared and not yet expired.</summary>
    public bool RecordReady(SimCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var now = clock.Now;
        return call.RecordReadyAt is { } ready && now >= ready && now < call.End + Retention;
    }

    /// <summary>Every kept call, in the order placed.</summary>
    public IReadOnlyList<SimCall> All() => [.. placed];

    /// <summary>Calls whose records are readable and which started in [from, to], oldest first.</summary>
    public IReadOnlyList<SimCall> RecordsBetween(DateTimeOffset from, DateTimeOffset to) =>
        [.. placed.Where(c => c.Start >= from && c.Start <= to && RecordReady(c)).OrderBy(c => c.Start)];

    private TimeSpan Retention => TimeSpan.FromDays(Math.Clamp(options.Records.RetentionDays, 0, 3650));

    // Forget from the front (oldest placed): calls over the cap once ended, and ended calls whose record expired.
    private void Evict()
    {
        if (!evicting.TryEnter())
        {
            return; // another request is evicting; the next one catches up
        }

        try
        {
            var now = clock.Now;
            while (placed.TryPeek(out var oldest) && now >= oldest.End
                   && (Retained > Math.Max(1, options.Limits.MaxCalls) || now >= oldest.End + Retention))
            {
                placed.TryDequeue(out _);
                calls.TryRemove(oldest.CallId, out _);
                Interlocked.Decrement(ref retained);
                Interlocked.Increment(ref evicted);
            }
        }
        finally
        {
            evicting.Exit();
        }
    }
}
