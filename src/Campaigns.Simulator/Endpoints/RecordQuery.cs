using Campaigns.Simulator.Calls;

namespace Campaigns.Simulator.Endpoints;

/// <summary>
/// The by-filter record query of either generation, with the documented semantics: every field optional,
/// no or 0 start time = the last 7 days, result and call type filtered before paging, <c>TotalNum</c>
/// counting what matches, and a response <c>Page</c> of 0 when no more data follows (also on a last page
/// that carries records: the harsher reading). Out-of-range numbers are refused, never overflowed.
/// </summary>
internal sealed record RecordQuery(long? StartTime, long? EndTime, int? NumberPerPage, int? Page, string? CallResult, string? CallType, bool V1)
{
    private const long MaxUnixSeconds = 253_402_300_799;
    private static readonly string[] V4Results = ["Cancel", "Reject", "NotAnswer", "NormalEnd", "CallBusy", "Interrupt"];

    /// <summary>What is wrong with the query, by field name, or null.</summary>
    public string? Problem(int defaultPerPage)
    {
        string F(string v4, string v1) => V1 ? v1 : v4;
        if (StartTime is < 0 or > MaxUnixSeconds)
        {
            return F("StartTime", "startTimestamp") + " must be Unix seconds";
        }

        if (EndTime is < 0 or > MaxUnixSeconds)
        {
            return F("EndTime", "endTimestamp") + " must be Unix seconds";
        }

        if (NumberPerPage < 0)
        {
            return F("NumberPerPage", "numberPerPage") + " must be positive";
        }

        if (Page < 0)
        {
            return F("Page", "page") + " must be positive";
        }

        if (CallResult is { } result && ResultMatcher(result) is null)
        {
            return F("CallResult", "callResult") + " must be one of " + string.Join(", ", V4Results.Select(Spell));
        }

        if (CallType is { } type && GroupMatcher(type) is null)
        {
            return F("CallType", "callType") + (V1 ? " must be single or group" : " must be SingleCall or MultiCall");
        }

        return defaultPerPage > 0 ? null : "no page size";
    }

    /// <summary>Runs the query: the matching total, the response Page (0: no more data) and this page's calls.</summary>
    public (long Total, int Page, IReadOnlyList<SimCall> Slice) Run(CallBook book, SimulatorOptions options, int defaultPerPage)
    {
        var now = book.Clock.Now;
        var retention = TimeSpan.FromDays(Math.Clamp(options.Records.RetentionDays, 0, 3650));
        var from = StartTime is > 0 and var s ? DateTimeOffset.FromUnixTimeSeconds(s) : now - retention;
        var to = EndTime is > 0 and var e ? DateTimeOffset.FromUnixTimeSeconds(e) : DateTimeOffset.MaxValue;
        var result = CallResult is null ? null : ResultMatcher(CallResult);
        var group = CallType is null ? null : GroupMatcher(CallType);

        var matching = book.RecordsBetween(from, to)
            .Where(c => result is null || string.Equals(c.Result(), result, StringComparison.Ordinal))
            .Where(c => group is null || c.IsGroup == group)
            .ToList();

        var perPage = Math.Min(NumberPerPage is > 0 and var n ? n : defaultPerPage, Math.Max(1, options.Records.MaxPerPage));
        var page = Page is > 0 and var p ? p : 1;
        var skip = (long)(page - 1) * perPage;
        var slice = skip >= matching.Count ? [] : matching.Skip((int)skip).Take(perPage).ToList();
        var more = skip + slice.Count < matching.Count;
        return (matching.Count, more ? page : 0, slice);
    }

    private string Spell(string v4) => V1 ? RecordShapes.SnakeCase(v4) : v4;

    // The v4 spelling of a result asked in this generation's spelling (case-insensitively), or null.
    private string? ResultMatcher(string asked) =>
        V4Results.FirstOrDefault(r => string.Equals(Spell(r), asked, StringComparison.OrdinalIgnoreCase));

    private bool? GroupMatcher(string asked) => asked.ToUpperInvariant() switch
    {
        "SINGLECALL" when !V1 => false,
        "MULTICALL" when !V1 => true,
        "SINGLE" when V1 => false,
        "GROUP" when V1 => true,
        _ => null,
    };
}
