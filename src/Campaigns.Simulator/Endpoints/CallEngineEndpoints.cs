using System.Text.Json;
using Campaigns.Simulator.Calls;
using Campaigns.Simulator.Pipeline;
using Campaigns.TencentCall;
using Campaigns.TencentCall.Models;
using Campaigns.TencentCall.Validation;
using Campaigns.TencentCall.Wire;

namespace Campaigns.Simulator.Endpoints;

/// <summary>v4 <c>call_engine_http_srv</c>: start_call_by_robot, get_call_info, end_call.</summary>
public static class CallEngineEndpoints
{
    private const string Prefix = "/v4/call_engine_http_srv/";

    /// <summary>Maps the three commands.</summary>
    public static void MapCallEngine(this IEndpointRouteBuilder app)
    {
        app.MapPost(Prefix + "start_call_by_robot", (HttpContext http, ApiPipeline pipeline, CallBook book) =>
            pipeline.HandleAsync(http, ApiNames.StartCallByRobot, ApiGeneration.V4, body => Start(book, body)));
        app.MapPost(Prefix + "get_call_info", (HttpContext http, ApiPipeline pipeline, CallBook book) =>
            pipeline.HandleAsync(http, ApiNames.GetCallInfo, ApiGeneration.V4, body => Info(book, body)));
        app.MapPost(Prefix + "end_call", (HttpContext http, ApiPipeline pipeline, CallBook book) =>
            pipeline.HandleAsync(http, ApiNames.EndCall, ApiGeneration.V4, body => End(book, body)));
    }

    private static Answer Start(CallBook book, string body)
    {
        var r = JsonSerializer.Deserialize<V4StartCallRequest>(body, WireJson.Options) ?? new V4StartCallRequest();
        var parsedMedia = MediaTypes.Parse(r.CallInfo?.MediaType);
        var media = parsedMedia ?? MediaType.Audio;
        var request = new StartCallRequest
        {
            RobotAccount = r.RobotAccount ?? string.Empty,
            Callees = r.CalleeListAccount ?? [],
            TimeoutMs = r.Timeout is { } t and <= int.MaxValue and >= int.MinValue ? (int)t : -1,
            UserData = r.UserData,
            MediaType = media,
            RoomId = r.CallInfo?.RoomId,
            RoomIdType = r.CallInfo?.RoomIdType,
        };
        var problems = StartCallValidator.Validate(request, book.MaxCallSize).ToList();
        if (parsedMedia is null)
        {
            problems.Add(new ValidationProblem("CallInfo.MediaType", "must be Audio or Video"));
        }

        if (problems.Count > 0)
        {
            return Answer.Error(101002, "invalid parameter: " + string.Join("; ", problems));
        }

        var call = book.Place(
            r.RobotAccount!,
            r.CalleeListAccount!,
            TimeSpan.FromMilliseconds(r.Timeout!.Value),
            r.UserData,
            media.ToString(),
            r.CallInfo?.RoomId,
            r.CallInfo?.RoomIdType);
        return Answer.Ok(new V4StartCallResponse
        {
            CallId = call.CallId,
            CallResult = call.Fate.OmitCallResult
                ? null
                : [.. call.Plans.Select(p => new V4CalleeResult { CalleeAccount = p.Callee, ResultCode = p.StartCode })],
        });
    }

    private static Answer Info(CallBook book, string body)
    {
        if (Lookup(book, body, out var call) is { } error)
        {
            return error;
        }

        var users = call!.UsersAt(book.Clock.Now);
        if (users.Count == 0)
        {
            return Ended();
        }

        return Answer.Ok(new V4CallInfoResponse
        {
            CallInfo = new V4CallInfo
            {
                CallId = call.CallId,
                MediaType = call.MediaType,
                ChatGroupId = call.IsGroup ? "@TGS#call_" + call.CallId[..8] : string.Empty,
                RoomId = call.RoomId,
                RoomIdType = call.RoomIdType,
            },
            UserList = [.. users.Select(u => new V4User { UserAccount = u.Account, Status = u.Status })],
        });
    }

    private static Answer End(CallBook book, string body)
    {
        if (Lookup(book, body, out var call) is { } error)
        {
            return error;
        }

        return book.EndNow(call!) ? Answer.Ok() : Ended();
    }

    private static Answer? Lookup(CallBook book, string body, out SimCall? call)
    {
        var r = JsonSerializer.Deserialize<V4CallIdRequest>(body, WireJson.Options);
        call = null;
        if (string.IsNullOrWhiteSpace(r?.CallId))
        {
            return Answer.Error(101002, "invalid parameter: CallId is required");
        }

        call = book.Find(r.CallId);
        return call is null ? Ended() : null;
    }

    private static Answer Ended() => Answer.Error(101004, "call does not exist, or existed and has ended");
}
