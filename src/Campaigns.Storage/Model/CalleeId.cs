using System.Globalization;
using System.Text;

namespace Campaigns.Storage.Model;

/// <summary>
/// The vendor's UserID rule for callees: at most 32 bytes of letters, digits, <c>_</c> and <c>-</c>,
/// and a group call of at most 9 people, the robot included. Ids are compared after Unicode NFC
/// normalisation, and invisible characters are refused by name, so a variant that looks the same
/// cannot slip past de-duplication or the do-not-call list.
/// </summary>
public static class CalleeId
{
    /// <summary>Most UTF-8 bytes of a callee id.</summary>
    public const int MaxBytes = 32;

    /// <summary>The vendor's limit on a group call: 9 people with the robot, so 8 callees.</summary>
    public const int DefaultMaxGroupCallees = 8;

    /// <summary>The id in Unicode normal form C (what is stored and compared).</summary>
    public static string Normalize(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        return id.IsNormalized(NormalizationForm.FormC) ? id : id.Normalize(NormalizationForm.FormC);
    }

    /// <summary>Why <paramref name="id"/> (already normalised) breaks the rule, or null when it is valid.</summary>
    public static string? Problem(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (id.Length == 0)
        {
            return "callee is empty";
        }

        foreach (var rune in id.EnumerateRunes())
        {
            var what = rune.Value switch
            {
                0xFEFF => "a byte-order mark (U+FEFF)",
                0xFFFD => "a replacement character (U+FFFD: the file's encoding was misread)",
                _ when Rune.GetUnicodeCategory(rune) == UnicodeCategory.Format =>
                    string.Create(CultureInfo.InvariantCulture, $"an invisible format character (U+{rune.Value:X4})"),
                _ when Rune.IsWhiteSpace(rune) || Rune.IsControl(rune) => "a space or control character",
                _ when !(rune.IsAscii && (Rune.IsLetterOrDigit(rune) || rune.Value is '_' or '-')) =>
                    string.Create(CultureInfo.InvariantCulture, $"'{rune}', not a letter, digit, '_' or '-'"),
                _ => null,
            };
            if (what is not null)
            {
                return $"callee '{Clip(id)}' contains {what}";
            }
        }

        return Encoding.UTF8.GetByteCount(id) > MaxBytes ? $"callee '{Clip(id)}' is longer than {MaxBytes} bytes" : null;
    }

    /// <summary>Why a group of <paramref name="count"/> callees is too large, or null.</summary>
    public static string? GroupProblem(int count, int maxGroupCallees) => count <= maxGroupCallees
        ? null
        : $"a group of {count} callees exceeds the vendor's limit of {maxGroupCallees} ({maxGroupCallees + 1} people with the robot)";

    private static string Clip(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
