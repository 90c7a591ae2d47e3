namespace Campaigns.Callbacks;

/// <summary>
/// Why a callback request was refused: the HTTP status, the vendor-style envelope's ErrorCode and ErrorInfo, and the
/// metric's reason. The codes are the receiver's own (the vendor documents none for a receiver), in the 190xx range
/// so that they are never mistaken for a vendor's; docs/callbacks.md lists them.
/// </summary>
public sealed record CallbackRejection(int Status, long Code, string Reason, string Info)
{
    /// <summary>The secret path segment is missing or wrong (answered like any unknown path).</summary>
    public static readonly CallbackRejection Secret = new(404, 19001, "secret", "not found");

    /// <summary>Not a POST.</summary>
    public static readonly CallbackRejection Method = new(405, 19002, "method", "only POST is accepted");

    /// <summary>SdkAppid missing from the query, or not ours.</summary>
    public static readonly CallbackRejection SdkAppId = new(403, 19003, "sdkappid", "SdkAppid is missing or is not this application's");

    /// <summary>CallbackCommand missing, unknown, or different in the query and the body.</summary>
    public static readonly CallbackRejection Command = new(400, 19004, "command", "CallbackCommand is missing or not a Call callback this receiver takes");

    /// <summary>A Content-Type that is not JSON.</summary>
    public static readonly CallbackRejection ContentType = new(415, 19005, "content_type", "the body must be application/json");

    /// <summary>The body is over <see cref="CallbackReceiverOptions.MaxBodyBytes"/>.</summary>
    public static readonly CallbackRejection TooLarge = new(413, 19006, "too_large", "the body is larger than this receiver accepts");

    /// <summary>The body is empty, not UTF-8, not JSON, or not a JSON object.</summary>
    public static readonly CallbackRejection BadJson = new(400, 19007, "bad_json", "the body is not a UTF-8 JSON object");

    /// <summary>A required field is missing or out of range; <see cref="Info"/> names it.</summary>
    public static CallbackRejection Fields(string problem) => new(400, 19008, "fields", problem);

    /// <summary>The ledger could not be written: the event is not acknowledged (polling will find the call).</summary>
    public static readonly CallbackRejection Store = new(503, 19009, "store", "the event could not be recorded; try again later");
}
