using System.Text;

namespace Campaigns.Workflows.Validation;

/// <summary>The vendor's UserID rule: at most 32 bytes of letters, digits, <c>_</c> and <c>-</c>.</summary>
public static class UserIds
{
    /// <summary>The rule in words, for error messages.</summary>
    public const string Rule = "at most 32 bytes of letters, digits, _ and -";

    /// <summary>Whether <paramref name="id"/> is a valid UserID.</summary>
    public static bool IsValid(string? id) =>
        !string.IsNullOrEmpty(id) && Encoding.UTF8.GetByteCount(id) <= 32 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');
}
