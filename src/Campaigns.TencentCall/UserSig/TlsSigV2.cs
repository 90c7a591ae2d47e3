using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Campaigns.TencentCall.UserSig;

/// <summary>
/// TLS signature v2 (UserSig): generate and verify, as in tencent-call-api.md §8.
/// The official C# package cannot verify and is not reachable here, so both directions live here
/// on System.Security.Cryptography and ZLibStream.
/// </summary>
public static class TlsSigV2
{
    /// <summary>Makes a UserSig for <paramref name="identifier"/>, valid <paramref name="expire"/> from <paramref name="now"/>.</summary>
    public static string Generate(long sdkAppId, string identifier, string secretKey, TimeSpan expire, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrEmpty(identifier);
        ArgumentException.ThrowIfNullOrEmpty(secretKey);
        var time = now.ToUnixTimeSeconds();
        var expireSeconds = (long)expire.TotalSeconds;
        var doc = new JsonObject
        {
            ["TLS.ver"] = "2.0",
            ["TLS.identifier"] = identifier,
            ["TLS.sdkappid"] = sdkAppId,
            ["TLS.expire"] = expireSeconds,
            ["TLS.time"] = time,
            ["TLS.sig"] = Sign(sdkAppId, identifier, secretKey, time, expireSeconds),
        };

        var json = Encoding.UTF8.GetBytes(doc.ToJsonString());
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            zlib.Write(json);
        }

        return Convert.ToBase64String(compressed.ToArray()).Replace('+', '*').Replace('/', '-').Replace('=', '_');
    }

    /// <summary>Checks a UserSig against the expected app, identifier and key at <paramref name="now"/>.</summary>
    public static UserSigCheck Verify(string userSig, long sdkAppId, string identifier, string secretKey, DateTimeOffset now)
    {
        var decoded = Decode(userSig);
        if (decoded is null)
        {
            return new UserSigCheck(UserSigStatus.Malformed, null);
        }

        if (decoded.SdkAppId != sdkAppId)
        {
            return new UserSigCheck(UserSigStatus.SdkAppIdMismatch, decoded);
        }

        if (!string.Equals(decoded.Identifier, identifier, StringComparison.Ordinal))
        {
            return new UserSigCheck(UserSigStatus.IdentifierMismatch, decoded);
        }

        var expected = Convert.FromBase64String(Sign(decoded.SdkAppId, decoded.Identifier, secretKey, decoded.Time, decoded.ExpireSeconds));
        byte[] actual;
        try
        {
            actual = Convert.FromBase64String(decoded.Signature);
        }
        catch (FormatException)
        {
            return new UserSigCheck(UserSigStatus.Malformed, decoded);
        }

        if (!CryptographicOperations.FixedTimeEquals(expected, actual))
        {
            return new UserSigCheck(UserSigStatus.BadSignature, decoded);
        }

        // Expiry is checked after the signature so that a forged "not expired" claim cannot pass.
        return now.ToUnixTimeSeconds() > decoded.Time + decoded.ExpireSeconds
            ? new UserSigCheck(UserSigStatus.Expired, decoded)
            : new UserSigCheck(UserSigStatus.Valid, decoded);
    }

    /// <summary>Reverses the encoding and reads the fields, or null when the text is not a UserSig.</summary>
    public static DecodedUserSig? Decode(string userSig)
    {
        if (string.IsNullOrEmpty(userSig))
        {
            return null;
        }

        try
        {
            var bytes = Convert.FromBase64String(userSig.Replace('*', '+').Replace('-', '/').Replace('_', '='));
            using var input = new ZLibStream(new MemoryStream(bytes), CompressionMode.Decompress);
            using var output = new MemoryStream();
            input.CopyTo(output);
            using var json = JsonDocument.Parse(output.ToArray());
            var root = json.RootElement;
            return new DecodedUserSig(
                Version: ReadString(root, "TLS.ver"),
                Identifier: ReadString(root, "TLS.identifier"),
                SdkAppId: ReadLong(root, "TLS.sdkappid"),
                Time: ReadLong(root, "TLS.time"),
                ExpireSeconds: ReadLong(root, "TLS.expire"),
                Signature: ReadString(root, "TLS.sig"));
        }
        catch (Exception e) when (e is FormatException or InvalidDataException or JsonException or KeyNotFoundException
                                      or InvalidOperationException or OverflowException)
        {
            return null;
        }
    }

    private static string Sign(long sdkAppId, string identifier, string secretKey, long time, long expireSeconds)
    {
        var content = string.Create(
            CultureInfo.InvariantCulture,
            $"TLS.identifier:{identifier}\nTLS.sdkappid:{sdkAppId}\nTLS.time:{time}\nTLS.expire:{expireSeconds}\n");
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secretKey), Encoding.UTF8.GetBytes(content));
        return Convert.ToBase64String(mac);
    }

    private static string ReadString(JsonElement root, string name) =>
        root.GetProperty(name).GetString() ?? throw new KeyNotFoundException(name);

    // Official implementations write numbers as JSON numbers, but some write them as strings: accept both.
    private static long ReadLong(JsonElement root, string name)
    {
        var value = root.GetProperty(name);
        return value.ValueKind == JsonValueKind.String
            ? long.Parse(value.GetString()!, NumberStyles.Integer, CultureInfo.InvariantCulture)
            : value.GetInt64();
    }
}

/// <summary>The outcome of verifying a UserSig.</summary>
public enum UserSigStatus
{
    /// <summary>Signed with the key, for this app and identifier, not expired.</summary>
    Valid,

    /// <summary>Not a decodable UserSig.</summary>
    Malformed,

    /// <summary>The HMAC does not match: wrong key or tampered content.</summary>
    BadSignature,

    /// <summary>Signed correctly but past its time + expire.</summary>
    Expired,

    /// <summary>Made for another identifier.</summary>
    IdentifierMismatch,

    /// <summary>Made for another SDKAppID.</summary>
    SdkAppIdMismatch,
}

/// <summary>The fields a UserSig carries.</summary>
public sealed record DecodedUserSig(string Version, string Identifier, long SdkAppId, long Time, long ExpireSeconds, string Signature)
{
    /// <summary>When the signature stops being valid.</summary>
    public DateTimeOffset ExpiresAt => DateTimeOffset.FromUnixTimeSeconds(Time + ExpireSeconds);
}

/// <summary>A verification verdict with what could be decoded.</summary>
public sealed record UserSigCheck(UserSigStatus Status, DecodedUserSig? Decoded);
