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

    /// <summary>Most people in one call, the robot included (the vendor's group-call limit).</summary>
    public const int MaxCallSize = 9;

    /// <summary>Most bytes of a string room id (TRTC's rule for RoomIdType 2).</summary>
    public const int MaxStringRoomIdBytes = 64;

    /// <summary>Most bytes of a user id (the vendor's UserID rule).</summary>
    public const int MaxUserIdBytes = 32;

    /// <summary>
    /// Every rule <paramref name="request"/> breaks; empty when it may be sent. <paramref name="maxCallSize"/>
    /// is the most people in one call, robot included (the vendor's 9 unless a simulator is told otherwise).
    /// </summary>
    public static IReadOnlyList<ValidationProblem> Validate(StartCallRequest request, int maxCallSize = MaxCallSize)
    {
        ArgumentNullException.ThrowIfNull(request);
        var problems = new List<ValidationProblem>();
        if (string.IsNullOrWhiteSpace(request.RobotAccount))
        {
            problems.Add(new("Robot_Account", "is required"));
        }
        else if (UserIdProblem(request.RobotAccount) is { } robotRule)
        {
            problems.Add(new("Robot_Account", robotRule));
        }

        ValidateCallees(request.Callees, maxCallSize, problems);

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

    /// <summary>
    /// Why <paramref name="userId"/> breaks the vendor's UserID rule (at most 32 bytes of letters,
    /// digits, <c>_</c> and <c>-</c>), or null when it does not.
    /// </summary>
    public static string? UserIdProblem(string? userId)
    {
        if (string.IsNullOrEmpty(userId))
        {
            return "must not be empty";
        }

        if (userId.Length > MaxUserIdBytes)
        {
            return string.Create(CultureInfo.InvariantCulture, $"must be at most {MaxUserIdBytes} bytes (got {Encoding.UTF8.GetByteCount(userId)})");
        }

        return userId.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-')
            ? null
            : "may hold only letters, digits, '_' and '-'";
    }

    private static void ValidateCallees(IReadOnlyList<string>? callees, int maxCallSize, List<ValidationProblem> problems)
    {
        if (callees is null || callees.Count == 0)
        {
            problems.Add(new("CalleeList_Account", "must name at least one callee"));
            return;
        }

        if (callees.Count + 1 > maxCallSize)
        {
            problems.Add(new("CalleeList_Account", string.Create(
                CultureInfo.InvariantCulture,
                $"a call holds at most {maxCallSize} people, the robot included: at most {maxCallSize - 1} callees (got {callees.Count})")));
        }

        var badIds = callees.Where(c => !string.IsNullOrWhiteSpace(c) && UserIdProblem(c) is not null).Distinct(StringComparer.Ordinal).ToList();
        if (badIds.Count > 0)
        {
            // Name the ids, clipped: a hostile list must not make the message unbounded.
            var named = string.Join(", ", badIds.Take(3).Select(c => c.Length > 40 ? c[..40] + "…" : c));
            problems.Add(new("CalleeList_Account", "user ids must be at most 32 bytes of letters, digits, '_' and '-' (" + named + ")"));
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

        if (roomIdType == 2 && (string.IsNullOrEmpty(roomId) || System.Text.Encoding.UTF8.GetByteCount(roomId) > MaxStringRoomIdBytes))
        {
            problems.Add(new("CallInfo.RoomId", "must be 1–64 bytes when RoomIdType is 2 (string room id)"));
        }

        if (roomIdType is null && !string.IsNullOrEmpty(roomId))
        {
            problems.Add(new("CallInfo.RoomIdType", "is required when RoomId is set (1 numeric, 2 string)"));
        }
    }
}
