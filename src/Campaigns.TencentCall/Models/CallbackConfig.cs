namespace Campaigns.TencentCall.Models;

/// <summary>The app's callback configuration: where the vendor POSTs call events, and which.</summary>
/// <param name="Url">The receiver's URL. It may hold a secret path segment: never log it.</param>
/// <param name="Commands">The callback commands sent.</param>
public sealed record CallbackConfig(Uri Url, IReadOnlyList<string> Commands)
{
    /// <summary>The vendor's three Call callbacks, in the order its pages list them.</summary>
    public static readonly IReadOnlyList<string> AllCommands =
        ["Call.CallbackAfterStartCall", "Call.CallbackAfterEndCall", "Call.CallbackAfterMemberChanged"];
}
