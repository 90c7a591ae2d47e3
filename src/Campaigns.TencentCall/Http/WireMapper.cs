using Campaigns.TencentCall.Errors;
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
    public static CallMediaType? ParseMediaType(string? value) => ByName<CallMediaType>(value);

    /// <summary>Maps <c>NormalEnd</c>, <c>normal_end</c>, <c>NOT_ANSWER</c>… onto one enum.</summary>
    public static CallResultKind ParseResult(string? value)
    {
        var squashed = (value ?? "").Replace("_", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
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

    /// <summary>Unix seconds; the vendor writes 0 for "never" (e.g. a call that was not accepted).</summary>
    public static DateTimeOffset? FromUnix(long seconds) => seconds > 0 ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;

    public static CallRecord FromV4(V4CallRecord r, string? rawJson) => new()
    {
        CallId = r.CallId ?? "",
        Caller = r.CallerAccount,
        Callees = r.CalleeListAccount ?? [],
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
        CallId = r.CallId ?? "",
        Caller = r.Caller,
        Callees = r.Callees ?? [],
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
        [.. (r.UserList ?? []).Select(u => new Participant(u.UserAccount ?? "", ParseStatus(u.Status), u.Status ?? ""))]);
}
