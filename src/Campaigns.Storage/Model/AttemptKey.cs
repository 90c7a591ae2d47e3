using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Campaigns.Storage.Model;

/// <summary>
/// Makes attempt keys: 16 lower-case base32 characters (80 bits of SHA-256 over campaign, target and
/// attempt number). Deterministic, so a retried activity derives the same key; short, so it fits in
/// the call's UserData (≤ 1000 bytes) beside anything else the campaign sends.
/// </summary>
public static class AttemptKey
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz234567";

    /// <summary>The key of attempt <paramref name="attemptNo"/> of target <paramref name="targetSeq"/> in <paramref name="campaignId"/>.</summary>
    public static string For(string campaignId, int targetSeq, int attemptNo)
    {
        ArgumentException.ThrowIfNullOrEmpty(campaignId);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{campaignId}\n{targetSeq}\n{attemptNo}")));
        var key = new StringBuilder(16);
        ulong buffer = 0;
        var bits = 0;
        for (var i = 0; key.Length < 16; i++)
        {
            buffer = (buffer << 8) | hash[i];
            bits += 8;
            while (bits >= 5 && key.Length < 16)
            {
                bits -= 5;
                key.Append(Alphabet[(int)((buffer >> bits) & 31)]);
            }
        }

        return key.ToString();
    }
}
