using System.Text.Json.Serialization;
using Campaigns.TencentCall.Wire;

namespace Campaigns.Simulator.Callbacks;

/// <summary>The command names of the vendor's Call callbacks.</summary>
public static class CallbackCommands
{
    /// <summary>A call was started.</summary>
    public const string AfterStartCall = "Call.CallbackAfterStartCall";

    /// <summary>A member joined, answered, rejected or left.</summary>
    public const string AfterMemberChanged = "Call.CallbackAfterMemberChanged";

    /// <summary>A call ended; carries its record.</summary>
    public const string AfterEndCall = "Call.CallbackAfterEndCall";
}

/// <summary>A callback body: the command, the call, the event's time (Unix ms, simulated clock) and the command's own fields.</summary>
public sealed class CallbackBody
{
    /// <summary>One of <see cref="CallbackCommands"/>.</summary>
    [JsonPropertyName("CallbackCommand")]
    public required string CallbackCommand { get; init; }

    /// <summary>The call.</summary>
    [JsonPropertyName("CallId")]
    public required string CallId { get; init; }

    /// <summary>When the event happened, Unix milliseconds.</summary>
    [JsonPropertyName("EventTime")]
    public long EventTime { get; init; }

    /// <summary>Who is in the call after the event (start, member changed).</summary>
    [JsonPropertyName("UserList")]
    public IReadOnlyList<V4User>? UserList { get; init; }

    /// <summary>Who changed and how (member changed).</summary>
    [JsonPropertyName("ChangedUserList")]
    public IReadOnlyList<ChangedUser>? ChangedUserList { get; init; }

    /// <summary>The call's record (end call).</summary>
    [JsonPropertyName("CallRecord")]
    public V4CallRecord? CallRecord { get; init; }
}

/// <summary>A member's change: Accept, Reject, NotAnswer, HangUp, Offline, LineBusy.</summary>
public sealed record ChangedUser(
    [property: JsonPropertyName("User_Account")] string UserAccount,
    [property: JsonPropertyName("ActionType")] string ActionType);
