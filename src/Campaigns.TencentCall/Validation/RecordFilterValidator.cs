using Campaigns.TencentCall.Models;

namespace Campaigns.TencentCall.Validation;

/// <summary>The rules of the by-filter record query and of a lookup by RoomId, checked before sending.</summary>
public static class RecordFilterValidator
{
    /// <summary>Most records per page the client asks for (the v1 page documents 100; v4 documents no maximum).</summary>
    public const int MaxPerPage = 100;

    /// <summary>Every rule <paramref name="filter"/> breaks; empty when it may be sent.</summary>
    public static IReadOnlyList<ValidationProblem> Validate(RecordFilter? filter)
    {
        if (filter is null)
        {
            return [new("filter", "is required")];
        }

        var problems = new List<ValidationProblem>();
        if (filter.NumberPerPage is < 1 or > MaxPerPage)
        {
            problems.Add(new("NumberPerPage", "must be 1–100"));
        }

        if (filter.Page < 1)
        {
            problems.Add(new("Page", "must be at least 1"));
        }

        if (filter.From is { } from && filter.To is { } to && to < from)
        {
            problems.Add(new("EndTime", "must not be before StartTime"));
        }

        if (filter.Result is { } result && (!Enum.IsDefined(result) || result is CallResultKind.Unknown or CallResultKind.Offline))
        {
            problems.Add(new("CallResult", "must be a result records carry: Cancel, Reject, NotAnswer, NormalEnd, CallBusy or Interrupt"));
        }

        if (filter.CallType is { } type && type is not (CallKind.OneToOne or CallKind.Group))
        {
            problems.Add(new("CallType", "must be OneToOne or Group"));
        }

        return problems;
    }

    /// <summary>Every rule <paramref name="lookup"/> breaks; empty when it may be run.</summary>
    public static IReadOnlyList<ValidationProblem> Validate(RecordLookup? lookup)
    {
        if (lookup is null)
        {
            return [new("lookup", "is required")];
        }

        var problems = new List<ValidationProblem>();
        if (string.IsNullOrWhiteSpace(lookup.RobotAccount))
        {
            problems.Add(new("Robot_Account", "is required"));
        }

        if (lookup.Callees is null || lookup.Callees.Count == 0)
        {
            problems.Add(new("CalleeList_Account", "must name at least one callee"));
        }

        if (string.IsNullOrEmpty(lookup.RoomId))
        {
            problems.Add(new("RoomId", "is required: it is what finds the call"));
        }

        if (lookup.To < lookup.From)
        {
            problems.Add(new("To", "must not be before From"));
        }

        if (lookup.NumberPerPage is < 1 or > MaxPerPage)
        {
            problems.Add(new("NumberPerPage", "must be 1–100"));
        }

        if (lookup.MaxPages < 1)
        {
            problems.Add(new("MaxPages", "must be at least 1"));
        }

        return problems;
    }
}
