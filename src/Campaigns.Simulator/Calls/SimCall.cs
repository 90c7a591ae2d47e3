namespace Campaigns.Simulator.Calls;

/// <summary>A placed call and everything that will happen in it.</summary>
public sealed class SimCall
{
    private readonly Lock gate = new();
    private DateTimeOffset? endedByApiAt;

    /// <summary>The CallId handed out.</summary>
    public required string CallId { get; init; }

    /// <summary>The robot that placed it.</summary>
    public required string Robot { get; init; }

    /// <summary>The callees, in request order.</summary>
    public required IReadOnlyList<string> Callees { get; init; }

    /// <summary>UserData as sent.</summary>
    public string? UserData { get; init; }

    /// <summary>Audio or Video.</summary>
    public required string MediaType { get; init; }

    /// <summary>Room id as sent (empty when none).</summary>
    public string RoomId { get; init; } = string.Empty;

    /// <summary>Room id type as sent (0 when none).</summary>
    public int RoomIdType { get; init; }

    /// <summary>Wall-clock time the start request was handled.</summary>
    public required DateTimeOffset PlacedAt { get; init; }

    /// <summary>Simulated start.</summary>
    public required DateTimeOffset Start { get; init; }

    /// <summary>Each callee's fate, rung or not.</summary>
    public required IReadOnlyList<CalleePlan> Plans { get; init; }

    /// <summary>When the record appears, or that it never does.</summary>
    public required RecordFate Fate { get; init; }

    /// <summary>Whether this is a group call.</summary>
    public bool IsGroup => Callees.Count > 1;

    /// <summary>The plans of callees that were rung (start ResultCode 0).</summary>
    public IEnumerable<CalleePlan> Rung => Plans.Where(p => p.Rung);

    /// <summary>When the last callee leaves (at once when nobody was rung), unless end_call came first.</summary>
    public DateTimeOffset End
    {
        get
        {
            var natural = NaturalEnd;
            lock (gate)
            {
                return endedByApiAt is { } e && e < natural ? e : natural;
            }
        }
    }

    /// <summary>Whether end_call cut the call short.</summary>
    public bool EndedByApi
    {
        get
        {
            lock (gate)
            {
                return endedByApiAt is { } e && e < NaturalEnd;
            }
        }
    }

    /// <summary>Ends the call now; false when it had already ended.</summary>
    public bool EndNow(DateTimeOffset now)
    {
        lock (gate)
        {
            if (now >= (endedByApiAt ?? NaturalEnd))
            {
                return false;
            }

            endedByApiAt = now;
            return true;
        }
    }

    /// <summary>Who is in the call at <paramref name="now"/>: (account, Calling|Waiting); the robot counts as Calling.</summary>
    public IReadOnlyList<(string Account, string Status)> UsersAt(DateTimeOffset now)
    {
        if (now >= End)
        {
            return [];
        }

        var users = new List<(string, string)> { (Robot, "Calling") };
        foreach (var p in Rung.Where(p => now < p.LeaveAt))
        {
            users.Add((p.Callee, p.AcceptAt is { } a && now >= a ? "Calling" : "Waiting"));
        }

        return users;
    }

    /// <summary>
    /// The record's result in v4 spelling: NormalEnd if anyone talked, Cancel if hung up unanswered or if
    /// nobody could be rung, else the rung callees' common result (NotAnswer when they differ).
    /// </summary>
    public string Result()
    {
        var end = End;
        var rung = Rung.ToList();
        if (rung.Any(p => p.AcceptAt is { } a && a < end))
        {
            return "NormalEnd";
        }

        if (EndedByApi || rung.Count == 0)
        {
            return "Cancel";
        }

        var results = rung.Select(p => p.Result).Distinct(StringComparer.Ordinal).ToList();
        return results.Count == 1 ? results[0] : "NotAnswer";
    }

    /// <summary>When the first callee accepted, if anyone did before the end.</summary>
    public DateTimeOffset? AcceptedAt()
    {
        var end = End;
        return Rung.Where(p => p.AcceptAt is { } a && a < end).Select(p => p.AcceptAt).Min();
    }

    /// <summary>When the record can be read, or null when it never can.</summary>
    public DateTimeOffset? RecordReadyAt => Fate.Never ? null : End + Fate.Delay;

    private DateTimeOffset NaturalEnd => Rung.Select(p => p.LeaveAt).DefaultIfEmpty(Start).Max();
}
