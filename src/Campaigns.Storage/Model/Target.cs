using System.Security.Cryptography;
using System.Text;

namespace Campaigns.Storage.Model;

/// <summary>One thing dialed at once: a callee, or the callees of a group call.</summary>
public sealed record Target(int Seq, IReadOnlyList<string> Callees)
{
    /// <summary>The callee's IANA time zone (docs/callee-time-zones.md); null: unknown, the campaign's zone applies.</summary>
    public string? TimeZone { get; init; }

    /// <summary>
    /// The de-duplication key: SHA-256 (lower-case hex, 64 characters) of the callees sorted and
    /// comma-joined, since a group is a set. Fixed size, so a large group never exceeds an index row.
    /// </summary>
    public static string KeyOf(IEnumerable<string> callees) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join(',', callees.Order(StringComparer.Ordinal)))));
}

/// <summary>A target to add: its callees and, when known, their IANA time zone (one for the whole target).</summary>
public sealed record NewTarget(IReadOnlyList<string> Callees, string? TimeZone = null);

/// <summary>What adding targets did.</summary>
public sealed record AddTargetsResult(int Added, int AlreadyPresent, int FirstSeq);
