using System.Globalization;
using System.Text;
using Campaigns.TencentCall.Models;

namespace Campaigns.TencentCall.Validation;

/// <summary>A rule a request breaks: the field (as the vendor names it) and the rule in words.</summary>
public sealed record ValidationProblem(string Field, string Rule)
{
    /// <inheritdoc />
    public override string ToString() => $"{Field}: {Rule}";
}

/// <summary>
/// The documented rules of start_call_by_robot, checked before anything is sent. Every problem is
/// listed, not only the first, so an operator can fix a campaign in one go.
/// </summary>
public static class StartCallValidator
{
    /// <summary>Shortest ring timeout the API accepts, in ms.</summary>
    public const int MinTimeoutMs = 10_000;

    /// <summary>Longest ring timeout the API accepts, in ms.</summary>
    public const int MaxTimeoutMs = 600_000;

    /// <summary>Most UTF-8 bytes of UserData.</summary>
    public const int MaxUserDataBytes = 1000;

    /// <summary>Every rule <paramref name="request"/> breaks; empty when it may be sent.</summary>
    public static IReadOnlyList<ValidationProblem> Validate(StartCallRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var problems = new List<ValidationProblem>();
        if (string.IsNullOrWhiteSpace(request.RobotAccount))
        {
            problems.Add(new("Robot_Account", "is required"));
        }

        ValidateCallees(request.Callees, problems);

        if (request.TimeoutMs is < MinTimeoutMs or > MaxTimeoutMs)
        {
            problems.Add(new("Timeout", string.Create(
                CultureInfo.InvariantCulture,
                $"must be between {MinTimeoutMs} and {MaxTimeoutMs} ms (got {request.TimeoutMs})")));
        }

        if (request.UserData is { } userData && Encoding.UTF8.GetByteCount(userData) > MaxUserDataBytes)
        {
            problems.Add(new("UserData", string.Create(
                CultureInfo.InvariantCulture,
                $"must be at most {MaxUserDataBytes} UTF-8 bytes (got {Encoding.UTF8.GetByteCount(userData)})")));
        }

        if (!Enum.IsDefined(request.MediaType))
        {
            problems.Add(new("CallInfo.MediaType", "must be Audio or Video"));
        }

        ValidateRoom(request.RoomId, request.RoomIdType, problems);
        return problems;
    }

    private static void ValidateCallees(IReadOnlyList<string>? callees, List<ValidationProblem> problems)
    {
        if (callees is null || callees.Count == 0)
        {
            problems.Add(new("CalleeList_Account", "must name at least one callee"));
            return;
        }

        if (callees.Any(string.IsNullOrWhiteSpace))
        {
            problems.Add(new("CalleeList_Account", "must not contain an empty callee"));
        }

        var duplicates = callees.Where(c => !string.IsNullOrWhiteSpace(c))
            .GroupBy(c => c, StringComparer.Ordinal)
            .Where(g => g.Count() > 1)
            .Select(g => g.Key)
            .ToList();
        if (duplicates.Count > 0)
        {
            problems.Add(new("CalleeList_Account", "must not name a callee twice (" + string.Join(", ", duplicates) + ")"));
        }
    }

    private static void ValidateRoom(string? roomId, int? roomIdType, List<ValidationProblem> problems)
    {
        if (roomIdType is { } type && type is not (1 or 2))
        {
            problems.Add(new("CallInfo.RoomIdType", "must be 1 (numeric room id) or 2 (string room id)"));
        }

        if (roomIdType == 1 && (string.IsNullOrEmpty(roomId) || !uint.TryParse(roomId, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
        {
            problems.Add(new("CallInfo.RoomId", "must be a positive 32-bit number when RoomIdType is 1"));
        }

        if (roomIdType is null && !string.IsNullOrEmpty(roomId))
        {
            problems.Add(new("CallInfo.RoomIdType", "is required when RoomId is set (1 numeric, 2 string)"));
        }
    }
}
