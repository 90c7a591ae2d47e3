using System.Collections.Concurrent;
using System.Globalization;
using Campaigns.TencentCall;
using Campaigns.TencentCall.UserSig;

namespace Campaigns.Simulator.Pipeline;

/// <summary>
/// Checks the signed query of every request and answers the vendor's documented errors. A verified
/// UserSig is remembered until it expires, so verification (inflate + HMAC) is not paid per request.
/// </summary>
public sealed class UserSigGate(SimulatorOptions options, TimeProvider time)
{
    private readonly ConcurrentDictionary<(string Sig, string Identifier), DateTimeOffset> verified = new();

    /// <summary>Null when the request may proceed, else the error code and text to answer.</summary>
    public (long Code, string Info)? Check(IQueryCollection query, ApiGeneration generation)
    {
        ArgumentNullException.ThrowIfNull(query);
        var v4 = generation == ApiGeneration.V4;
        string sdkAppIdText = query["sdkappid"].ToString(), identifier = query["identifier"].ToString();
        string userSig = query["usersig"].ToString(), random = query["random"].ToString();

        if (!long.TryParse(sdkAppIdText, NumberStyles.None, CultureInfo.InvariantCulture, out var sdkAppId) || sdkAppId != options.SdkAppId)
        {
            return v4 ? (60006, "invalid SDKAppID") : (70002, "UserSig is invalid: unknown sdkappid");
        }

        if (!uint.TryParse(random, NumberStyles.None, CultureInfo.InvariantCulture, out _)
            || !string.Equals(query["contenttype"].ToString(), "json", StringComparison.Ordinal))
        {
            return v4 ? (60002, "HTTP request is invalid: random must be a 32-bit unsigned integer and contenttype json")
                : (70001, "invalid request parameters: random, contenttype");
        }

        var now = time.GetUtcNow();
        if (!(verified.TryGetValue((userSig, identifier), out var until) && now <= until))
        {
            var check = TlsSigV2.Verify(userSig, options.SdkAppId, identifier, options.SecretKey, now);
            var refusal = Refusal(check.Status, v4);
            if (refusal is not null)
            {
                return refusal;
            }

            if (verified.Count > 10_000)
            {
                verified.Clear();
            }

            verified[(userSig, identifier)] = check.Decoded!.ExpiresAt;
        }

        return options.AdminIdentifiers.Contains(identifier, StringComparer.Ordinal)
            ? null
            : v4 ? (60010, "the request needs an App administrator identifier") : (70004, "Requesting user is not a Super Administrator");
    }

    private static (long, string)? Refusal(UserSigStatus status, bool v4) => status switch
    {
        UserSigStatus.Valid => null,
        UserSigStatus.Expired => v4 ? (70001, "UserSig expired") : (70003, "UserSig has expired"),
        UserSigStatus.BadSignature => v4 ? (70009, "UserSig verification failed: wrong key") : (70002, "UserSig is invalid"),
        UserSigStatus.IdentifierMismatch => v4 ? (70013, "identifier differs from the UserSig's") : (70002, "UserSig is invalid"),
        UserSigStatus.SdkAppIdMismatch => v4 ? (70014, "SDKAppID differs from the UserSig's") : (70002, "UserSig is invalid"),
        _ => v4 ? (70003, "UserSig is invalid") : (70002, "UserSig is invalid"),
    };
}
