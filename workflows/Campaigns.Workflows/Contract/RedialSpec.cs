namespace Campaigns.Workflows.Contract;

/// <summary>When a target is dialed again: after a delay, for some results, up to a number of attempts.</summary>
public sealed record RedialSpec
{
    /// <summary>Attempts per target in all, the first dial included (default 1: no redial), at most 10.</summary>
    public int MaxAttempts { get; init; } = 1;

    /// <summary>Which results are dialed again and after how long.</summary>
    public IReadOnlyList<RedialRule> Rules { get; init; } = [];
}

/// <summary>One result that is dialed again, and the delay before the next attempt.</summary>
public sealed record RedialRule
{
    /// <summary>
    /// NotAnswer, CallBusy, Interrupt, Cancel, NotRung, RecordMissing, NotPlaced — or Unresolved (opt-in: the
    /// first call may have rung; the delay must be at least 900 s). Reject and NormalEnd are final.
    /// </summary>
    public string? Result { get; init; }

    /// <summary>Seconds before the next attempt, 1–604800 (a week); default 1800.</summary>
    public int DelaySeconds { get; init; } = 1800;
}

/// <summary>
/// When calls may be placed, in the callees' time zone: days of the week, a daily period, and dates
/// (holidays) with no calls at all. Outside it nothing is dialed; dispatch resumes by itself.
/// </summary>
public sealed record CallingWindowSpec
{
    /// <summary>An IANA time zone, e.g. <c>Asia/Shanghai</c>.</summary>
    public string? TimeZone { get; init; }

    /// <summary>Days calls may be placed: <c>Mon</c> … <c>Sun</c> (default every day).</summary>
    public IReadOnlyList<string> Days { get; init; } = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

    /// <summary>Start of the daily period, <c>HH:mm</c> (or <c>HH:mm:ss</c>) local time (default 09:00).</summary>
    public string Start { get; init; } = "09:00";

    /// <summary>End of the daily period, <c>HH:mm</c>, after <see cref="Start"/> (default 20:00).</summary>
    public string End { get; init; } = "20:00";

    /// <summary>Dates with no calls at all, <c>yyyy-MM-dd</c> local (holidays).</summary>
    public IReadOnlyList<string> ExcludedDates { get; init; } = [];
}
