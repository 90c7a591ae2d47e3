using System.Globalization;
using System.Text;
using System.Text.Json;
using Campaigns.Storage.Model;

namespace Campaigns.Callbacks;

/// <summary>
/// Reads one callback body into ledger events, or says which documented error it earns. Accepts what the vendor's
/// pages describe and the simulator sends: <c>CallId</c> (for an end, the CallRecord's will do: the vendor's sample has
/// no other), <c>EventTime</c> (Unix ms), and per command <c>ChangedUserList[{User_Account, ActionType}]</c> (one event
/// per member) or <c>CallRecord</c> (kept as sent).
/// </summary>
internal static class CallbackParser
{
    /// <summary>The commands this receiver takes (the vendor's three Call callbacks).</summary>
    public static readonly IReadOnlySet<string> Commands = new HashSet<string>(StringComparer.Ordinal)
    {
        CallEventOrder.StartCommand, CallEventOrder.MemberCommand, CallEventOrder.EndCommand,
    };

    // Far above any real callback, low enough that no nesting attack costs anything.
    private const int MaxDepth = 16;
    private const int MaxIdLength = 128;
    private const int MaxActionLength = 32;
    private const int MaxChangedUsers = 64;

    // 9999-12-31: a larger "event time" is a hostile number, not a time.
    private const long MaxEventTimeMs = 253_402_300_799_999;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static (IReadOnlyList<CallEvent>? Events, CallbackRejection? Rejection) Parse(string command, ReadOnlyMemory<byte> body)
    {
        string text;
        try
        {
            text = StrictUtf8.GetString(body.Span);
        }
        catch (DecoderFallbackException)
        {
            return (null, CallbackRejection.BadJson);
        }

        try
        {
            using var doc = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = MaxDepth });
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, CallbackRejection.BadJson);
            }

            if (root.TryGetProperty("CallbackCommand", out var said) && (said.ValueKind != JsonValueKind.String || said.GetString() != command))
            {
                return (null, CallbackRejection.Command);
            }

            // The vendor's end-call sample carries the CallId only inside its CallRecord; the simulator sends both.
            var record = command == CallEventOrder.EndCommand && root.TryGetProperty("CallRecord", out var r) && r.ValueKind == JsonValueKind.Object
                ? r
                : (JsonElement?)null;
            if (command == CallEventOrder.EndCommand && record is null)
            {
                return (null, CallbackRejection.Fields("CallRecord must be an object"));
            }

            var topId = Id(root, "CallId");
            var recordId = record is { } rec ? Id(rec, "CallId") : null;
            if ((topId ?? recordId) is not { } callId || (root.TryGetProperty("CallId", out _) && topId is null)
                || (topId is not null && recordId is not null && topId != recordId))
            {
                return (null, CallbackRejection.Fields("CallId (or CallRecord.CallId) must be a string of 1–128 printable characters, the same in both"));
            }

            if (EventTime(root) is not { } at)
            {
                return (null, CallbackRejection.Fields("EventTime must be a positive Unix time in milliseconds"));
            }

            var call = new CallEvent { CallId = callId, Command = command, EventTimeMs = at, Body = text };
            return command switch
            {
                CallEventOrder.MemberCommand => Members(root, call),
                CallEventOrder.EndCommand => ([call with { CallRecordJson = record!.Value.GetRawText() }], null),
                _ => ([call], null),
            };
        }
        catch (JsonException)
        {
            return (null, CallbackRejection.BadJson);
        }
    }

    private static (IReadOnlyList<CallEvent>? Events, CallbackRejection? Rejection) Members(JsonElement root, CallEvent call)
    {
        if (!root.TryGetProperty("ChangedUserList", out var list) || list.ValueKind != JsonValueKind.Array
            || list.GetArrayLength() is 0 or > MaxChangedUsers)
        {
            return (null, CallbackRejection.Fields("ChangedUserList must be an array of 1–64 members"));
        }

        var events = new List<CallEvent>();
        foreach (var changed in list.EnumerateArray())
        {
            var member = changed.ValueKind == JsonValueKind.Object ? Id(changed, "User_Account") : null;
            var action = changed.ValueKind == JsonValueKind.Object ? Text(changed, "ActionType", MaxActionLength) : null;
            if (member is null || action is null)
            {
                return (null, CallbackRejection.Fields("ChangedUserList[] needs User_Account (1–128 characters) and ActionType (1–32)"));
            }

            events.Add(call with { Member = member, Action = action });
        }

        return (events, null);
    }

    private static string? Id(JsonElement parent, string name) => Text(parent, name, MaxIdLength);

    private static string? Text(JsonElement parent, string name, int maxLength) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
        && value.GetString() is { Length: > 0 } s && s.Length <= maxLength && !s.Any(char.IsControl)
            ? s
            : null;

    // A number, or (the vendor's pages type numbers loosely) a string of digits.
    private static long? EventTime(JsonElement root)
    {
        if (!root.TryGetProperty("EventTime", out var value))
        {
            return null;
        }

        long ms;
        if (value.ValueKind == JsonValueKind.Number)
        {
            if (!value.TryGetInt64(out ms))
            {
                return null;
            }
        }
        else if (value.ValueKind != JsonValueKind.String
                 || !long.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out ms))
        {
            return null;
        }

        return ms is > 0 and <= MaxEventTimeMs ? ms : null;
    }
}
