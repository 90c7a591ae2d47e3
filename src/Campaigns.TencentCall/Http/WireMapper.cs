using Campaigns.TencentCall.Models;
using Campaigns.TencentCall.Wire;

namespace Campaigns.TencentCall.Http;

/// <summary>Turns wire shapes into the public model, coping with the vendor's spellings.</summary>
internal static class WireMapper
{
    public static V4StartCallRequest ToWire(StartCallRequest r) => new()
    {
        RobotAccount = r.RobotAccount,
        CalleeListAccount = [.. r.Callees],
        Timeout = r.TimeoutMs,
        UserData = r.UserData,
        CallInfo = new V4CallInfo { MediaType = r.MediaType.ToString(), RoomId = r.RoomId, RoomIdType = r.RoomIdType },
        OfflinePushInfo = r.OfflinePush is { } p
            ? new V4OfflinePushInfo { PushFlag = p.PushFlag, Title = p.Title, Desc = p.Desc, Ext = p.Ext }
            : null,
    };

    /// <summary>Case-insensitive: one page writes <c>video</c>, the records API answers lower case.</summary>
    public static MediaType? ParseMediaType(string? value) => ByName<MediaType>(value);

    /// <summary>Maps <c>NormalEnd</c>, <c>normal_end</c>, <c>NOT_ANSWER</c>… onto one enum.</summary>
    public static CallResultKind ParseResult(string? value)
    {
        var squashed = (value ?? string.Empty).Replace("_", string.Empty, StringComparison.Ordinal).Replace("-", string.Empty, StringComparison.Ordinal);
        return ByName<CallResultKind>(squashed) ?? CallResultKind.Unknown;
    }

    /// <summary>Matches enum names only: Enum.TryParse would also take "1" and map it to a member.</summary>
    public static T? ByName<T>(string? value)
        where T : struct, Enum
    {
        foreach (var name in Enum.GetNames<T>())
        {
            if (string.Equals(name, value, StringComparison.OrdinalIgnoreCase))
            {
                return Enum.Parse<T>(name);
            }
        }

        return null;
    }

    public static CallKind ParseCallType(string? value) => value?.ToUpperInvariant() switch
    {
        "SINGLECALL" or "SINGLE" or "1V1" => CallKind.OneToOne,
        "MULTICALL" or "MULTI" or "GROUP" or "GROUPCALL" => CallKind.Group,
        _ => CallKind.Unknown,
    };

    public static ParticipantStatus ParseStatus(string? value) => value?.ToUpperInvariant() switch
    {
        "WAITING" => ParticipantStatus.Waiting,
        "CALLING" => ParticipantStatus.Calling,
        _ => ParticipantStatus.Other,
    };

    /// <summary>
    /// Unix seconds; the vendor writes 0 for "never" (e.g. a call that was not accepted). A value too
    /// large for seconds (beyond year 5138) is read as milliseconds, which some vendor APIs use; a value
    /// out of range either way, or negative, is null (the raw record keeps it) rather than an exception.
    /// </summary>
    public static DateTimeOffset? FromUnix(long seconds)
    {
        const long MaxSeconds = 253_402_300_799; // 9999-12-31T23:59:59Z, DateTimeOffset's limit
        const long MillisecondsFrom = 100_000_000_000; // as seconds: year 5138; as milliseconds: 1973
        return seconds switch
        {
            <= 0 => null,
            < MillisecondsFrom => DateTimeOffset.FromUnixTimeSeconds(seconds),
            <= MaxSeconds * 1000 => DateTimeOffset.FromUnixTimeMilliseconds(seconds),
            _ => null,
        };
    }

    /// <summary>
    /// The callees of a record: the vendor's member list (<c>CalleeList_Account</c> / <c>callees</c>)
    /// includes the caller in every sample, and an outcome must never be written for the robot.
    /// </summary>
    public static IReadOnlyList<string> CalleesOnly(IReadOnlyList<string>? members, string? caller) =>
        [.. (members ?? []).Where(m => !string.Equals(m, caller, StringComparison.Ordinal))];

    public static CallRecord FromV4(V4CallRecord r, string? rawJson) => new()
    {
        CallId = r.CallId ?? string.Empty,
        Caller = r.CallerAccount,
        Callees = CalleesOnly(r.CalleeListAccount, r.CallerAccount),
        Members = r.CalleeListAccount ?? [],
        MediaType = ParseMediaType(r.MediaType),
        CallType = ParseCallType(r.CallType),
        Result = ParseResult(r.CallResult),
        RawResult = r.CallResult,
        StartTime = FromUnix(r.StartTime),
        AcceptTime = FromUnix(r.AcceptTime),
        EndTime = FromUnix(r.EndTime),
        RoomId = r.RoomId,
        RoomIdType = r.RoomIdType,
        Source = ApiGeneration.V4,
        RawJson = rawJson,
    };

    public static CallRecord FromV1(V1Record r, string? rawJson) => new()
    {
        CallId = r.CallId ?? string.Empty,
        Caller = r.Caller,
        Callees = CalleesOnly(r.Callees, r.Caller),
        Members = r.Callees ?? [],
        MediaType = ParseMediaType(r.MediaType),
        CallType = ParseCallType(r.CallType),
        Result = ParseResult(r.CallResult),
        RawResult = r.CallResult,
        StartTime = FromUnix(r.StartCallTs),
        AcceptTime = FromUnix(r.AcceptTs),
        EndTime = FromUnix(r.EndTs),
        RoomId = r.RoomId,
        TotalUserNumber = r.TotalUserNumber,
        Source = ApiGeneration.V1,
        RawJson = rawJson,
    };

    public static CallStatus FromV4(string callId, V4CallInfoResponse r) => new(
        r.CallInfo?.CallId ?? callId,
        HasEnded: false,
        ParseMediaType(r.CallInfo?.MediaType),
        string.IsNullOrEmpty(r.CallInfo?.RoomId) ? null : r.CallInfo.RoomId,
        r.CallInfo?.RoomIdType is 0 ? null : r.CallInfo?.RoomIdType,
        string.IsNullOrEmpty(r.CallInfo?.ChatGroupId) ? null : r.CallInfo.ChatGroupId,
        [.. (r.UserList ?? []).Select(u => new Participant(u.UserAccount ?? string.Empty, ParseStatus(u.Status), u.Status ?? string.Empty))]);
}
