using System.Text.RegularExpressions;
using Campaigns.Simulator.Calls;
using Campaigns.TencentCall.Wire;

namespace Campaigns.Simulator.Endpoints;

/// <summary>A simulated call as each records generation spells it.</summary>
public static partial class RecordShapes
{
    /// <summary>v4: PascalCase, SingleCall/MultiCall, NormalEnd.</summary>
    public static V4CallRecord ToV4(SimCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        return new()
        {
            CallId = call.CallId,
            CallerAccount = call.Robot,
            MediaType = call.MediaType,
            CallType = call.IsGroup ? "MultiCall" : "SingleCall",
            StartTime = call.Start.ToUnixTimeSeconds(),
            EndTime = call.End.ToUnixTimeSeconds(),
            AcceptTime = call.AcceptedAt()?.ToUnixTimeSeconds() ?? 0,
            CallResult = call.Result(),
            // "Call member list": in every vendor sample it names the caller too.
            CalleeListAccount = [call.Robot, .. call.Callees],
            RoomId = call.RoomId,
            RoomIdType = call.RoomIdType,
        };
    }

    /// <summary>v1: camelCase, lower-case media type, single/group, normal_end.</summary>
    public static V1Record ToV1(SimCall call, long sdkAppId)
    {
        ArgumentNullException.ThrowIfNull(call);
        return new()
        {
            CallId = call.CallId,
            SdkAppId = sdkAppId,
            MediaType = call.MediaType.ToLowerInvariant(),
            RoomId = call.RoomId,
            StartCallTs = call.Start.ToUnixTimeSeconds(),
            AcceptTs = call.AcceptedAt()?.ToUnixTimeSeconds() ?? 0,
            EndTs = call.End.ToUnixTimeSeconds(),
            Caller = call.Robot,
            TotalUserNumber = call.Callees.Count + 1,
            CallType = call.IsGroup ? "group" : "single",
            CallResult = SnakeCase(call.Result()),
            Callees = [call.Robot, .. call.Callees],
        };
    }

    /// <summary>NormalEnd → normal_end.</summary>
    public static string SnakeCase(string pascal) => Capital().Replace(pascal, "_$1").ToLowerInvariant();

    [GeneratedRegex("(?<!^)([A-Z])", RegexOptions.CultureInvariant)]
    private static partial Regex Capital();
}
